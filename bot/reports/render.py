"""Write a report as both files, telling a progress callback how far it has got."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from bot.reports.docx_writer import docx_steps, write_docx
from bot.reports.model import Report
from bot.reports.xlsx_writer import write_xlsx, xlsx_steps

Progress = Callable[[int, int, str], None]
"""Called with (steps done, steps in all, what was just done)."""

_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


def safe_basename(name: str) -> str:
    """A file stem without separators or spaces: 'Laporan Q1/2025' becomes 'Laporan-Q1-2025'."""
    cleaned = _UNSAFE.sub("-", name).strip("-.")
    return cleaned or "laporan"


def write_report(
    report: Report, out_dir: Path | str, basename: str, progress: Progress | None = None
) -> tuple[Path, Path]:
    """Write `<basename>.docx` and `<basename>.xlsx` into `out_dir`; return both paths."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = safe_basename(basename)
    total = docx_steps(report) + xlsx_steps(report)
    done = 0

    def tick(label: str) -> None:
        """Count one step and tell the caller."""
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, label)

    docx_path = write_docx(report, folder / f"{stem}.docx", tick)
    xlsx_path = write_xlsx(report, folder / f"{stem}.xlsx", tick)
    return docx_path, xlsx_path
