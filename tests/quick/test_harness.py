"""The harness itself: tables are found in every tests/quick/test_*.py, each flow in one."""

from __future__ import annotations

import importlib
import pkgutil
from types import SimpleNamespace
from typing import Any

import pytest

from tests.quick.harness import Row, all_tables


def test_every_module_s_table_is_found() -> None:
    tables = all_tables()
    assert {"bahasa", "peran", "libur", "laporan", "et_tersedia", "pegasus_batalcuti"} <= set(
        tables
    )
    assert "et_tolak" in tables


def test_a_flow_tabled_in_two_modules_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    row = Row("choose", "id", None)
    modules = {
        "tests.quick.test_a": SimpleNamespace(TABLE={"bahasa": [row]}),
        "tests.quick.test_b": SimpleNamespace(TABLE={"bahasa": [row]}),
    }

    def iter_modules(_path: Any) -> list[pkgutil.ModuleInfo]:
        return [pkgutil.ModuleInfo(None, name.rsplit(".", 1)[1], False) for name in modules]  # type: ignore[arg-type]

    monkeypatch.setattr(pkgutil, "iter_modules", iter_modules)
    monkeypatch.setattr(importlib, "import_module", modules.__getitem__)
    with pytest.raises(ValueError, match=r"'bahasa' has tables in tests\.quick\.test_a and "):
        all_tables()
