"""Numbers, shares and dates written the Indonesian way: 1.234,5 and 90% and 7 April 2025."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from bot.calendar import BULAN, to_wib
from bot.reports.model import Cell, Format, Value

EMPTY = "–"
ROMAN = ("I", "II", "III", "IV")


def number(value: float, decimals: int = 0) -> str:
    """`1234.5` as '1.234,5': a dot between thousands and a comma before decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def trimmed(value: float, decimals: int = 1) -> str:
    """A number without a needless decimal: 9.0 is '9', 8.5 is '8,5'."""
    rounded = round(value, decimals)
    return number(rounded, 0 if rounded == int(rounded) else decimals)


def join_notes(notes: Iterable[str]) -> str:
    """Notes joined as 'Terlambat hadir; Sigap' (never '.;' between them)."""
    cleaned = [n.strip().rstrip(".;,").strip() for n in notes]
    return "; ".join(n for n in cleaned if n)


def listing(items: Sequence[str], conj: str = "dan") -> str:
    """'a', 'a dan b', 'a, b dan c'."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def percent(share: float) -> str:
    """A share as a percentage: 0.9 is '90%', 0.8333 is '83,3%'."""
    pct = round(share * 100, 1)
    return f"{number(pct, 0 if pct == int(pct) else 1)}%"


def day(value: date) -> str:
    """'7 April 2025'."""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def moment(value: datetime) -> str:
    """'7 April 2025 09.30' in WIB."""
    local = to_wib(value)
    return f"{day(local.date())} {local:%H.%M}"


def month_label(year: int, month: int) -> str:
    """'April 2025'."""
    return f"{BULAN[month - 1]} {year}"


def ratio(part: int, whole: int) -> str:
    """'18 dari 20 (90%)', or '0 dari 0' when there is nothing to divide."""
    if whole == 0:
        return "0 dari 0"
    return f"{part} dari {whole} ({percent(part / whole)})"


Scalar = str | int | float | date | None


def resolve(cell: Cell, fmt: Format) -> tuple[Scalar, Format]:
    """The bare value and the format that applies to it (a `Value` brings its own)."""
    if isinstance(cell, Value):
        return cell.value, cell.fmt
    if cell is None:
        return None, "text" if fmt == "auto" else fmt
    if isinstance(cell, bool | str):
        return cell, "text"
    if fmt != "auto":
        return cell, fmt
    if isinstance(cell, int):
        return cell, "int"
    if isinstance(cell, float):
        return cell, "dec2"
    if isinstance(cell, datetime):
        return cell, "datetime"
    return cell, "date"


def cell_text(cell: Cell, fmt: Format = "auto") -> str:
    """How a cell reads in the document."""
    value, kind = resolve(cell, fmt)
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, datetime):
        return moment(value) if kind != "date" else day(to_wib(value).date())
    if isinstance(value, date):
        return day(value)
    if isinstance(value, str):
        return value
    if kind == "pct":
        return percent(value)
    if kind == "int":
        return number(value, 0)
    if kind == "num1":
        return trimmed(value, 1)
    if kind == "dec1":
        return number(value, 1)
    if kind == "dec2":
        return number(value, 2)
    return number(value, 0) if isinstance(value, int) else number(value, 2)
