"""Serawai, CAN breaks a tie (`serawai_seri`) and asks for the best of a period
(`serawai_terbaik`): fast tier, no database."""

from __future__ import annotations

from datetime import date

import pytest

from bot.flows.serawai.common import BestLine, BestView, TieItem, TieView
from tests.quick.harness import SAME, Press, Row, Table, check, fake, flow, params

TIE = TieView(
    5,
    "Serawai Triwulan II 2026",
    [TieItem(11, "Tema Satu", "BPS Kabupaten Lebong", 4), TieItem(12, "Tema Dua", "BPS Kota", 4)],
    1,
)
TWO_SLOTS = TieView(TIE.round_id, TIE.round_name, TIE.candidates, 2)
TIED = fake(tie=lambda: TIE)
TIED_TWICE = fake(tie=lambda: TWO_SLOTS)
NO_TIE = fake(tie=lambda: None)
asked: list[tuple[date, date]] = []
BEST = BestView([BestLine("Ratna Dewi", 4.67, 6)], [], 5, 2)


def _best(start: date, end: date) -> BestView:
    asked.append((start, end))
    return BEST


BEST_LOOKUP = fake(best=_best)
DECIDED = {"round_id": 5, "chosen": [11], "reason": "Kantor pengusul siap lebih awal."}


def _row(state: str, given: str | Press, then: str | None, **kw: object) -> Row:
    return Row(state, given, then, roles=("can",), **kw)  # type: ignore[arg-type]


TABLE: Table = {
    "serawai_seri": [
        _row("pick", Press("11"), "reason", says=("serawai.tie_reason_prompt",), lookup=TIED),
        _row(
            "pick",
            Press("11"),
            "pick",
            says=("serawai.tie_prompt",),
            lookup=TIED_TWICE,
            why="one more slot",
        ),
        _row("pick", Press("99"), SAME, says=("core.choose_from_buttons",), lookup=TIED),
        _row(
            "pick",
            Press("11"),
            SAME,
            says=("core.choose_from_buttons",),
            lookup=TIED_TWICE,
            data={"chosen": [11]},
            why="already chosen",
        ),
        _row(
            "pick",
            Press("11"),
            None,
            says=("serawai.tie_none",),
            lookup=NO_TIE,
            why="decided meanwhile",
        ),
        _row(
            "reason",
            "Kantor pengusul siap lebih awal.",
            "confirm",
            says=("serawai.tie_confirm",),
            data={"round_id": 5, "chosen": [11]},
            lookup=TIED,
        ),
        _row(
            "reason",
            "  ",
            SAME,
            says=("serawai.tie_reason_prompt",),
            data={"round_id": 5, "chosen": [11]},
        ),
        _row("confirm", Press("yes"), None, does=("DecideTie",), data=DECIDED),
        _row("confirm", Press("no"), None, says=("core.cancelled",), data=DECIDED),
        _row(
            "confirm", "oke", SAME, says=("core.choose_from_buttons",), data=DECIDED, lookup=TIED
        ),
    ],
    "serawai_terbaik": [
        _row(
            "period",
            Press("2"),
            None,
            says=("serawai.best_result", "serawai.best_quarter"),
            lookup=BEST_LOOKUP,
        ),
        _row(
            "period",
            Press("0"),
            None,
            says=("serawai.best_year", "serawai.best_nobody"),
            lookup=BEST_LOOKUP,
            why="whole year",
        ),
        _row("period", Press("5"), SAME, says=("core.choose_from_buttons",), lookup=BEST_LOOKUP),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)


def test_a_quarter_asks_the_lookup_for_its_bounds() -> None:
    asked.clear()
    check(flow("serawai_terbaik"), _row("period", Press("2"), None, lookup=BEST_LOOKUP))
    assert asked == [(date(2026, 4, 1), date(2026, 7, 1))]
