"""Serawai ratings: CAN rates a host office (`serawai_nilaikantor`); a participant rates the
speakers (`serawai_nilai`): fast tier, no database."""

from __future__ import annotations

import pytest

from bot.flows.serawai.common import SessionItem
from tests.quick.harness import SAME, Press, Row, Table, check, fake, flow, params

HELD = SessionItem(4, "Literasi Data", 2, "BPS Kabupaten Bengkulu Selatan", None)
TO_RATE = fake(sessions_to_rate=lambda _rater: [HELD])
RATED_ALL = fake(sessions_to_rate=lambda _rater: [])
SCORED = {"session_id": 4, "title": "Literasi Data", "score": 5}
TWO = {"session_id": 4, "title": "Literasi Data", "speakers": [[7, "Irfan"], [8, "Ratna"]]}
LAST = {**TWO, "index": 1, "scores": [[7, 4, 4, 4, ""]], "current": [5, 5, 4]}


def _can(state: str, given: str | Press, then: str | None, **kw: object) -> Row:
    return Row(state, given, then, roles=("can",), **kw)  # type: ignore[arg-type]


TABLE: Table = {
    "serawai_nilaikantor": [
        _can(
            "session",
            Press("4"),
            "score",
            says=("serawai.host_rating_score_prompt",),
            lookup=TO_RATE,
        ),
        _can("session", Press("3"), SAME, says=("core.choose_from_buttons",), lookup=TO_RATE),
        _can("session", Press("4"), None, says=("serawai.host_rating_none",), lookup=RATED_ALL),
        _can("score", Press("5"), "comment", says=("serawai.comment_prompt",), data=SCORED),
        _can("score", "lima", SAME, says=("core.choose_from_buttons",), data=SCORED),
        _can("comment", Press("-"), None, does=("RateHost",), data=SCORED, why="skipped"),
        _can("comment", "Tuan rumah yang baik", None, does=("RateHost",), data=SCORED),
        _can("comment", "Bagus", None, says=("core.stale_button",), why="no session"),
    ],
    "serawai_nilai": [
        Row("mastery", Press("4"), "delivery", says=("serawai.rate_delivery",), data=TWO),
        Row("mastery", "0", SAME, says=("core.choose_from_buttons",), data=TWO),
        Row(
            "delivery",
            Press("4"),
            "relevance",
            says=("serawai.rate_relevance",),
            data={**TWO, "current": [4]},
        ),
        Row(
            "delivery",
            "enam",
            SAME,
            says=("core.choose_from_buttons",),
            data={**TWO, "current": [4]},
        ),
        Row(
            "relevance",
            Press("4"),
            "comment",
            says=("serawai.rate_comment",),
            data={**TWO, "current": [4, 4]},
        ),
        Row(
            "relevance",
            "9",
            SAME,
            says=("core.choose_from_buttons",),
            data={**TWO, "current": [4, 4]},
        ),
        Row(
            "comment",
            Press("-"),
            "mastery",
            says=("serawai.rate_mastery",),
            data={**TWO, "current": [4, 4, 4]},
            why="next speaker",
        ),
        Row(
            "comment",
            "Sangat bermanfaat",
            None,
            does=("SubmitRatings",),
            data=LAST,
            why="last speaker",
        ),
        Row(
            "comment",
            "Bagus",
            None,
            says=("core.stale_button",),
            data={**TWO, "current": [4]},
            why="scores missing",
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
