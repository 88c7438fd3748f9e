"""Step 5: posting on the day, late approvals, no office group configured, proof reminders."""

from __future__ import annotations

from datetime import date, time

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

POSTING = date(2025, 4, 11)


def _submit(bot: Harness, person: str, quote: str) -> None:
    bot.inbox(person)
    bot.say(person, "/pegasus")
    bot.press(person, "Kirim kata motivasi")
    bot.say(person, quote)
    bot.press(person, "Kirim untuk disetujui")


def _run_until(bot: Harness, day: date, at: time) -> None:
    for _ in bot.run_days(day, at):
        pass


def test_without_an_office_group_humas_and_the_pj_are_told_and_proof_is_chased(
    bot: Harness,
) -> None:
    first = publish_roster(bot)[0]
    author = name_of(bot.app, first.employee_id)
    _submit(bot, author, "Satu data, satu semangat.")
    bot.inbox(PJ)
    approved = texts(bot.press(PJ, "Setujui"))
    assert "diposting otomatis" not in approved  # there is no group to post to
    assert "Grup Telegram kantor belum diatur" in approved
    assert "dikirim ke Humas untuk diposting" in approved
    bot.inbox(HUMAS)
    bot.inbox(author)

    _run_until(bot, POSTING, time(9, 0))
    assert sent_rows(bot.app, "post") == []
    assert "belum bisa diposting otomatis" in texts(bot.inbox(HUMAS))
    told = texts(bot.inbox(author))
    assert "sudah diposting" not in told
    assert "Humas diminta mempostingnya" in told
    assert "TELEGRAM_OFFICE_CHAT_ID" in texts(bot.inbox(PJ))

    # No proof by the end of the next working day (Monday 14 April, 16:00 WIB): a reminder.
    _run_until(bot, date(2025, 4, 14), time(15, 0))
    assert received(bot.app, HUMAS, "reminder") == []
    _run_until(bot, date(2025, 4, 14), time(17, 0))
    chased = received(bot.app, HUMAS, "reminder")
    assert [day for day, _ in chased] == [date(2025, 4, 14)]
    assert "belum lengkap" in chased[0][1]
    assert bot.inbox(HUMAS)[-1].labels == ["📱 Bukti grup WhatsApp", "📸 Bukti Instagram"]


def test_a_poster_approved_after_its_hour_is_posted_at_once(bot: Harness) -> None:
    bot.app.settings.telegram_office_chat_id = OFFICE_CHAT
    first = publish_roster(bot)[0]
    person = name_of(bot.app, first.employee_id)
    _run_until(bot, POSTING, time(9, 0))
    assert "posternya belum ada" in texts(bot.inbox(person))
    assert "posternya belum ada" in texts(bot.inbox(PJ))

    _submit(bot, person, "Terlambat bukan berarti gagal.")
    bot.inbox(PJ)
    assert "sedang diposting ke grup" in texts(bot.press(PJ, "Setujui"))
    posts = sent_rows(bot.app, "post")
    assert [(p.recipient, p.payload["path"]) for p in posts] == [
        (OFFICE_CHAT, duty(bot.app, first.id).poster_path)
    ]
    assert "sedang diposting" in texts(bot.inbox(person))
    # The follow-up of the next working day does not record the turn as missed.
    _run_until(bot, date(2025, 4, 15), time(9, 0))
    assert duty(bot.app, first.id).status == "posted"
