"""Serawai, a CA proposes, edits or withdraws a theme (`serawai_usul`): fast tier, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.flows.serawai.proposals import ProposalItem, ProposalWindow
from tests.quick.harness import SAME, Press, Row, Table, check, fake, flow, params

WINDOW = ProposalWindow(5, "Serawai Triwulan II 2026", datetime(2026, 4, 2, 9, tzinfo=UTC), 2)
MINE = ProposalItem(8, "Literasi Data", "Ringkasan", "Dr. Ani")
OPEN = fake(proposal_window=lambda: WINDOW, office_proposals=lambda _r, _o: [MINE])
CLOSED = fake(proposal_window=lambda: None, office_proposals=lambda _r, _o: [])
OFFICE = {"round_id": 5, "office_id": 2, "office_name": "BPS Kabupaten Bengkulu Selatan"}
WRITTEN = {**OFFICE, "title": "Literasi Data", "summary": "Ringkasan", "speaker": "Dr. Ani"}
EDITING = {**WRITTEN, "proposal_id": 8}


def _row(state: str, given: str | Press, then: str | None, **kw: object) -> Row:
    return Row(state, given, then, roles=("ca",), **kw)  # type: ignore[arg-type]


TABLE: Table = {
    "serawai_usul": [
        _row(
            "action",
            Press("new"),
            "title",
            says=("serawai.proposal_title_prompt",),
            data=OFFICE,
            lookup=OPEN,
        ),
        _row(
            "action", Press("e8"), "title", says=("serawai.keep_value",), data=OFFICE, lookup=OPEN
        ),
        _row(
            "action",
            Press("w8"),
            "withdraw",
            says=("serawai.proposal_withdraw_confirm",),
            data=OFFICE,
            lookup=OPEN,
        ),
        _row(
            "action",
            Press("w9"),
            SAME,
            says=("core.choose_from_buttons",),
            data=OFFICE,
            lookup=OPEN,
            why="not ours",
        ),
        _row(
            "action",
            Press("new"),
            None,
            says=("serawai.proposal_closed",),
            data=OFFICE,
            lookup=CLOSED,
        ),
        _row("title", "Dashboard Kinerja", "summary", data=OFFICE),
        _row("title", Press("keep"), "summary", data=EDITING, why="keep when editing"),
        _row("title", "X" * 101, SAME, says=("serawai.too_long",), data=OFFICE),
        _row("title", "  ", SAME, says=("serawai.proposal_title_prompt",), data=OFFICE),
        _row(
            "summary",
            "Memakai Looker Studio",
            "speaker",
            says=("serawai.proposal_speaker_prompt",),
            data=OFFICE,
        ),
        _row("summary", "", SAME, says=("serawai.proposal_summary_prompt",), data=OFFICE),
        _row("speaker", "Dr. Ani", "confirm", says=("serawai.proposal_confirm",), data=OFFICE),
        _row("speaker", "Y" * 201, SAME, says=("serawai.too_long",), data=OFFICE),
        _row("confirm", Press("yes"), None, does=("SubmitProposal",), data=WRITTEN),
        _row("confirm", Press("no"), None, says=("core.cancelled",), data=WRITTEN),
        _row("confirm", "kirim", SAME, says=("core.choose_from_buttons",), data=WRITTEN),
        _row("withdraw", Press("yes"), None, does=("WithdrawProposal",), data=EDITING),
        _row("withdraw", Press("no"), None, says=("core.cancelled",), data=EDITING),
        _row(
            "withdraw",
            Press("yes"),
            SAME,
            says=("core.choose_from_buttons",),
            data=OFFICE,
            why="nothing to withdraw",
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
