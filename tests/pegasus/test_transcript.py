"""Four weeks of Pegasus in chat: roster, a swap, reminders, a quote, approval, posting, proof."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

from icalendar import Calendar
from sqlalchemy import select

from bot.messages import Document, Image, Media
from bot.reports.facts import Period
from bot.services.pegasus.report import duty_facts
from storage.models import StepRecord
from storage.pegasus import DutyStatus, Proof
from tests.pegasus.conftest import (
    HUMAS,
    OFFICE_CHAT,
    PJ,
    duty,
    name_of,
    publish_roster,
    received,
    sent_rows,
)
from tests.support import Harness, texts


def _run_until(bot: Harness, day: date, at: time = time(9, 0)) -> None:
    for _ in bot.run_days(day, at):
        pass


def test_four_weeks_of_pegasus(bot: Harness, photo: Callable[..., Media]) -> None:
    bot.app.settings.telegram_office_chat_id = OFFICE_CHAT

    # Step 1: the PJ builds the roster; Good Friday (18 April) moves week 2 to Thursday.
    roster = publish_roster(bot)
    assert [d.posting_date for d in roster] == [
        date(2025, 4, 11),
        date(2025, 4, 17),
        date(2025, 4, 25),
        date(2025, 5, 2),
    ]
    first, second, third, _fourth = roster
    agus, bayu = name_of(bot.app, first.employee_id), name_of(bot.app, third.employee_id)
    assert (agus, bayu) == ("Agus Salim", "Bayu Saputra")

    # Everyone in the pool gets the roster image; those on duty also a calendar file.
    got = bot.inbox(agus)
    assert any(isinstance(m.reply, Image) for m in got)
    ics = [m.reply for m in got if isinstance(m.reply, Document)]
    assert len(ics) == 1
    with open(ics[0].path, "rb") as handle:
        events = Calendar.from_ical(handle.read()).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [date(2025, 4, 11)]
    assert any(isinstance(m.reply, Image) for m in bot.inbox("Irfan Maulana"))

    # Step 1, swaps: Bayu can't make 25 April and asks Irfan; Irfan accepts; the PJ approves.
    bot.inbox(bayu)
    assert "Serahkan kepada siapa?" in texts(bot.say(bayu, "/tukar"))
    bot.press(bayu, "Pilih rekan")
    assert bot.say(bayu, "Irfan")[-1].labels == ["Irfan Maulana (BPS Provinsi Bengkulu)"]
    bot.press(bayu, "Irfan")
    assert "Permintaan tukar giliran tersimpan" in texts(bot.press(bayu, "Kirim"))
    asked = bot.inbox("Irfan Maulana")
    assert "Bayu Saputra meminta Anda menggantikan" in texts(asked)
    assert "Permintaan terkirim ke Irfan Maulana" in texts(bot.inbox(bayu))  # once it was
    assert "Menunggu persetujuan PJ" in texts(bot.press("Irfan Maulana", "Bersedia"))
    approve = bot.inbox(PJ)
    assert "Irfan Maulana" in texts(approve)
    assert "Disetujui" in texts(bot.press(PJ, "Setujui"))
    told_bayu = bot.inbox(bayu)
    assert "digantikan oleh Irfan Maulana" in texts(told_bayu)
    assert any(isinstance(m.reply, Document) for m in told_bayu)  # the cancelling .ics
    assert "Anda menggantikan Bayu Saputra" in texts(bot.inbox("Irfan Maulana"))
    assert name_of(bot.app, duty(bot.app, third.id).employee_id) == "Irfan Maulana"

    # Step 3: H-5 (Sunday 6 April) and H-3 (Tuesday 8 April) reach Agus at 08:00 WIB.
    _run_until(bot, date(2025, 4, 8), time(10, 0))
    reminders = received(bot.app, agus, "reminder")
    assert [day for day, _ in reminders] == [date(2025, 4, 6), date(2025, 4, 8)]
    assert "5 hari lagi" in reminders[0][1]
    assert "3 hari lagi" in reminders[1][1]

    # Step 4: Agus sends his quote with a photo, sees the preview and sends it for approval.
    bot.inbox(agus)
    assert "Tulis kata motivasi" in texts(bot.press(agus, "Kirim kata motivasi"))
    quote = "Bekerja dengan hati, melayani dengan data yang jujur. Semangat, rekan-rekan! 💪"
    preview = bot.say(agus, quote, media=(photo("agus"),))
    images = [m.reply for m in preview if isinstance(m.reply, Image)]
    assert len(images) == 1
    assert "Pratinjau poster" in images[0].caption
    assert "Terkirim" not in texts(preview)
    submitted = texts(bot.press(agus, "Kirim untuk disetujui"))
    assert "Poster tersimpan dan diajukan untuk disetujui" in submitted
    assert "terkirim" not in submitted

    # The PJ and Humas both get the poster to review; then Agus hears it reached them.
    assert any(isinstance(m.reply, Image) for m in bot.inbox(HUMAS))
    review = bot.inbox(PJ)
    assert "Poster Pegasus dari Agus Salim" in texts(review)
    assert "Poster terkirim ke PJ Pegasus dan Humas" in texts(bot.inbox(agus))
    assert "Poster disetujui" in texts(bot.press(PJ, "Setujui"))
    assert "disetujui oleh Hendra Gunawan" in texts(bot.inbox(agus))
    # Humas pressing the old button later is told it is done, and nothing changes.
    assert "sudah ditinjau" in texts(bot.press(HUMAS, "Setujui"))

    # Step 5: at 08:00 on Friday 11 April the poster goes to the office Telegram group...
    _run_until(bot, date(2025, 4, 11), time(9, 0))
    posted = duty(bot.app, first.id)
    assert posted.status == DutyStatus.POSTED
    posts = sent_rows(bot.app, "post")
    assert len(posts) == 1
    assert (posts[0].channel, posts[0].recipient) == ("telegram", OFFICE_CHAT)
    assert posts[0].payload["type"] == "image"
    assert posts[0].payload["path"] == posted.poster_path
    assert quote.removesuffix(" 💪") in posts[0].payload["caption"]
    assert "Agus Salim" in posts[0].payload["caption"]

    # ...and once the group has it, Humas gets the poster and caption to forward, and sends
    # proof of each post.
    assert bot.inbox(HUMAS) == []
    assert [m.kind for m in bot.inbox(OFFICE_CHAT)] == ["post"]
    handed = bot.inbox(HUMAS)
    assert "sudah diposting otomatis ke grup Telegram kantor" in texts(handed)
    assert "Poster Pegasus Anda sudah diposting hari ini" in texts(bot.inbox(agus))
    assert any(isinstance(m.reply, Image) and m.reply.path == posted.poster_path for m in handed)
    assert "grup WhatsApp" in texts(bot.press(HUMAS, "Bukti grup WhatsApp"))
    more = texts(bot.say(HUMAS, media=(photo("screenshot-wa"),)))
    assert "tersimpan" in more
    assert "Masih ada bukti" in more
    bot.press(HUMAS, "Bukti Instagram")
    done = texts(bot.say(HUMAS, "https://www.instagram.com/p/Cxyz123/"))
    assert "Bukti unggahan lengkap" in done
    assert duty(bot.app, first.id).status == DutyStatus.PROVEN
    with bot.app.sessions() as session:
        proofs = {p.platform: p for p in session.scalars(select(Proof))}
        assert proofs["ig"].link == "https://www.instagram.com/p/Cxyz123/"
        assert proofs["wa"].media_path is not None

    # Weeks 2 to 4: the swapped turn's reminders follow Irfan; Bayu hears nothing more.
    _run_until(bot, date(2025, 5, 3))
    irfan = received(bot.app, "Irfan Maulana", "reminder")
    assert [day for day, _ in irfan][:2] == [date(2025, 4, 20), date(2025, 4, 22)]
    assert received(bot.app, bayu, "reminder") == []
    # Andi sent nothing: H-1 reminded him and told the PJ; the turn is recorded as missed.
    andi = received(bot.app, name_of(bot.app, second.employee_id), "reminder")
    assert [day for day, _ in andi][:3] == [
        date(2025, 4, 12),
        date(2025, 4, 14),
        date(2025, 4, 16),
    ]
    assert "belum masuk" in andi[2][1]
    assert any("H-1" in text and "Andi Pratama" in text for _, text in received(bot.app, PJ))
    assert duty(bot.app, second.id).status == DutyStatus.MISSED
    assert len(sent_rows(bot.app, "post")) == 1

    # Every step of Agus's turn is on record against its time standard.
    with bot.app.sessions() as session:
        steps = {
            r.step: r
            for r in session.scalars(
                select(StepRecord).where(StepRecord.ref == f"duty:{first.id}")
            )
        }
    assert set(steps) == {3, 4, 5}
    assert all(r.ended_at is not None for r in steps.values())

    # What the quarterly report (step 6) reads of these four weeks.
    with bot.app.sessions() as session:
        facts = duty_facts(
            session, Period(date(2025, 4, 1), date(2025, 6, 30), "TW II"), date(2025, 5, 3)
        )
    assert [(f.person, f.status, f.swapped_from) for f in facts] == [
        ("Agus Salim", "on_time", None),
        ("Andi Pratama", "missed", None),
        ("Irfan Maulana", "missed", "Bayu Saputra"),
        ("Dewi Lestari", "missed", None),
    ]
    assert facts[0].proof_url == "https://www.instagram.com/p/Cxyz123/"
    assert facts[0].proof_path is not None
