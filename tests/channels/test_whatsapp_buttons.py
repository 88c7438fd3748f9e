"""Real WhatsApp buttons: a Serawai ballot is voted with one tap, through the webhook.

The bot runs whole (dispatch, database, outbox, the real twilio client) against the fake
Twilio, which checks every Messages and Content API request against Twilio's OpenAPI
descriptions; the tap is the signed webhook Twilio posts when a button is pressed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import Engine, select

from bot.app import App, build_app
from bot.config import Settings
from bot.handlers.wa_content import DbContentCache
from bot.handlers.whatsapp import WhatsAppSender
from bot.media import media_url
from bot.messages import Channel
from bot.sender import Pace, Sender
from bot.server import Runtime
from storage.db import transaction
from storage.models import Employee
from storage.seed import seed_demo
from storage.serawai import SerawaiBallot, SerawaiVote
from tests.channels.conftest import PUBLIC_BASE_URL
from tests.channels.conftest import drain as deliver
from tests.fakes.twilio_api import FakeTwilioAPI
from tests.serawai.support import (
    REGENCY_CAS,
    at,
    open_round,
    proposals,
    propose,
    the_round,
    wib,
)
from tests.support import Clock, Harness

VOTER = "Irfan Maulana"
VOTER_PHONE = "+6281200000021"
INBOUND = f"{PUBLIC_BASE_URL}/whatsapp/inbound"


class WhatsAppBot:
    """The bot with WhatsApp on (and the console for the SOP's other people), on a test clock."""

    def __init__(self, app: App, runtime: Runtime, asgi: Any, twilio: FakeTwilioAPI) -> None:
        self.app = app
        self.runtime = runtime
        self.twilio = twilio
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=asgi), base_url=PUBLIC_BASE_URL
        )

    async def post(self, form: dict[str, str]) -> httpx.Response:
        """POST a webhook signed as Twilio signs it, then let the bot answer."""
        headers = {"X-Twilio-Signature": self.twilio.signature(INBOUND, form)}
        response = await self.http.post("/whatsapp/inbound", data=form, headers=headers)
        await self.deliver()
        return response

    async def say(self, text: str, phone: str = VOTER_PHONE) -> httpx.Response:
        """A typed WhatsApp message."""
        return await self.post(self.twilio.incoming(phone, text))

    async def deliver(self) -> None:
        """Let WhatsApp messages in hand end, then the sender drain everything due."""
        await deliver(self.runtime)

    def sent_to(self, phone: str) -> list[dict[str, Any]]:
        """Messages Twilio accepted for `phone`, oldest first."""
        return [m for m in self.twilio.messages if m.get("To") == f"whatsapp:{phone}"]


@pytest_asyncio.fixture
async def wa_bot(
    wa_settings: Settings, engine: Engine, twilio_api: FakeTwilioAPI, clock: Clock
) -> AsyncIterator[WhatsAppBot]:
    settings = wa_settings
    app = build_app(
        settings,
        engine=engine,
        clock=clock,
        channels={Channel.CONSOLE, Channel.WHATSAPP},
        run_migrations=False,
    )
    with transaction(app.sessions) as session:
        seed_demo(session, clock())
    runtime = Runtime(app)
    asgi = runtime.build()
    # WhatsApp's 24-hour window read on the test's clock; sends unpaced (the fake sets no rate).
    whatsapp = WhatsAppSender(
        settings,
        lambda path, filename="": media_url(app, path, filename),
        clock=lambda: clock().timestamp(),
        content_cache=DbContentCache(app.sessions, clock),
    )
    runtime.sender = Sender(
        app, {Channel.WHATSAPP: whatsapp}, paces={Channel.WHATSAPP: Pace(1000.0)}
    )
    bot = WhatsAppBot(app, runtime, asgi, twilio_api)
    yield bot
    await bot.http.aclose()


def _votes(app: App) -> list[tuple[str, list[str]]]:
    with app.sessions() as session:
        rows = session.execute(
            select(Employee.name, SerawaiVote.proposal_id)
            .join(SerawaiBallot, SerawaiBallot.employee_id == Employee.id)
            .join(SerawaiVote, SerawaiVote.ballot_id == SerawaiBallot.id)
            .order_by(Employee.name, SerawaiVote.proposal_id)
        ).all()
    votes: dict[str, list[str]] = {}
    for name, proposal_id in rows:
        votes.setdefault(name, []).append(str(proposal_id))
    return sorted(votes.items())


async def _ballot_on_whatsapp(
    wa_bot: WhatsAppBot, clock: Clock, titles: dict[str, str]
) -> dict[str, Any]:
    """A round opened on the console with these proposals, now in its vote: the voter's ballot
    as WhatsApp delivered it (the one message with buttons after the voter's menu)."""
    app = wa_bot.app
    at(clock, wib(date(2025, 7, 1)))
    harness = Harness(app, clock)
    open_round(harness, "Serawai Uji")  # CAN and the CAs work on the console
    for code, title in titles.items():
        propose(harness, REGENCY_CAS[code], title)
    at(clock, the_round(app).proposal_closes_at)
    await wa_bot.say("menu")  # the voter wrote today: inside WhatsApp's 24-hour window
    before = len(wa_bot.sent_to(VOTER_PHONE))  # the menu (itself a list of buttons)
    harness.tick()  # proposals close: the vote opens and the ballots go out
    await wa_bot.deliver()
    since = wa_bot.sent_to(VOTER_PHONE)[before:]
    with_buttons = [m for m in since if wa_bot.twilio.content_of(m)]
    assert len(with_buttons) == 1, [wa_bot.twilio.shown(m) for m in since]
    return with_buttons[0]


@pytest.mark.parametrize(
    ("titles", "kind"),
    [
        ({"1701": "Tema Satu", "1702": "Tema Dua"}, "twilio/quick-reply"),
        (
            {code: f"Tema Kantor {code}" for code in ("1701", "1702", "1703", "1704", "1705")},
            "twilio/list-picker",
        ),
    ],
    ids=["quick-reply", "list-picker"],
)
async def test_a_serawai_ballot_on_whatsapp_is_voted_with_one_tap(
    wa_bot: WhatsAppBot, clock: Clock, titles: dict[str, str], kind: str
) -> None:
    app = wa_bot.app
    ballot = await _ballot_on_whatsapp(wa_bot, clock, titles)
    assert kind in (wa_bot.twilio.content_of(ballot) or {}).get("types", {})
    themes = proposals(app)
    _text, labels = wa_bot.twilio.shown(ballot)
    assert "Body" not in ballot  # buttons, not a numbered list
    chosen = sorted(titles.values())[-1]
    label = next(label for label in labels if chosen in label)
    assert _votes(app) == []

    before = len(wa_bot.sent_to(VOTER_PHONE))
    response = await wa_bot.post(wa_bot.twilio.press(ballot, label))  # one tap

    assert response.status_code == 200
    assert _votes(app) == [(VOTER, [str(themes[chosen].id)])]
    (answer,) = wa_bot.sent_to(VOTER_PHONE)[before:]
    answer_text, _ = wa_bot.twilio.shown(answer)
    assert "✅" in answer_text
    assert chosen in answer_text


async def test_a_forged_whatsapp_button_is_checked_like_a_telegram_one(
    wa_bot: WhatsAppBot, clock: Clock
) -> None:
    app = wa_bot.app
    ballot = await _ballot_on_whatsapp(wa_bot, clock, {"1701": "Tema Satu"})
    (label,) = [label for label in wa_bot.twilio.shown(ballot)[1] if "Tema Satu" in label]
    tap = wa_bot.twilio.press(ballot, label)
    rnd = the_round(app)
    before = len(wa_bot.sent_to(VOTER_PHONE))
    forged = [f"srw:v:{rnd.id}:999", f"srw:v:{rnd.id + 1}:1", "srw:v:x", "nope:1"]
    for i, payload in enumerate(forged):  # each a new tap of the ballot, its id rewritten
        response = await wa_bot.post(
            tap | {"MessageSid": f"SMf{i:031x}", "ButtonPayload": payload}
        )
        assert response.status_code == 200
    assert _votes(app) == []
    answers = [wa_bot.twilio.shown(m)[0] for m in wa_bot.sent_to(VOTER_PHONE)[before:]]
    assert len(answers) == 4
    refusals = ("sudah tidak berlaku", "sudah ditutup", "Tombol itu tidak dikenal")
    assert all(any(r in answer for r in refusals) for answer in answers), answers
