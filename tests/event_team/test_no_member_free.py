"""When no Event Team member is free for a role, the lead is not stuck: the filled roles are
confirmed now and the empty one stays open, with a button to fill it later (console)."""

from __future__ import annotations

from tests.event_team.helpers import LEAD, MEMBERS, inboxes, request_in_chat, serving
from tests.support import Harness, texts


def test_the_lead_confirms_the_filled_roles_and_fills_the_rest_later(bot: Harness) -> None:
    free, *away = MEMBERS
    for member in away:  # all but one member are away on the event's day
        bot.say(member, "/tidaktersedia")
        bot.say(member, "14/4/2025")
        bot.say(member, "Dinas luar")
        bot.press(member, "Kirim")
    request_in_chat(bot, roles=(("MC", 1), ("Notulis", 1)))
    inboxes(bot)
    proposal = texts(bot.press(LEAD, "Bagi peran"))
    assert "Masih ada peran tanpa petugas" in proposal
    assert "menetapkan peran yang sudah terisi sekarang dan mengisi sisanya nanti" in proposal
    again = texts(bot.press(LEAD, "Tetapkan"))  # before: the same warning, and nothing else
    assert "Masih ada peran tanpa petugas" in again
    done = bot.press(LEAD, "Tetapkan yang terisi")
    assert "tersimpan" in texts(done)
    assert "Peran yang belum ada petugasnya: Notulis" in texts(done)
    assert list(serving(bot.app)) == [free]
    later = texts(bot.press(LEAD, "Isi"))  # the button under it: the open role only
    assert "1. Notulis: (belum ada)" in later
    assert "MC:" not in later
