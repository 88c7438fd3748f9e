"""Follow-ups go out in office hours: a request made at 02.25 is chased at 08.00, not 02.25."""

from __future__ import annotations

from datetime import date, time

from tests.event_team.helpers import CC, LEAD, SM, inboxes, only, request_in_chat
from tests.support import Harness


def test_a_request_made_at_night_is_chased_in_office_hours(bot: Harness) -> None:
    bot.clock.set_wib(date(2025, 3, 26), time(2, 25))
    request_in_chat(bot)
    inboxes(bot)  # the notifications of the request itself, read...
    inboxes(bot)  # ...and the SM's word that they went out
    bot.clock.set_wib(date(2025, 3, 27), time(2, 30))
    bot.tick()
    only(inboxes(bot, (SM, LEAD, CC)), {})  # one working day later, but in the night
    bot.clock.set_wib(date(2025, 3, 27), time(7, 59))
    bot.tick()
    only(inboxes(bot, (SM, LEAD, CC)), {})
    bot.clock.set_wib(date(2025, 3, 27), time(8, 0))
    bot.tick()
    only(inboxes(bot, (SM, LEAD, CC)), {LEAD: "Pengingat: peran untuk permintaan #1"})
