"""People type dates many ways; the parser reads the common ones and nothing else."""

from datetime import date, time

import pytest

from bot.dateparse import parse_date, parse_when

TODAY = date(2025, 3, 26)


@pytest.mark.parametrize(
    ("typed", "day", "start", "end"),
    [
        ("7/4/2025 09.00", date(2025, 4, 7), time(9), None),
        ("7 April 2025 jam 9", date(2025, 4, 7), time(9), None),
        ("besok 13:00", date(2025, 3, 27), time(13), None),
        ("14/4/2025 09.00-11.30", date(2025, 4, 14), time(9), time(11, 30)),
        ("7/4 jam 13 sampai 15", date(2025, 4, 7), time(13), time(15)),
        ("2025-04-14 9:00", date(2025, 4, 14), time(9), None),
        ("17 agustus 2025", date(2025, 8, 17), None, None),
        ("lusa pukul 8", date(2025, 3, 28), time(8), None),
    ],
)
def test_common_forms(typed: str, day: date, start: time | None, end: time | None) -> None:
    parsed = parse_when(typed, TODAY)
    assert parsed is not None
    assert (parsed.day, parsed.start, parsed.end) == (day, start, end)


@pytest.mark.parametrize("typed", ["halo", "31/2/2025", "", "jam 9", "🙂"])
def test_no_date_is_guessed_from_noise(typed: str) -> None:
    assert parse_date(typed, TODAY) is None


def test_a_date_without_year_is_the_next_one() -> None:
    assert parse_date("1/2", TODAY) == date(2026, 2, 1)
    assert parse_date("1/4", TODAY) == date(2025, 4, 1)
