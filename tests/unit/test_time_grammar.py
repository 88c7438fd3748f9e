"""The Indonesian time grammar: hundreds of phrasings people type, each with its date and time.

Today is Wednesday 2 December 2026. Every date phrase is combined with every time phrase
(date first, as people write), and each pair must read as the two expectations combined.
"""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.dateparse import parse_times, parse_when, vague

TODAY = date(2026, 12, 2)  # a Wednesday

DATES: list[tuple[str, date]] = [
    ("hari ini", date(2026, 12, 2)),
    ("besok", date(2026, 12, 3)),
    ("lusa", date(2026, 12, 4)),
    ("kamis", date(2026, 12, 3)),
    ("Jumat", date(2026, 12, 4)),
    ("jum'at", date(2026, 12, 4)),
    ("Sabtu", date(2026, 12, 5)),
    ("hari minggu", date(2026, 12, 6)),
    ("senin", date(2026, 12, 7)),
    ("rabu", date(2026, 12, 9)),  # the next one, not today
    ("rabu ini", date(2026, 12, 2)),
    ("jumat ini", date(2026, 12, 4)),
    ("kamis depan", date(2026, 12, 10)),  # next week's, not tomorrow
    ("senin depan", date(2026, 12, 7)),
    ("selasa minggu depan", date(2026, 12, 8)),
    ("minggu depan hari kamis", date(2026, 12, 10)),
    ("hari Senin pekan depan", date(2026, 12, 7)),
    ("7/12", date(2026, 12, 7)),
    ("7/12/2026", date(2026, 12, 7)),
    ("07-12-2026", date(2026, 12, 7)),
    ("2026-12-07", date(2026, 12, 7)),
    ("7 Desember", date(2026, 12, 7)),
    ("7 des 2026", date(2026, 12, 7)),
    ("tanggal 10", date(2026, 12, 10)),
    ("tgl 1", date(2027, 1, 1)),
    ("1/2", date(2027, 2, 1)),  # day first, always: 1 February
    ("15 Januari 2027", date(2027, 1, 15)),
]

TIMES: list[tuple[str, time | None, time | None]] = [
    ("", None, None),
    ("jam 9", time(9), None),
    ("pukul 09.00", time(9), None),
    ("Pukul 13.30 WIB", time(13, 30), None),
    ("jam 2 siang", time(14), None),
    ("jam 12 siang", time(12), None),
    ("jam 11 siang", time(11), None),
    ("jam 7 malam", time(19), None),
    ("jam 3 sore", time(15), None),
    ("jam 10 pagi", time(10), None),
    ("setengah 3 sore", time(14, 30), None),
    ("jam setengah 10", time(9, 30), None),
    ("jam 9 lewat seperempat", time(9, 15), None),
    ("jam 10 kurang seperempat", time(9, 45), None),
    ("jam 8 kurang 10", time(7, 50), None),
    ("jam 8 lewat 10 menit", time(8, 10), None),
    ("jam 9-11", time(9), time(11)),
    ("jam 1-3 siang", time(13), time(15)),
    ("pukul 09.00 s.d. 11.30 WIB", time(9), time(11, 30)),
    ("pukul 08.00 s/d 10.00", time(8), time(10)),
    ("jam 8 pagi sampai jam 12 siang", time(8), time(12)),
    ("jam 2 siang s.d. 4 sore", time(14), time(16)),
    ("jam 4 sore hingga 6", time(16), time(18)),
    ("setengah 9 pagi sampai setengah 12", time(8, 30), time(11, 30)),
    ("13:00-15:00", time(13), time(15)),
    ("jam 10 sampai selesai", time(10), None),
]


@pytest.mark.parametrize(
    ("typed", "day", "start", "end"),
    [
        pytest.param(f"{d} {t}".strip(), day, start, end, id=f"{d} {t}".strip())
        for d, day in DATES
        for t, start, end in TIMES
    ],
)
def test_a_date_then_a_time(typed: str, day: date, start: time | None, end: time | None) -> None:
    parsed = parse_when(typed, TODAY)
    assert parsed is not None, typed
    assert (parsed.day, parsed.start, parsed.end) == (day, start, end)


@pytest.mark.parametrize(
    ("typed", "day", "start", "end"),
    [
        ("jam 2 siang besok", date(2026, 12, 3), time(14), None),
        ("pukul 7 malam, kamis", date(2026, 12, 3), time(19), None),
        ("rapat 3 bidang besok jam 9", date(2026, 12, 3), time(9), None),
        ("7/12 9-11", date(2026, 12, 7), time(9), time(11)),
        ("besok 13", date(2026, 12, 3), time(13), None),
        ("besok jam 11 - 1 siang", date(2026, 12, 3), time(11), time(13)),
    ],
)
def test_other_orders(typed: str, day: date, start: time | None, end: time | None) -> None:
    parsed = parse_when(typed, TODAY)
    assert parsed is not None
    assert (parsed.day, parsed.start, parsed.end) == (day, start, end)


@pytest.mark.parametrize(
    ("typed", "odd"),
    [
        ("besok jam 2", True),  # 02.00: asked about, never silently taken
        ("besok jam 2 siang", False),
        ("besok jam 5 pagi", True),
        ("besok jam 6 pagi", False),
        ("besok jam 10 malam", False),
        ("besok jam 9 - 11 malam", True),
        ("besok", False),
    ],
)
def test_hours_outside_the_office_day_are_flagged(typed: str, odd: bool) -> None:
    parsed = parse_when(typed, TODAY)
    assert parsed is not None
    assert parsed.odd_hours is odd


@pytest.mark.parametrize(
    ("typed", "which"),
    [
        ("minggu depan", "week"),
        ("pekan depan jam 9", "week"),
        ("minggu ini", "week"),
        ("bulan depan", "month"),
        ("senin minggu depan", None),
        ("hari minggu depan", None),
        ("besok", None),
        ("tanggal 5 bulan depan", None),
    ],
)
def test_a_week_without_a_day_is_vague(typed: str, which: str | None) -> None:
    assert vague(typed) == which
    if which is not None:
        assert parse_when(typed, TODAY) is None


def test_times_alone() -> None:
    assert parse_times("jam 2 siang") == [time(14)]
    assert parse_times("setengah 3 sore s.d. 4") == [time(14, 30), time(16)]
    assert parse_times("3 bidang") == []
