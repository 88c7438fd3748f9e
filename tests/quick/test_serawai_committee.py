"""Serawai, the host's CA picks a session's committee (`serawai_panitia`): fast tier."""

from __future__ import annotations

from typing import Any

import pytest

from bot.flows.serawai.common import PersonItem
from tests.quick.harness import SAME, Press, Row, Table, check, fake, flow, params

PEOPLE = fake(
    search=lambda q: (
        [PersonItem(7, "Irfan Maulana", "BPS Provinsi Bengkulu")] if q.startswith("irf") else []
    )
)
BASE: dict[str, Any] = {"session_id": 4, "title": "Literasi Data"}
MATCHES = {**BASE, "matches": [[7, "Irfan Maulana (BPS Provinsi Bengkulu)"]]}
FULL = {
    **BASE,
    "members": {
        "coordinator": [[3, "Yusuf"]],
        "speaker": [[7, "Irfan"]],
        "moderator": [[9, "Nomor 001"]],
        "minute_taker": [[10, "Nomor 012"]],
    },
}
SEARCHES = (
    ("coordinator", "coordinator_pick", "speaker"),
    ("speaker", "speaker_pick", "more_speakers"),
    ("moderator", "moderator_pick", "minute_taker"),
    ("minute_taker", "minute_taker_pick", "confirm"),
)


def _row(state: str, given: str | Press, then: str | None, **kw: Any) -> Row:
    return Row(state, given, then, roles=("ca",), lookup=PEOPLE, **kw)


def _search_and_pick(search: str, pick: str, after: str) -> list[Row]:
    return [
        _row(search, "irfan", pick, says=("serawai.person_pick",), data=BASE),
        _row(search, "zzz", SAME, says=("serawai.person_none",), data=BASE),
        _row(search, " ", SAME, says=("serawai.committee_search",), data=BASE, why="empty"),
        _row(pick, Press("7"), after, data={**FULL, "matches": MATCHES["matches"]}),
        _row(pick, Press("8"), SAME, says=("core.choose_from_buttons",), data=MATCHES),
    ]


TABLE: Table = {
    "serawai_panitia": [
        *(row for states in SEARCHES for row in _search_and_pick(*states)),
        _row(
            "more_speakers",
            Press("more"),
            "speaker",
            says=("serawai.committee_search",),
            data=FULL,
        ),
        _row("more_speakers", Press("next"), "moderator", data=FULL),
        _row("more_speakers", "terserah", SAME, says=("core.choose_from_buttons",), data=FULL),
        _row("confirm", Press("yes"), None, does=("SubmitCommittee",), data=FULL),
        _row("confirm", Press("no"), None, says=("core.cancelled",), data=FULL),
        _row("confirm", "oke", SAME, says=("core.choose_from_buttons",), data=FULL),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
