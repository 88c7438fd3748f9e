"""A Serawai vote through the real channels: a vote, a vote change and a second choice.

Telegram through the real python-telegram-bot against the fake Bot API: every press is
answered with the ballot again, its buttons still there and the voter's choices marked ✅.
WhatsApp through the signed webhook and the fake Twilio, the themes chosen by typed number.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.services.context import ServiceCtx
from bot.tick import tick
from storage.db import transaction
from storage.models import Employee
from storage.serawai import RoundStatus, SerawaiBallot, SerawaiProposal, SerawaiRound, SerawaiVote
from tests.channels.test_server import IRFAN_PHONE, IRFAN_TG, Bot, _tg_shape, _wa_shape
from tests.channels.test_server import running as running  # the fixture

THEMES = ("Literasi Data untuk Semua", "Dashboard Kinerja", "Arsip Digital")


def _voting(bot: Bot, *, choices: int, channel: str) -> int:
    """A round whose proposals have just closed, with three themes; Irfan reads `channel`.
    The scheduler then opens the vote; returns the round id."""
    now = bot.app.clock()
    with transaction(bot.app.sessions) as session:
        session.execute(
            update(Employee).where(Employee.phone == IRFAN_PHONE).values(preferred_channel=channel)
        )
        people = session.scalars(select(Employee).order_by(Employee.id).limit(len(THEMES))).all()
        rnd = SerawaiRound(
            name="Serawai Uji",
            status=RoundStatus.PROPOSALS,
            opened_at=now - timedelta(days=8),
            proposal_closes_at=now - timedelta(minutes=1),
            voting_closes_at=now + timedelta(days=14),
            proposal_days=7,
            voting_days=10,
            max_choices=choices,
        )
        session.add(rnd)
        session.flush()
        for i, (title, person) in enumerate(zip(THEMES, people, strict=True)):
            created = now - timedelta(days=7, minutes=-i)
            session.add(
                SerawaiProposal(
                    round_id=rnd.id,
                    office_id=person.office_id,
                    slot=i + 1,
                    proposer_id=person.id,
                    title=title,
                    summary=f"Ringkasan {title}.",
                    speaker="Narasumber Tamu",
                    created_at=created,
                    updated_at=created,
                )
            )
        round_id = rnd.id
    with transaction(bot.app.sessions) as session:
        ServiceCtx(env=bot.app.env, session=session, now=now).schedule(
            f"serawai:{round_id}:open-voting",
            "serawai.open_voting",
            now - timedelta(seconds=1),
            args={"round_id": round_id},
        )
    tick(bot.app)
    return round_id


def _chosen(bot: Bot, round_id: int) -> list[str]:
    """Irfan's ballot as stored: the titles he voted for, sorted."""
    with bot.app.sessions() as session:
        return sorted(
            session.scalars(
                select(SerawaiProposal.title)
                .join(SerawaiVote, SerawaiVote.proposal_id == SerawaiProposal.id)
                .join(SerawaiBallot, SerawaiBallot.id == SerawaiVote.ballot_id)
                .join(Employee, Employee.id == SerawaiBallot.employee_id)
                .where(SerawaiBallot.round_id == round_id, Employee.phone == IRFAN_PHONE)
            )
        )


def _last_keyboard(bot: Bot) -> dict[str, Any]:
    with bot.bot_api._lock:
        keyboards = [
            m
            for (chat, _id), m in sorted(bot.bot_api.messages.items())
            if chat == IRFAN_TG and m.get("reply_markup")
        ]
    return keyboards[-1]


async def _press(bot: Bot, title: str) -> tuple[str, tuple[str, ...]]:
    """Press a theme on the ballot in Irfan's chat; what the bot answers (text, buttons)."""
    message = _last_keyboard(bot)
    rows = message["reply_markup"]["inline_keyboard"]
    (data,) = [b["callback_data"] for row in rows for b in row if b["text"].endswith(title)]
    await bot.telegram(bot.bot_api.user_presses(IRFAN_TG, message, data))
    await bot.deliver()
    answer = bot.bot_api.sent()[-1].params
    assert answer["chat_id"] == IRFAN_TG
    return _tg_shape(answer)


Press = Callable[[str], Awaitable[tuple[str, tuple[str, ...]]]]


async def _choose_change_then_two(bot: Bot, press: Press, single: int, channel: str) -> int:
    """On the open one-choice round `single`: a theme chosen, then changed, each answered
    with the ballot again, the choice marked. Then a round of two choices: two chosen, a
    third told the limit. Returns the two-choice round's id."""
    text, labels = await press("Dashboard Kinerja")
    assert "Pilihan Anda tercatat: Dashboard Kinerja" in text
    assert "pilih tema lain" in text  # how to change it, with the buttons to do so
    assert labels == ("Literasi Data untuk Semua", "✅ Dashboard Kinerja", "Arsip Digital")
    assert _chosen(bot, single) == ["Dashboard Kinerja"]

    text, labels = await press("Arsip Digital")
    assert "diubah menjadi: Arsip Digital" in text
    assert labels == ("Literasi Data untuk Semua", "Dashboard Kinerja", "✅ Arsip Digital")
    assert _chosen(bot, single) == ["Arsip Digital"]

    # A round where up to two themes may be chosen: the second choice is a press too.
    with transaction(bot.app.sessions) as session:
        session.execute(
            update(SerawaiRound).where(SerawaiRound.id == single).values(status="cancelled")
        )
    double = _voting(bot, choices=2, channel=channel)
    await bot.deliver()
    await press("Literasi Data untuk Semua")
    text, labels = await press("Dashboard Kinerja")
    assert "Literasi Data untuk Semua; Dashboard Kinerja" in text
    assert "2 dari paling banyak 2" in text
    assert labels == ("✅ Literasi Data untuk Semua", "✅ Dashboard Kinerja", "Arsip Digital")
    text, labels = await press("Arsip Digital")  # a third: told the limit
    assert "sudah memilih 2 tema" in text
    assert labels == ("✅ Literasi Data untuk Semua", "✅ Dashboard Kinerja", "Arsip Digital")
    assert _chosen(bot, double) == ["Dashboard Kinerja", "Literasi Data untuk Semua"]
    return double


async def test_a_vote_a_change_and_a_second_choice_by_button_on_telegram(running: Bot) -> None:
    bot = running
    single = _voting(bot, choices=1, channel="telegram")
    await bot.deliver()
    ballot = _last_keyboard(bot)
    assert [b["text"] for row in ballot["reply_markup"]["inline_keyboard"] for b in row] == list(
        THEMES
    )

    async def press(title: str) -> tuple[str, tuple[str, ...]]:
        return await _press(bot, title)

    double = await _choose_change_then_two(bot, press, single, "telegram")
    _, labels = await press("✅ Literasi Data untuk Semua")  # pressed again: undone
    assert labels == ("Literasi Data untuk Semua", "✅ Dashboard Kinerja", "Arsip Digital")
    assert _chosen(bot, double) == ["Dashboard Kinerja"]


async def test_a_vote_a_change_and_a_second_choice_by_button_on_whatsapp(running: Bot) -> None:
    bot = running

    async def tap(title: str) -> tuple[str, tuple[str, ...]]:
        """Tap the theme's button under the newest ballot in Irfan's chat, as Twilio posts it."""
        mine = [m for m in bot.twilio.messages if m.get("To") == f"whatsapp:{IRFAN_PHONE}"]
        ballot = next(m for m in reversed(mine) if bot.twilio.content_of(m))
        label = next(x for x in bot.twilio.shown(ballot)[1] if x.removeprefix("✅ ") == title)
        form = bot.twilio.press(ballot, label)
        extra: dict[str, Any] = {k: v for k, v in form.items() if k.startswith(("Button", "List"))}
        response = await bot.whatsapp(form["Body"], phone=IRFAN_PHONE, **extra)
        assert response.status_code == 200
        await bot.deliver()
        return _wa_shape(bot.twilio, bot.twilio.messages[-1])

    # Inside WhatsApp's 24-hour window, the ballot goes out as it is.
    assert (await bot.whatsapp("menu", phone=IRFAN_PHONE)).status_code == 200
    await bot.deliver()
    single = _voting(bot, choices=1, channel="whatsapp")
    await bot.deliver()
    mine = [m for m in bot.twilio.messages if m.get("To") == f"whatsapp:{IRFAN_PHONE}"]
    assert _wa_shape(bot.twilio, mine[-1])[1] == THEMES

    await _choose_change_then_two(bot, tap, single, "whatsapp")
