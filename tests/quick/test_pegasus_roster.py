"""Pegasus `/susunjadwal`: start week, number of weeks, weekday, people per week, preview."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from tests.quick.harness import SAME, Press, Row, Table, check, fake, flow, params

PJ = ("pj_pegasus",)
PLANNED = {"start": "2026-03-30", "weeks": 13, "weekday": 4, "per_week": 1}


def plan(**changes: Any) -> SimpleNamespace:
    """A proposed roster of one week, with what stands in its way changed as given."""
    week = SimpleNamespace(week=1, posting_day=date(2026, 4, 3), moved=False, names=("Budi",))
    values: dict[str, Any] = {
        "weeks": [week],
        "short_weeks": [],
        "overlap_until": None,
        "pool_size": 3,
        "first_day_passed": False,
    }
    return SimpleNamespace(**(values | changes))


def lookup(**changes: Any) -> SimpleNamespace:
    """The roster lookup: next Monday free, and a plan."""
    return fake(
        next_free_monday=lambda _today: date(2026, 3, 30),
        preview=lambda *_args: plan(**changes),
    )


TABLE: Table = {
    "pegasus_susun": [
        Row("start", Press("2026-03-30"), "weeks", says=("pegasus.roster_weeks_prompt",)),
        Row("start", "6/4/2026", "weeks", says=("pegasus.roster_weeks_prompt",), why="typed"),
        Row("start", "minggu depan", "weeks", why="next week: a roster needs no day"),
        Row("start", "bulan depan", SAME, says=("core.when_vague_month",), lookup=lookup()),
        Row(
            "start",
            "kapan-kapan",
            SAME,
            says=("pegasus.date_bad", "pegasus.roster_start_prompt"),
            lookup=lookup(),
        ),
        Row(
            "start",
            "2/3/2026",
            SAME,
            says=("pegasus.roster_start_past",),
            lookup=lookup(),
            why="a past week",
        ),
        Row("weeks", "6 minggu", "weekday", says=("pegasus.roster_weekday_prompt",)),
        Row("weeks", Press("13"), "weekday", why="a quarter"),
        Row("weeks", "99", SAME, says=("pegasus.roster_weeks_bad",), why="over the limit"),
        Row("weekday", Press("4"), "per_week", says=("pegasus.roster_per_week_prompt",)),
        Row("weekday", "Jumat", SAME, says=("core.choose_from_buttons",), why="typed"),
        Row(
            "per_week",
            Press("1"),
            "preview",
            says=("pegasus.roster_preview_head", "pegasus.roster_publish"),
            does=("PreviewRoster",),
            data=PLANNED,
            lookup=lookup(),
        ),
        Row(
            "per_week",
            Press("1"),
            "preview",
            says=("pegasus.pool_empty",),
            does=("PreviewRoster",),
            data=PLANNED,
            lookup=lookup(pool_size=0),
            why="empty pool: no publish button",
        ),
        Row(
            "per_week",
            Press("2"),
            "preview",
            says=("pegasus.roster_overlap", "pegasus.roster_short"),
            does=("PreviewRoster",),
            data=PLANNED,
            lookup=lookup(overlap_until=date(2026, 6, 28), short_weeks=[1]),
            why="overlaps a roster, short week",
        ),
        Row(
            "per_week",
            "1",
            "preview",
            says=("pegasus.roster_start_past",),
            does=("PreviewRoster",),
            data=PLANNED,
            lookup=lookup(first_day_passed=True),
            why="first day passed",
        ),
        Row("per_week", "9", SAME, says=("pegasus.roster_per_week_bad",), data=PLANNED),
        Row("preview", Press("yes"), None, does=("PublishRoster",), data=PLANNED, roles=PJ),
        Row("preview", Press("no"), None, says=("core.cancelled",), data=PLANNED),
        Row(
            "preview",
            "terbitkan",
            SAME,
            says=("core.choose_from_buttons", "pegasus.roster_preview_head"),
            data=PLANNED,
            lookup=lookup(),
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
