"""The writers on a small hand-made report: sheet names, formats, images, charts, progress."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image as PILImage

from bot.reports import fmt
from bot.reports.charts import render_chart
from bot.reports.docx_writer import thumbnail
from bot.reports.model import (
    Chart,
    Column,
    Gallery,
    Image,
    KeyFigure,
    Paragraph,
    Report,
    Section,
    Table,
    Value,
)
from bot.reports.render import write_report
from bot.reports.xlsx_writer import MAX_SHEET_NAME, sheet_names
from tests.reports.reading import DocxReport, XlsxReport

LONG = "Kepatuhan standar waktu Event Team (SOP-321) per triwulan"


def test_sheet_names_are_valid_unique_and_short() -> None:
    names = sheet_names([LONG, LONG, "Ringkasan", "a/b:c*d?[e]", "", "'quoted'"])
    assert names[0] == LONG[:31].rstrip()
    assert names[1].endswith(" (2)")
    assert len(names[1]) <= MAX_SHEET_NAME
    assert names[2] == "Ringkasan (2)"
    assert names[3] == "a-b-c-d--e-"
    assert names[4] == "Tabel"
    assert names[5] == "quoted"


@given(st.lists(st.text(max_size=60), max_size=30))
def test_any_titles_give_acceptable_sheet_names(titles: list[str]) -> None:
    names = sheet_names(titles)
    assert len(names) == len(titles)
    folded = [n.casefold() for n in names]
    assert len(set(folded)) == len(folded)
    assert "ringkasan" not in folded
    for name in names:
        assert 0 < len(name) <= MAX_SHEET_NAME
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'")
        assert not name.endswith("'")


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (1234567, "int", "1.234.567"),
        (4.2857, "dec2", "4,29"),
        (0.9, "pct", "90%"),
        (2 / 3, "pct", "66,7%"),
        (12.0, "dec1", "12,0"),
        (None, "int", "–"),
        (date(2025, 4, 7), "auto", "7 April 2025"),
        (datetime(2025, 4, 7, 2, 30, tzinfo=UTC), "auto", "7 April 2025 09.30"),
        (Value(0.25, "pct"), "int", "25%"),
        ("teks", "int", "teks"),
    ],
)
def test_cells_read_the_indonesian_way(value: object, kind: str, text: str) -> None:
    assert fmt.cell_text(value, kind) == text  # type: ignore[arg-type]


def test_charts_render_as_png_bar_line_and_horizontal() -> None:
    bar = Chart("Per bulan", "bar", ["Jan", "Feb"], {"A": [1, 2], "B": [2, 1]}, y_label="n")
    line = Chart("Tren", "line", ["Jan", "Feb", "Mar"], {"A": [1.5, 2.5, 2.0]})
    wide = Chart(
        "Kantor",
        "bar",
        [f"BPS Kabupaten Nomor {i}" for i in range(11)],
        {"Partisipasi": [i / 10 for i in range(11)]},
        percent=True,
    )
    for chart in (bar, line, wide):
        png = render_chart(chart)
        assert png.startswith(b"\x89PNG")
    with PILImage.open(__import__("io").BytesIO(render_chart(wide))) as picture:
        assert picture.height > picture.width * 0.4  # tall enough for eleven offices


def test_thumbnails_shrink_and_unreadable_files_are_skipped(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    PILImage.new("RGB", (3000, 2000), "navy").save(big)
    small = thumbnail(big, 4.0)
    assert small is not None
    with PILImage.open(small) as picture:
        assert picture.width == round(4.0 / 2.54 * 150)
    (tmp_path / "broken.png").write_bytes(b"not a picture")
    assert thumbnail(tmp_path / "broken.png", 4.0) is None
    assert thumbnail(tmp_path / "missing.png", 4.0) is None


@pytest.fixture
def small_report(tmp_path: Path) -> Report:
    picture = tmp_path / "poster.png"
    PILImage.new("RGB", (400, 500), "teal").save(picture)
    when = datetime(2025, 4, 8, 3, 15, tzinfo=UTC)
    table = Table(
        LONG,
        (
            Column("Nama"),
            Column("Jumlah", "int"),
            Column("Bagian", "pct"),
            Column("Kapan", "datetime"),
            Column("Hanya di Excel", in_docx=False),
        ),
        [["A", 1200, 0.5, when, "x"], ["B", 3, None, None, "y"]],
    )
    return Report(
        title="Uji",
        subtitle="Laporan kecil",
        period_label="Triwulan II 2025",
        key_figures=[KeyFigure("Jumlah", 1203, "int"), KeyFigure("Bagian", 0.5, "pct")],
        sections=[
            Section("Isi", [Paragraph("Halo"), table, Table(LONG, ("X",), [[1]])]),
            Section(
                "Gambar",
                [
                    Image(str(picture), "Poster", 5.0),
                    Image(str(tmp_path / "hilang.png"), "Hilang"),
                    Gallery([Image(str(picture), "Satu"), Image(str(picture), "Dua")], 2),
                    Chart("Kosong", "bar", [], {}),
                ],
            ),
        ],
    )


def test_small_report_in_both_files(small_report: Report, tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    docx_path, xlsx_path = write_report(
        small_report,
        tmp_path,
        "kecil",
        lambda done, total, label: calls.append((done, total, label)),
    )
    total = calls[0][1]
    assert [c[0] for c in calls] == list(range(1, total + 1))
    assert {c[1] for c in calls} == {total}
    assert calls[-1][2] == "XLSX: disimpan"

    docx = DocxReport(docx_path)
    rows = docx.table("Nama", "Jumlah")
    assert rows == [
        ["Nama", "Jumlah", "Bagian", "Kapan"],
        ["A", "1.200", "50%", "8 April 2025 10.15"],
        ["B", "3", "–", "–"],
    ]
    assert "[Gambar tidak tersedia: hilang.png]" in docx.paragraphs
    assert "Kosong: tidak ada data." in docx.paragraphs
    assert len(docx.doc.inline_shapes) == 3

    xlsx = XlsxReport(xlsx_path)
    first, second = xlsx.book.sheetnames[1:]
    assert len(first) <= 31
    assert second.endswith("(2)")
    sheet = xlsx.sheet(first)
    assert [c.value for c in sheet[1]] == ["Nama", "Jumlah", "Bagian", "Kapan", "Hanya di Excel"]
    assert sheet["B2"].value == 1200
    assert sheet["B2"].number_format == "#,##0"
    assert sheet["C2"].value == 0.5
    assert sheet["C2"].number_format == "0.0%"
    assert sheet["D2"].value == datetime(2025, 4, 8, 10, 15)  # WIB wall clock
    assert sheet["C3"].value is None
    assert xlsx.key_figure("Jumlah") == 1203
    index = [r for r in xlsx.rows("Ringkasan") if r[0] == first]
    assert index
    assert index[0][1] == LONG
