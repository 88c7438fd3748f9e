"""What "nothing changed" means: every table, minus what any message legitimately touches."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from storage.base import Base

# Written for every message, refused or not: the inbound ledger, the outbox (the refusal
# itself), when and where a person last wrote, and the buttons last shown (the first message
# creates an idle conversation).
TOUCHED_BY_ANY_MESSAGE = {
    "inbound_ledger": None,
    "outbox": None,
    "employees": {"preferred_channel", "wa_last_inbound_at"},
    "conversations": {"last_choices", "updated_at", "version"},
}


def digest(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (as sorted tuples), leaving out TOUCHED_BY_ANY_MESSAGE."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            skip = TOUCHED_BY_ANY_MESSAGE.get(table.name, set())
            if skip is None:
                continue
            columns = [c for c in table.columns if c.name not in skip]
            query = select(*columns)
            if table.name == "conversations":  # an idle conversation is as good as none
                query = query.where(table.c.flow.is_not(None))
            rows = conn.execute(query).all()
            found[table.name] = sorted((tuple(map(repr, row)) for row in rows), key=str)
    return found


def changes(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    """Tables whose rows differ, with how many rows each side has."""
    return [
        f"{name}: {len(before.get(name, []))} -> {len(rows)} rows"
        for name, rows in after.items()
        if rows != before.get(name, [])
    ]
