"""A typed number answers the buttons on the screen the person is looking at, nothing older."""

from __future__ import annotations

from tests.event_team.helpers import LEAD, request_in_chat
from tests.support import Harness, texts


def test_a_number_after_a_plain_answer_presses_no_older_notice_button(bot: Harness) -> None:
    request_in_chat(bot)
    notice = bot.inbox(LEAD)
    assert "Bagi peran" in notice[-1].labels[0]
    # The lead asks for help (an answer without buttons), then types "1".
    assert "kembali" in texts(bot.say(LEAD, "/bantuan"))
    got = texts(bot.say(LEAD, "1"))
    assert "Usulan pembagian peran" not in got
    # The notice's own button still works when pressed.
    assert "Usulan pembagian peran" in texts(bot.press(LEAD, "Bagi peran", notice[-1]))
