"""Reminders H-5, H-3, H-1: each sent once, caught up after downtime, skipped when too late."""

from __future__ import annotations

import logging
from datetime import date, time

import pytest
from sqlalchemy import select

from bot.calendar import to_wib
from storage.models import Reminder
from tests.pegasus.conftest import PJ, name_of, publish_roster, received, sent_rows
from tests.support import Harness

# Week 1 of the roster from 7 April 2025 posts on Friday 11 April: H-5 is Sunday 6 April.
POSTING = date(2025, 4, 11)


def _reminder_rows(bot: Harness, duty_id: int) -> dict[str, Reminder]:
    with bot.app.sessions() as session:
        rows = session.scalars(
            select(Reminder).where(Reminder.key.startswith(f"pegasus:duty:{duty_id}:"))
        )
        return {row.key.rsplit(":", 1)[1]: row for row in rows}


def test_downtime_over_h5_gives_one_catch_up_on_h4_then_h3_once(bot: Harness) -> None:
    first = publish_roster(bot)[0]
    person = name_of(bot.app, first.employee_id)
    bot.clock.set_wib(date(2025, 4, 5), time(9, 0))  # H-6: nothing due yet
    bot.tick()
    assert received(bot.app, person, "reminder") == []

    # The scheduler was down over Sunday; it comes back on Monday (H-4) at 09:00.
    bot.clock.set_wib(date(2025, 4, 7), time(9, 0))
    assert bot.tick().sent == 1
    assert bot.tick().sent == 0  # a restart does not send it again
    catch_up = received(bot.app, person, "reminder")
    assert [day for day, _ in catch_up] == [date(2025, 4, 7)]
    assert "4 hari lagi" in catch_up[0][1]

    for _ in bot.run_days(date(2025, 4, 8), time(12, 0)):
        pass
    reminders = received(bot.app, person, "reminder")
    assert [day for day, _ in reminders] == [date(2025, 4, 7), date(2025, 4, 8)]
    assert "3 hari lagi" in reminders[1][1]
    rows = _reminder_rows(bot, first.id)
    assert (rows["h5"].outcome, rows["h3"].outcome) == ("sent", "sent")
    assert rows["h5"].done_at is not None
    assert to_wib(rows["h5"].done_at).date() == date(2025, 4, 7)


def test_downtime_past_the_posting_day_sends_nothing_and_logs_the_skip(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    first = publish_roster(bot)[0]
    person = name_of(bot.app, first.employee_id)
    bot.clock.set_wib(date(2025, 4, 5), time(9, 0))  # H-6
    bot.tick()
    before = len(sent_rows(bot.app))

    bot.clock.set_wib(date(2025, 4, 12), time(9, 0))  # H+1: the scheduler was down till now
    with caplog.at_level(logging.WARNING, logger="bot.tick"):
        bot.tick()
    rows = _reminder_rows(bot, first.id)
    assert {rows[k].outcome for k in ("h5", "h3", "h1", "post")} == {"past"}
    assert f"pegasus:duty:{first.id}" in caplog.text
    assert received(bot.app, person, "reminder") == []
    about_duty = [
        row
        for row in sent_rows(bot.app)[before:]
        if row.employee_id == first.employee_id or person in str(row.payload)
    ]
    assert about_duty == []
    assert not any(person in text for day, text in received(bot.app, PJ) if day > date(2025, 4, 5))


def test_h1_without_a_quote_reminds_the_person_and_tells_the_pj(bot: Harness) -> None:
    first = publish_roster(bot)[0]
    person = name_of(bot.app, first.employee_id)
    for _ in bot.run_days(date(2025, 4, 10), time(9, 0)):
        pass
    reminders = received(bot.app, person, "reminder")
    assert [day for day, _ in reminders] == [date(2025, 4, 6), date(2025, 4, 8), date(2025, 4, 10)]
    assert "besok" in reminders[2][1]
    told = [text for day, text in received(bot.app, PJ) if day == date(2025, 4, 10)]
    assert any(person in text and "belum mengirim" in text for text in told)
