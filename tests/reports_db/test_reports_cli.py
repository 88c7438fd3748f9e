"""`python -m bot report PROGRAM PERIOD [--out DIR]`: both files, with progress on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.__main__ import main
from bot.app import App
from tests.reports.reading import DocxReport, XlsxReport
from tests.reports_db.story import half_year
from tests.support import Clock


@pytest.fixture
def database_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point the command line at the test's database, with no .env to read."""
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "cli-data"))
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("database_env")
def test_the_command_line_writes_both_files_and_prints_progress(
    app: App, clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    half_year(app, clock)
    out = tmp_path / "keluar"
    assert main(["report", "event-team", "Triwulan II 2025", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.out.split() == [
        str(out / "laporan-event-team-2025Q2.docx"),
        str(out / "laporan-event-team-2025Q2.xlsx"),
    ]
    lines = printed.err.splitlines()  # not a terminal: one plain line per step
    assert lines[0].endswith("Data diambil dari basis data")
    assert lines[-1].endswith("XLSX: disimpan")
    total = len(lines)
    assert f" {total}/{total} " in lines[-1]
    assert (
        DocxReport(out / "laporan-event-team-2025Q2.docx").key_figure("Kegiatan terlaksana") == "3"
    )
    assert (
        XlsxReport(out / "laporan-event-team-2025Q2.xlsx").key_figure(
            "Penugasan peran pada kegiatan terlaksana"
        )
        == 5
    )


@pytest.mark.usefixtures("database_env", "app")
def test_the_command_line_defaults_to_the_data_folder_and_refuses_what_it_cannot_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "semester", "2025H1"]) == 0
    folder = tmp_path / "cli-data" / "reports" / "2025H1"
    assert sorted(p.name for p in folder.iterdir()) == [
        "laporan-semester-2025H1.docx",
        "laporan-semester-2025H1.xlsx",
    ]
    capsys.readouterr()
    assert main(["report", "semester", "2025Q1"]) == 2
    assert main(["report", "rapat", "2025Q1"]) == 2
    assert main(["report", "pegasus", "Triwulan V 2025"]) == 2
    errors = capsys.readouterr().err
    assert "Periode tidak dapat dipakai" in errors
    assert "Laporan tidak dikenal" in errors
