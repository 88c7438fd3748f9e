"""Roster pages and vote charts: valid PNGs of the expected size."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image

from bot.rendering.chart import chart_size, render_vote_chart
from bot.rendering.roster import MAX_PAGE_HEIGHT, WIDTH, RosterRow, render_roster

NAMES = ("Ahmad Fauzi", "Siti Rahmawati", "Dewi Lestari Ningsih",
         "Muhammad Rizky Pratama Putra Simanjuntak", "Yuliana")  # fmt: skip
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def year_of_rows(n: int = 52) -> list[RosterRow]:
    rows = []
    start = dt.date(2025, 1, 6)
    for week in range(1, n + 1):
        end = start + dt.timedelta(days=4)
        dates = f"{start.day} {MONTHS[start.month - 1]} – {end.day} {MONTHS[end.month - 1]}"
        names = tuple(NAMES[(week + i) % len(NAMES)] for i in range(1 + week % 3))
        rows.append(RosterRow(week, dates, names, "BPS Kabupaten Bengkulu Selatan"))
        start += dt.timedelta(days=7)
    return rows


def assert_png(path: Path, size: tuple[int, int]) -> None:
    with Image.open(path) as img:
        assert img.format == "PNG"
        assert img.size == size
        img.verify()


def test_roster_of_a_whole_year_paginates(tmp_path: Path) -> None:
    result = render_roster("Jadwal Piket Mingguan", "Januari – Desember 2025", year_of_rows(),
                           tmp_path, highlight_week=12)  # fmt: skip
    assert sum(result.rows_per_page) == 52
    assert len(result.pages) >= 2
    assert max(result.rows_per_page) - min(result.rows_per_page) <= 3  # evenly spread
    for path, size in zip(result.pages, result.sizes, strict=True):
        assert size[0] == WIDTH
        assert 400 < size[1] <= MAX_PAGE_HEIGHT
        assert_png(path, size)


def test_short_roster_is_one_page(tmp_path: Path) -> None:
    result = render_roster("Piket", "", year_of_rows(3), tmp_path, stem="piket")
    assert result.rows_per_page == (3,)
    assert result.pages == (tmp_path / "piket-1.png",)
    assert_png(result.pages[0], result.sizes[0])


def test_empty_roster_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one row"):
        render_roster("Piket", "", [], tmp_path)


RESULTS = [
    ("Pelatihan Python untuk Analisis Data Statistik Resmi Provinsi Bengkulu", 12),
    ("Kunjungan ke BPS Kabupaten Kepahiang 🚗", 7),
    ("Olahraga bersama", 15),
    ("Tidak ada", 0),
]


def test_vote_chart_size_and_determinism(tmp_path: Path) -> None:
    first = render_vote_chart("Kegiatan bulan depan", RESULTS, tmp_path / "a.png")
    second = render_vote_chart("Kegiatan bulan depan", RESULTS, tmp_path / "b.png")
    assert_png(first, chart_size(len(RESULTS)))
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("n", [1, 2, 12])
def test_vote_chart_sizes(tmp_path: Path, n: int) -> None:
    results = [(f"Pilihan {i}", i) for i in range(n)]
    path = render_vote_chart("Voting", results, tmp_path / "c.png", sort=False)
    assert_png(path, chart_size(n))


def test_vote_chart_with_no_votes(tmp_path: Path) -> None:
    path = render_vote_chart("Belum ada suara", [("A", 0), ("B", 0)], tmp_path / "z.png")
    assert_png(path, chart_size(2))


def test_vote_chart_rejects_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no options"):
        render_vote_chart("x", [], tmp_path / "x.png")
    with pytest.raises(ValueError, match="negative"):
        render_vote_chart("x", [("a", -1)], tmp_path / "x.png")
