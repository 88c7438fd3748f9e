"""Forged webhooks, senders not in the directory, crafted buttons: refused, nothing changed.

Generic over what is registered: every action prefix, every flow state, every command, and
every button payload the exploration saw (with its ids turned into ids that do not exist).
"Nothing changed" is `state.digest`: every table, minus what any message touches (the ledger,
the outbox, where a person last wrote, the buttons last shown).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from bench.fakes import webhook_form
from bot.app import App
from bot.handlers.telegram import telegram_webhook_route
from bot.payload import decode, encode
from tests.channels.conftest import PUBLIC_BASE_URL
from tests.channels.test_server import IRFAN_PHONE, IRFAN_TG, Bot
from tests.evidence.driver import ADMIN, Driver, ErrorTrap, copy_database, sqlite_app
from tests.evidence.explore import Exploration
from tests.evidence.state import changes, digest
from tests.support import Clock

PLAIN = "199109092015031021"  # Irfan Maulana: no role at all
UNKNOWN_ID = "999999999"
STRANGER_PHONE = "+628999000111"
STRANGER_TG = 424242


def crafted_payloads(app: App, seen: list[str]) -> list[str]:
    """Payloads nobody was sent: garbled, unknown prefixes, states, commands, and ids."""
    out = [
        "",
        ":",
        "zz",
        "zz:1",
        "f",
        "f:",
        "f:tidakada:1",
        "f:a:b:c:d:e",
        "cmd",
        "cmd:",
        "cmd:tidakada",
        "cmd:%61",  # not canonical
        "f:" + "x" * 70,  # over 64 bytes
        "café:1",
        "f:choose:id\n",
        "../../etc/passwd",
    ]
    for flow in app.registry.flows.values():
        out += [encode("f", state, UNKNOWN_ID)[:64] for state in flow.states]
    for prefix in sorted(app.registry.prefixes):
        out += [
            prefix,
            f"{prefix}:",
            f"{prefix}:{UNKNOWN_ID}",
            f"{prefix}:x:{UNKNOWN_ID}",
            f"{prefix}:{UNKNOWN_ID}:{UNKNOWN_ID}",
        ]
    for payload in seen:
        parsed = decode(payload)
        if parsed is None or parsed.prefix not in app.registry.prefixes:
            continue
        if any(part.isdigit() for part in parsed.parts):
            parts = [UNKNOWN_ID if part.isdigit() else part for part in parsed.parts]
            out.append(encode(parsed.prefix, *parts))
    return list(dict.fromkeys(out))


def _refused(app: App, clock: Clock, who: str, payloads: list[str]) -> None:
    driver = Driver(app, clock)
    with ErrorTrap() as trap:
        for payload in payloads:
            before = digest(app.engine)
            got = driver.send(who, payload=payload)
            assert got, f"no answer to {payload!r}"
            assert changes(before, digest(app.engine)) == [], payload
    assert not driver.problems, driver.problems[:5]
    assert not trap.records, [r.getMessage() for r in trap.records[:5]]


def test_crafted_buttons_are_refused_and_change_nothing(
    app: App, clock: Clock, exploration: Exploration
) -> None:
    payloads = crafted_payloads(app, exploration.payloads)
    admin_only = [
        encode("cmd", name)
        for name, command in sorted(app.registry.commands.items())
        if command.roles is not None
    ]
    _refused(app, clock, PLAIN, payloads + admin_only)
    _refused(app, clock, ADMIN, payloads)  # holding every role does not make an id exist


def test_crafted_buttons_on_a_lived_in_database(exploration: Exploration, tmp_path: Path) -> None:
    end = exploration.end
    assert end is not None
    copy_database(end.snapshot, tmp_path / "end.sqlite3")
    clock = Clock(end.at)
    app = sqlite_app(tmp_path / "end.sqlite3", tmp_path, clock)
    payloads = crafted_payloads(app, exploration.payloads)
    _refused(app, clock, PLAIN, payloads)
    app.engine.dispose()


# -- over the real webhooks -------------------------------------------------------------------


def _signed(bot: Bot, form: dict[str, str], url: str) -> str:
    return str(bot.validator.compute_signature(url, form))


def _form(bot: Bot, body: str, phone: str = IRFAN_PHONE, **extra: str) -> dict[str, str]:
    return webhook_form(bot.twilio.account_sid, phone, body, **extra)


async def test_forged_whatsapp_webhooks_are_refused_and_change_nothing(running: Bot) -> None:
    inbound = f"{PUBLIC_BASE_URL}/whatsapp/inbound"
    before = digest(running.app.engine)
    good = _form(running, "menu")
    tampered = {**good, "Body": "/peran"}  # signed as "menu", delivered as "/peran"
    other = _form(running, "menu")
    attempts: list[tuple[str, dict[str, str], dict[str, str]]] = [
        ("/whatsapp/inbound", good, {}),
        ("/whatsapp/inbound", good, {"X-Twilio-Signature": ""}),
        ("/whatsapp/inbound", good, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}),
        ("/whatsapp/inbound", tampered, {"X-Twilio-Signature": _signed(running, good, inbound)}),
        (
            "/whatsapp/inbound",
            other,
            {"X-Twilio-Signature": _signed(running, other, f"{PUBLIC_BASE_URL}/lain")},
        ),
        (
            "/whatsapp/status",
            {"MessageSid": "SM1", "MessageStatus": "failed"},
            {"X-Twilio-Signature": _signed(running, good, inbound)},
        ),
    ]
    for path, form, headers in attempts:
        response = await running.http.post(path, data=form, headers=headers)
        assert response.status_code == 403, (path, form, headers)
    assert changes(before, digest(running.app.engine)) == []
    await running.deliver()
    assert running.twilio.messages == []


async def test_a_forged_telegram_webhook_is_refused(running: Bot) -> None:
    assert running.runtime.telegram is not None
    route = telegram_webhook_route(running.runtime.telegram, "rahasia-yang-benar")  # type: ignore[arg-type]
    web = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=Starlette(routes=[route])), base_url=PUBLIC_BASE_URL
    )
    update_ = running.bot_api._user_message(IRFAN_TG, text="/peran")
    before = digest(running.app.engine)
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "rahasia-yang-salah"}):
        response = await web.post(
            "/telegram/webhook", json={"update_id": 1, "message": update_}, headers=headers
        )
        assert response.status_code == 403
    await web.aclose()
    assert changes(before, digest(running.app.engine)) == []


async def test_senders_not_in_the_directory_get_one_polite_answer_and_nothing_else(
    running: Bot,
) -> None:
    before = digest(running.app.engine)
    for body, extra in (("menu", {}), ("/peran", {}), ("", {"ButtonPayload": "cmd:peran"})):
        form = _form(running, body, STRANGER_PHONE, **extra)
        signature = _signed(running, form, f"{PUBLIC_BASE_URL}/whatsapp/inbound")
        response = await running.http.post(
            "/whatsapp/inbound", data=form, headers={"X-Twilio-Signature": signature}
        )
        assert response.status_code == 200
    # On Telegram: text, a crafted button, and a directory member's contact card shared by
    # someone else (Telegram marks whose contact it is: not the sender's, so not linked).
    api = running.bot_api
    await running.telegram(api.user_text(STRANGER_TG, "/peran"))
    press = {"id": "77", "from": api.user(STRANGER_TG), "chat_instance": "1", "data": "cmd:peran"}
    await running.telegram({"update_id": 9, "callback_query": press})
    await running.telegram(api.user_contact(STRANGER_TG, "+6281200000001", IRFAN_TG))
    assert changes(before, digest(running.app.engine)) == []
    await running.deliver()
    unknown = running.app.catalog.t("core.unknown_sender")
    assert [m["Body"] for m in running.twilio.messages] == [unknown] * 3
    share = running.app.catalog.t("core.share_contact")
    assert {c.params["text"] for c in api.sent()} == {share}


@pytest.mark.parametrize("payload", ["cmd:peran", "zz:1", "f:choose:en", "cmd:%61", "x" * 80])
async def test_crafted_whatsapp_button_payloads_are_refused(running: Bot, payload: str) -> None:
    before = digest(running.app.engine)
    form = _form(running, "", ButtonPayload=payload, ButtonText="Kelola peran")
    signature = _signed(running, form, f"{PUBLIC_BASE_URL}/whatsapp/inbound")
    response = await running.http.post(
        "/whatsapp/inbound", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200
    assert changes(before, digest(running.app.engine)) == []
    await running.deliver()
    (answer, *_rest) = [m["Body"] for m in running.twilio.messages]
    catalog = running.app.catalog
    refusals = {
        catalog.t(key) for key in ("core.not_allowed", "core.unknown_button", "core.stale_button")
    }
    assert any(answer.startswith(text) for text in refusals), answer
