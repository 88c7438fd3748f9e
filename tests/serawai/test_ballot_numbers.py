"""A waiting ballot takes no typed number once another answer is on the screen (console)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from storage.serawai import SerawaiBallot
from tests.serawai.support import at, voting_round, wib
from tests.support import Harness, texts

TITLES = {"1701": "Tema Satu", "1702": "Tema Dua", "1703": "Tema Tiga"}
VOTER = "Irfan Maulana"


def _ballots(bot: Harness) -> int:
    with bot.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(SerawaiBallot)) or 0)


def test_a_command_without_buttons_then_1_casts_no_vote(bot: Harness) -> None:
    at(bot.clock, wib(date(2025, 7, 1)))
    voting_round(bot, TITLES)
    ballot = bot.inbox(VOTER)[-1]
    assert "Tema Satu" in " ".join(ballot.labels)
    assert "kembali" in texts(bot.say(VOTER, "/bantuan"))  # an answer without buttons
    bot.say(VOTER, "1")
    assert _ballots(bot) == 0  # "1" answered nothing on the screen: no vote cast
    # The ballot's own button still votes.
    bot.say(VOTER, payload=ballot.payload_for("Tema Satu"))
    assert _ballots(bot) == 1
