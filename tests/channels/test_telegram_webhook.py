"""Webhook mode: only requests carrying the secret header reach the application."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from bot.handlers.telegram import TelegramApp, telegram_webhook_route
from tests.channels.conftest import Sink
from tests.fakes._server import wait_until
from tests.fakes.bot_api import FakeBotAPI

SECRET = "s3cret-Token_1"
PATH = "/telegram/webhook"


@pytest_asyncio.fixture
async def client(tg_app: TelegramApp) -> AsyncIterator[httpx.AsyncClient]:
    web = Starlette(routes=[telegram_webhook_route(tg_app, SECRET, PATH)])
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="https://canbot.example.id") as c:
        yield c


def _update(bot_api: FakeBotAPI, text: str = "halo") -> dict[str, object]:
    return {"update_id": 5001, "message": bot_api._user_message(111, text=text)}


@pytest.mark.asyncio
@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}])
async def test_wrong_or_missing_secret_is_refused(
    bot_api: FakeBotAPI, client: httpx.AsyncClient, sink: Sink, headers: dict[str, str]
) -> None:
    response = await client.post(PATH, json=_update(bot_api), headers=headers)
    assert response.status_code == 403
    assert sink.items == []
    assert [c.method for c in bot_api.calls] == ["getMe"]


@pytest.mark.asyncio
async def test_right_secret_is_processed(
    bot_api: FakeBotAPI, client: httpx.AsyncClient, sink: Sink
) -> None:
    response = await client.post(
        PATH,
        json=_update(bot_api, "lewat webhook"),
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    )
    assert response.status_code == 200
    (inbound,) = sink.items
    assert inbound.text == "lewat webhook"
    assert inbound.sender == "111"


@pytest.mark.asyncio
async def test_running_application_takes_updates_from_its_queue(
    bot_api: FakeBotAPI, tg_app: TelegramApp, client: httpx.AsyncClient, sink: Sink
) -> None:
    await tg_app.start()
    try:
        response = await client.post(
            PATH, json=_update(bot_api), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert response.status_code == 200
        await wait_until(lambda: len(sink.items) == 1)
    finally:
        await tg_app.stop()


@pytest.mark.asyncio
async def test_malformed_body_with_right_secret_is_400(
    client: httpx.AsyncClient, sink: Sink
) -> None:
    response = await client.post(
        PATH, content=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status_code == 400
    assert sink.items == []
