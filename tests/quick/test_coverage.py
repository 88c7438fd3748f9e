"""Every registered flow has a table, and every state of it is played by some row."""

from __future__ import annotations

import pytest

from tests.quick.harness import all_tables, registry


@pytest.mark.parametrize("name", sorted(registry().flows))
def test_every_state_has_a_row(name: str) -> None:
    rows = all_tables().get(name, [])
    assert rows, f"flow {name!r} has no table in tests/quick/test_*.py"
    unplayed = sorted(
        str(s) for s in registry().flows[name].states if s not in {r.state for r in rows}
    )
    assert not unplayed, f"flow {name!r}: no row starts from {unplayed}"


def test_every_table_is_a_registered_flow() -> None:
    unknown = sorted(set(all_tables()) - set(registry().flows))
    assert not unknown, f"tables for flows that are not registered: {unknown}"
