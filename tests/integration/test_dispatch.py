"""The conversation engine: menu, registration, navigation, duplicates, failures, bad input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.buttons import Button
from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput, finish
from bot.messages import Channel, Choices, ContactRequest, Inbound, Media, Reply, Text
from bot.registry import Command, Outcome
from bot.services.context import ServiceCtx
from storage.db import transaction
from storage.models import AuditEntry, Conversation, Employee, ExtraHoliday, OutboxMessage
from tests.support import Harness, texts

ADMIN = "198501012010011001"
PLAIN = "Irfan Maulana"  # an employee with no role


# -- transcript tables --------------------------------------------------------------------

MENU_TRANSCRIPT: list[tuple[str, list[str]]] = [
    ("menu", ["Halo, Irfan! Apa yang bisa saya bantu?"]),
    ("/profil", ["Irfan Maulana", "NIP: 199109092015031021", "Peran: Pegawai"]),
    ("apa kabar", ["Maaf, saya belum mengerti", "Halo, Irfan!"]),
    ("/tidakada", ["Perintah itu tidak dikenal."]),
    ("/peran", ["hanya untuk pemegang peran tertentu"]),
    ("batal", ["Tidak ada proses yang sedang berjalan."]),
    ("/bahasa", ["Pilih bahasa"]),
    ("2", ["Language changed to English."]),
    ("menu", ["Hello, Irfan!"]),
    ("/language", ["Choose your language"]),
    ("bahasa indonesia", ["Bahasa diubah ke Bahasa Indonesia."]),
    ("/bahasa", ["Pilih bahasa"]),
    ("🇮🇩 Bahasa Indonesia", ["Bahasa diubah ke Bahasa Indonesia."]),
]


def test_menu_transcript(bot: Harness) -> None:
    for said, expected in MENU_TRANSCRIPT:
        got = texts(bot.say(PLAIN, said))
        for fragment in expected:
            assert fragment in got, f"after {said!r}: {fragment!r} not in {got!r}"


def test_menu_shows_only_what_the_role_allows(bot: Harness) -> None:
    admin_menu = bot.say(ADMIN, "menu")[0].labels
    plain_menu = bot.say(PLAIN, "menu")[0].labels
    assert "🛠️ Admin (5)" in admin_menu  # the admin's many commands come grouped by program
    assert any("Kelola peran" in label for label in bot.press(ADMIN, "Admin")[0].labels)
    assert not any("Kelola peran" in label or "Admin" in label for label in plain_menu)


def _telegram(bot: Harness, user_id: str, **kwargs: object) -> None:
    bot.app.channels = frozenset({Channel.TELEGRAM})
    bot.send(user_id, channel=Channel.TELEGRAM, **kwargs)  # type: ignore[arg-type]


def _telegram_replies(app: App, user_id: str) -> list[Reply]:
    from bot.messages import reply_from_dict

    with app.sessions() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == user_id, OutboxMessage.channel == "telegram")
            .order_by(OutboxMessage.id)
        )
        return [reply_from_dict(r.payload) for r in rows]


def test_registration_on_telegram_links_by_shared_contact(bot: Harness) -> None:
    _telegram(bot, "5550001", text="/start")
    first = _telegram_replies(bot.app, "5550001")
    assert isinstance(first[-1], ContactRequest)
    assert "bagikan nomor telepon" in first[-1].text

    # The contact of someone not in the directory: one polite sentence.
    bot.app.channels = frozenset({Channel.TELEGRAM})
    bot.app  # noqa: B018
    from bot.dispatch import dispatch

    dispatch(
        bot.app,
        Inbound(
            Channel.TELEGRAM,
            "5550002",
            bot.clock(),
            contact_phone="+628999999999",
            message_id="c1",
        ),
    )
    stranger = _telegram_replies(bot.app, "5550002")
    assert [r.text for r in stranger if isinstance(r, Text)] == [
        "Mohon maaf, nomor Anda belum terdaftar di direktori pegawai CAN Bot. "
        "Silakan hubungi admin CAN BPS Provinsi Bengkulu."
    ]

    # Irfan shares his own contact (0812... form): linked, welcomed, shown the menu.
    dispatch(
        bot.app,
        Inbound(
            Channel.TELEGRAM, "5550001", bot.clock(), contact_phone="081200000021", message_id="c2"
        ),
    )
    linked = _telegram_replies(bot.app, "5550001")
    assert "Akun Telegram Anda sudah terhubung" in linked[-2].text  # type: ignore[union-attr]
    assert "Halo, Irfan!" in linked[-1].text  # type: ignore[union-attr]
    with bot.app.sessions() as session:
        irfan = session.scalar(select(Employee).where(Employee.name == PLAIN))
        assert irfan is not None
        assert irfan.telegram_id == "5550001"
        assert irfan.preferred_channel == "telegram"
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_unknown_whatsapp_sender_gets_one_polite_sentence(bot: Harness) -> None:
    result = bot.send("+628111111111", "halo", channel=Channel.WHATSAPP)
    assert result.employee_id is None
    rows = bot.pending()
    assert len(rows) == 1
    assert rows[0].recipient == "+628111111111"
    assert "belum terdaftar" in rows[0].payload["text"]


# -- navigation ---------------------------------------------------------------------------


def test_back_returns_to_the_previous_question_and_cancel_saves_nothing(bot: Harness) -> None:
    bot.say(ADMIN, "/peran")
    bot.press(ADMIN, "Beri peran")
    assert "Kelola peran: apa yang ingin" in texts(bot.say(ADMIN, "kembali"))
    assert "Ketik sebagian nama" in texts(bot.press(ADMIN, "Beri peran"))
    got = bot.say(ADMIN, "Irfan")
    assert "Pilih pegawai" in texts(got)
    back = bot.say(ADMIN, "kembali")
    assert "Ketik sebagian nama" in texts(back)
    bot.say(ADMIN, "Irfan")
    bot.press(ADMIN, "Irfan")
    bot.press(ADMIN, "Humas")
    cancelled = bot.say(ADMIN, "batal")
    assert "dibatalkan" in texts(cancelled)
    with bot.app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_admin_grants_a_role_in_chat_and_it_is_audited(bot: Harness) -> None:
    bot.say(ADMIN, "/peran")
    bot.press(ADMIN, "Beri peran")
    bot.say(ADMIN, "irfan")
    bot.press(ADMIN, "Irfan")
    bot.press(ADMIN, "Change Agent")
    bot.press(ADMIN, "Kota Bengkulu")
    done = bot.press(ADMIN, "Kirim")
    assert "Peran Change Agent diberikan kepada Irfan Maulana" in texts(done)
    told = bot.inbox(PLAIN)
    assert "Anda kini memegang peran Change Agent" in texts(told)
    with bot.app.sessions() as session:
        audit = session.scalars(select(AuditEntry)).one()
        assert audit.action == "grant_role"
        assert audit.detail["role"] == "ca"
    # The role shows in the profile right away.
    assert "Change Agent" in texts(bot.say(PLAIN, "/profil"))


def test_a_stale_button_is_refused_without_changing_anything(bot: Harness) -> None:
    bot.say(ADMIN, "/peran")
    first = bot.last_choices[ADMIN]
    bot.press(ADMIN, "Beri peran")
    got = bot.say(ADMIN, payload=first.payload_for("Cabut"))
    assert "sudah tidak berlaku" in texts(got)
    with bot.app.sessions() as session:
        conv = session.scalars(select(Conversation)).one()
        assert conv.state == "person"
        assert conv.data["grant"] is True


def test_crafted_payloads_are_refused(bot: Harness) -> None:
    for payload in ("cmd:peran", "nonsense:1", "f:confirm:yes", "\x00bad", "x" * 200):
        got = texts(bot.say(PLAIN, payload=payload))
        assert got, payload
        assert "Peran" not in got or "hanya untuk" in got


def test_idle_conversation_expires_politely(bot: Harness) -> None:
    bot.say(ADMIN, "/libur")
    bot.clock.advance(hours=3)
    got = texts(bot.say(ADMIN, "17/8/2026"))
    assert "sudah berakhir karena lama tidak ada balasan" in got
    with bot.app.sessions() as session:
        assert session.scalars(select(Conversation)).one().flow is None


def test_a_stored_conversation_that_no_longer_validates_resets_with_an_apology(
    bot: Harness,
) -> None:
    bot.say(ADMIN, "/libur")
    with bot.app.sessions() as session, session.begin():
        conv = session.scalars(select(Conversation)).one()
        conv.data = {"day": "not a date", "unknown_field": 1}
    got = texts(bot.say(ADMIN, "17/8/2026"))
    assert "tidak dapat dilanjutkan" in got
    assert "belum mengerti" in got  # the typed date no longer belongs to any question


def test_admin_adds_a_holiday_and_the_calendar_knows_it(bot: Harness) -> None:
    bot.say(ADMIN, "/libur")
    assert "sudah merupakan hari libur" in texts(bot.say(ADMIN, "31/3/2025"))
    bot.say(ADMIN, "9/4/2025")
    bot.say(ADMIN, "Libur kantor")
    done = bot.press(ADMIN, "Kirim")
    assert "Rabu, 9 April 2025 dicatat sebagai hari libur" in texts(done)
    from datetime import date

    assert not bot.app.calendar.is_working_day(date(2025, 4, 9))
    with bot.app.sessions() as session:
        assert session.get(ExtraHoliday, date(2025, 4, 9)) is not None


# -- duplicates, failures, bad input ------------------------------------------------------


def test_a_redelivered_message_is_processed_once(bot: Harness) -> None:
    first = bot.send(ADMIN, "/peran", message_id="wa:SM1")
    second = bot.send(ADMIN, "/peran", message_id="wa:SM1")
    assert not first.duplicate
    assert second.duplicate
    assert len(bot.inbox(ADMIN)) == 1


class _BoomState(StrEnum):
    ASK = "ask"


class _BoomData(FlowData):
    pass


@dataclass(frozen=True)
class _WriteThenFail:
    pass


def _boom_handler(ctx: ServiceCtx, _cmd: _WriteThenFail) -> list[Reply]:
    ctx.audit("half_done")
    ctx.notify(ctx.employee(2), [Text("you should never see this")])
    raise RuntimeError("the database went away mid-step")


def _boom_flow() -> Flow[_BoomData]:
    def prompt(_ctx: Ctx, _d: _BoomData) -> list[Reply]:
        return [Text("Say anything")]

    def handle(_ctx: Ctx, _d: _BoomData, _i: UserInput) -> Step:
        return finish(Text("done"), commands=(_WriteThenFail(),))

    return Flow("boom", _BoomData, {_BoomState.ASK: State(prompt, handle)}, _BoomState.ASK)


def test_a_failing_step_leaves_no_partial_write(bot: Harness) -> None:
    bot.app.registry.flow(_boom_flow())
    bot.app.registry.command(Command("boom", "core.cmd_menu", flow="boom"))
    bot.app.registry.handles(_WriteThenFail, _boom_handler)
    bot.say(ADMIN, "/boom")
    got = bot.say(ADMIN, "go")
    assert [m.text for m in got] == [
        "Mohon maaf, terjadi gangguan dan pesan Anda belum tersimpan. "
        "Silakan coba lagi sebentar lagi."
    ]
    with bot.app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
        conv = session.scalars(select(Conversation)).one()
        assert (conv.flow, conv.state) == ("boom", "ask")  # as it was: the user can try again
    assert bot.inbox("Sri Wahyuni") == []


BAD_INPUTS: list[tuple[dict[str, object], str]] = [
    ({"text": ""}, "Pesan Anda kosong"),
    ({"text": "   "}, "Pesan Anda kosong"),
    ({"text": "a" * 10_000}, "Pesan terlalu panjang (maksimal 4000 karakter)"),
    ({"text": "😀🎉🙏"}, "Tanggal tidak terbaca"),
    ({"text": "مرحبا بالعالم"}, "Tanggal tidak terbaca"),
    ({"text": "/xyz"}, "Perintah itu tidak dikenal"),
    (
        {"media": (Media("/tmp/voice.ogg", "audio/ogg", "audio"),)},
        "jenis berkas ini belum bisa saya proses",
    ),
]


@pytest.mark.parametrize(("message", "answer"), BAD_INPUTS)
def test_bad_input_gets_a_clear_reply_and_leaves_the_conversation(
    bot: Harness, message: dict[str, object], answer: str
) -> None:
    bot.say(ADMIN, "/libur")
    with bot.app.sessions() as session:
        before = session.scalars(select(Conversation)).one()
        state_before = (before.flow, before.state, before.data)
    got = texts(bot.say(ADMIN, **message))  # type: ignore[arg-type]
    assert answer in got
    with bot.app.sessions() as session:
        after = session.scalars(select(Conversation)).one()
        if str(message.get("text", "")).startswith("/"):
            return  # an unknown command shows the menu; the flow is left as it was
        assert (after.flow, after.state, after.data) == state_before


@pytest.mark.parametrize("text", ["😀🎉🙏", "مرحبا بالعالم", "\u202eabc"])
def test_emoji_and_right_to_left_text_outside_a_flow(bot: Harness, text: str) -> None:
    got = texts(bot.say(ADMIN, text))
    assert "Maaf, saya belum mengerti maksud Anda." in got
    assert "Halo, Andi!" in got


def test_bad_input_in_english_for_an_english_user(bot: Harness) -> None:
    bot.say(PLAIN, "/bahasa")
    bot.say(PLAIN, "2")
    assert "Your message is empty" in texts(bot.say(PLAIN, ""))


def test_two_messages_at_once_from_one_user_both_land(app: App, bot: Harness) -> None:
    import threading

    bot.say(ADMIN, "/libur")
    barrier = threading.Barrier(2)

    def send(i: int) -> None:
        barrier.wait()
        bot.send(ADMIN, "/profil", message_id=f"race-{i}")

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    got = bot.inbox(ADMIN)
    assert sum("NIP:" in m.text for m in got) == 2


def test_times_are_stored_as_utc(bot: Harness) -> None:
    bot.say(ADMIN, "menu")
    with bot.app.sessions() as session:
        conv = session.scalars(select(Conversation)).one()
        assert conv.updated_at.tzinfo is not None
        assert conv.updated_at == datetime(2025, 3, 26, 2, 0, tzinfo=UTC)


def test_a_start_deep_link_reaches_its_flow(bot: Harness) -> None:
    got = texts(bot.say(ADMIN, "/start peran"))
    assert "Kelola peran: apa yang ingin Anda lakukan?" in got
    # A deep link to a command the person may not use is refused like the command itself.
    assert "hanya untuk pemegang peran tertentu" in texts(bot.say(PLAIN, "/start libur"))


@dataclass(frozen=True)
class _NoticeButton(Button, prefix="tst"):
    theme: str


def test_buttons_of_a_notice_do_not_steal_a_flows_numbers(bot: Harness) -> None:
    from bot.messages import Option

    def pressed(ctx: ServiceCtx, button: _NoticeButton) -> Outcome:
        return Outcome([Text(f"notice button {button.theme}")])

    bot.app.registry.button(_NoticeButton, pressed)
    notice = Choices("Pilih tema Serawai:", (Option("Tema A", "tst:A"), Option("Tema B", "tst:B")))
    bot.say(ADMIN, "/peran")  # buttons 1. Beri peran, 2. Cabut peran
    with transaction(bot.app.sessions) as session:
        ServiceCtx(env=bot.app.env, session=session, now=bot.clock()).notify(1, [notice])
    # "1" still answers the flow's question...
    assert "Ketik sebagian nama" in texts(bot.say(ADMIN, "1"))
    bot.say(ADMIN, "Irfan")
    bot.say(ADMIN, "1")
    bot.press(ADMIN, "Humas")
    assert "diberikan" in texts(bot.press(ADMIN, "Kirim"))
    # ...and once the flow is over, "2" answers nothing older than the screen (the flow's
    # last answer); the notice's buttons still work when pressed.
    assert texts(bot.say(ADMIN, "2")) != "notice button B"
    assert texts(bot.say(ADMIN, payload="tst:B")) == "notice button B"
