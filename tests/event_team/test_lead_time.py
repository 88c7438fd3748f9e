"""The 2025 calendar at work: lead time in working days, holidays and cuti bersama excluded."""

from __future__ import annotations

from datetime import date

import pytest

from bot.calendar import WorkCalendar
from bot.flows.event_team.rules import lead_time
from bot.services.context import UserError
from tests.event_team.helpers import CC, LEAD, SM, api_request, inboxes, only, the_request, wib
from tests.support import Harness, texts

ASKED = date(2025, 3, 26)  # Wednesday; Idul Fitri holidays and cuti bersama follow


def test_the_rule_on_the_2025_calendar() -> None:
    calendar = WorkCalendar()
    assert calendar.add_working_days(ASKED, 3) == date(2025, 4, 9)
    too_soon = lead_time(calendar, ASKED, date(2025, 4, 8), "refuse")
    assert (too_soon.days, too_soon.refused, too_soon.earliest) == (2, True, date(2025, 4, 9))
    assert lead_time(calendar, ASKED, date(2025, 4, 8), "flag").refused is False
    exactly = lead_time(calendar, ASKED, date(2025, 4, 9), "refuse")
    assert (exactly.days, exactly.late, exactly.short) == (3, False, True)
    ample = lead_time(calendar, ASKED, date(2025, 4, 14), "refuse")
    assert (ample.days, ample.late, ample.short) == (6, False, False)


def _ask(bot: Harness, when: str) -> str:
    bot.say(SM, "/dukungan")
    bot.say(SM, "Bimtek Pengolahan Data")
    return texts(bot.say(SM, when))


def test_a_request_on_26_march_for_8_april_is_refused_naming_the_earliest_date(
    bot: Harness,
) -> None:
    got = _ask(bot, "8/4/2025 09.00-11.00")
    assert "paling lambat 3 hari kerja sebelum kegiatan" in got
    assert "hanya 2 hari kerja lagi" in got
    assert "Tanggal kegiatan paling cepat: Rabu, 9 April 2025" in got
    # Still on the same question: another date goes through.
    assert "Di mana tempatnya?" in texts(bot.say(SM, "14/4/2025 09.00-11.00"))
    only(inboxes(bot), {})


def test_the_same_request_for_14_april_is_accepted(bot: Harness) -> None:
    assert "Di mana tempatnya?" in _ask(bot, "14/4/2025 09.00-11.00")


def test_exactly_three_working_days_is_accepted_with_a_note_that_four_are_advised(
    bot: Harness,
) -> None:
    got = _ask(bot, "9/4/2025 09.00-11.00")
    assert "tepat 3 hari kerja" in got
    assert "minimal 4 hari kerja" in got
    assert "Di mana tempatnya?" in got


def test_the_flag_policy_accepts_a_late_request_flagged_late(bot: Harness) -> None:
    bot.app.settings.event_late_policy = "flag"
    got = _ask(bot, "8/4/2025 09.00-11.00")
    assert "ditandai terlambat" in got
    bot.say(SM, "Aula")
    bot.press(SM, "MC")
    bot.press(SM, "1")
    bot.press(SM, "Selesai")
    bot.press(SM, "Lewati")
    bot.press(SM, "Lewati")
    done = texts(bot.press(SM, "Kirim"))
    assert "Permintaan #1 tersimpan" in done
    assert "Ditandai terlambat: diajukan 2 hari kerja" in done
    request = the_request(bot.app)
    assert (request.late, request.lead_days) == (True, 2)
    only(inboxes(bot), {LEAD: "Ditandai terlambat", CC: "Ditandai terlambat"})


def test_another_feature_opening_a_late_request_is_refused_unless_it_waives_the_rule(
    bot: Harness,
) -> None:
    starts, ends = wib(date(2025, 4, 8)), wib(date(2025, 4, 8)).replace(hour=4)
    with pytest.raises(UserError, match="Rabu, 9 April 2025"):
        api_request(bot.app, starts, ends, {"mc": 1})
    request_id = api_request(
        bot.app, starts, ends, {"mc": 1}, enforce_lead_time=False, linked_ref="serawai:7"
    )
    request = the_request(bot.app, request_id)
    assert (request.late, request.linked_ref) == (True, "serawai:7")
    only(inboxes(bot), {LEAD: "Serawai: Sesi Berbagi", CC: "Serawai: Sesi Berbagi"})
