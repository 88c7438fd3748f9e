"""Replace a piece of text wherever the database holds it: every string and JSON column.

Used to move stored file paths to another data folder on restore, and to scrub a person's
name, phone and ids from every table on `forget`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, String, Table, and_, cast, func, or_, select, update
from sqlalchemy.orm import Session

import storage.all_models  # noqa: F401  (every table on the metadata)
from storage.base import Base


def _like(needle: str) -> str:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def replace_in_value(value: Any, old: str, new: str) -> Any:
    """`value` with `old` replaced in every string it holds (lists and dicts walked)."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [replace_in_value(item, old, new) for item in value]
    if isinstance(value, dict):
        return {k: replace_in_value(v, old, new) for k, v in value.items()}
    return value


def _json_column(table: Table, name: str) -> bool:
    return isinstance(table.c[name].type, JSON) or "JSON" in type(table.c[name].type).__name__


def replace_everywhere(session: Session, old: str, new: str) -> int:
    """Replace `old` by `new` in every text and JSON value of every table; the rows changed."""
    if not old:
        return 0
    changed = 0
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if _json_column(table, column.name):
                changed += _replace_json(session, table, column.name, old, new)
            elif isinstance(column.type, String):  # Text is a String too
                result = session.execute(
                    update(table)
                    .where(column.like(_like(old), escape="\\"))
                    .values({column.name: _sql_replace(column, old, new)})
                    .execution_options(synchronize_session=False)
                )
                changed += int(result.rowcount)  # type: ignore[attr-defined]
    return changed


def _sql_replace(column: Any, old: str, new: str) -> Any:
    return func.replace(column, old, new)


def _replace_json(session: Session, table: Table, name: str, old: str, new: str) -> int:
    column = table.c[name]
    as_text = cast(column, String)
    # SQLite keeps JSON as json.dumps wrote it (non-ASCII as \\u escapes); PostgreSQL as is.
    forms = {old, json.dumps(old)[1:-1]}
    keys = list(table.primary_key.columns)
    rows = session.execute(
        select(*keys, column).where(
            or_(*(as_text.like(_like(form), escape="\\") for form in forms))
        )
    ).all()
    for row in rows:
        *key_values, value = row
        session.execute(
            update(table)
            .where(and_(*(k == v for k, v in zip(keys, key_values, strict=True))))
            .values({name: replace_in_value(value, old, new)})
            .execution_options(synchronize_session=False)
        )
    return len(rows)
