"""Kendala (issues) gathered by rules over a period, the same for a quarter and a half-year.

Each rule looks at the period's facts and gives at most one sentence, naming the records it
found, so a quarter and the half-year that contains it raise the same kinds of issue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from bot.calendar import to_wib
from bot.reports import fmt
from bot.reports.definitions import (
    EventKind,
    evaluated,
    held,
    lead_rated,
    missing_photos,
    of_kind,
)
from bot.reports.facts import DutyFact, EventFact

LOW_RATING = 2
"""A rating at or below this (on 1 to 5) is raised as an issue."""
NAMED = 10
"""At most this many records are named in one sentence."""


def _names(events: Sequence[EventFact]) -> str:
    shown = [f"“{e.title}” ({fmt.day(to_wib(e.starts_at).date())})" for e in events[:NAMED]]
    more = [f"{len(events) - NAMED} lainnya"] if len(events) > NAMED else []
    return fmt.listing([*shown, *more])


def event_team_kendala(
    events: Sequence[EventFact], as_of: datetime | None, failed_deliveries: int = 0
) -> list[str]:
    """Expired and late requests, missing photos and evaluations, low ratings, short roles."""
    out: list[str] = []
    expired = of_kind(events, EventKind.EXPIRED, as_of)
    if expired:
        out.append(
            f"Sebanyak {len(expired)} permintaan lewat tanpa penugasan karena Ketua Event Team belum "
            f"menetapkan petugas sampai waktu kegiatan: {_names(expired)}."
        )
    late = [e for e in events if e.late]
    if late:
        out.append(
            f"Sebanyak {len(late)} permintaan diajukan kurang dari 3 hari kerja sebelum kegiatan: "
            f"{_names(late)}."
        )
    done = held(events, as_of)
    no_photos = [e for e in done if missing_photos(e, as_of)]
    if no_photos:
        out.append(
            f"Sebanyak {len(no_photos)} kegiatan terlaksana tanpa foto dokumentasi sampai batas "
            f"pengirimannya berakhir: {_names(no_photos)}."
        )
    no_form = [e for e in done if not evaluated(e)]
    if no_form:
        out.append(
            f"Sebanyak {len(no_form)} kegiatan terlaksana belum dievaluasi oleh SM: {_names(no_form)}."
        )
    no_internal = [e for e in done if e.assignments and not lead_rated(e)]
    if no_internal:
        out.append(
            f"Sebanyak {len(no_internal)} kegiatan terlaksana belum dievaluasi secara internal oleh "
            f"Ketua Event Team: {_names(no_internal)}."
        )
    for e in done:
        low = [
            f"{k} ({v})"
            for k, v in (*e.sm_ratings.items(), *e.sm_role_ratings.items())
            if v <= LOW_RATING
        ]
        if low:
            line = (
                f"“{e.title}” ({fmt.day(to_wib(e.starts_at).date())}) mendapat nilai rendah "
                f"dari SM untuk {fmt.listing(low)}."
            )
            if e.sm_suggestion.strip():
                line += f" Saran SM: “{e.sm_suggestion.strip().rstrip('.')}”."
            out.append(line)
        for r in e.member_ratings:
            if r.score <= LOW_RATING:
                note = f" dengan catatan “{r.note.strip().rstrip('.')}”" if r.note.strip() else ""
                out.append(
                    f"Ketua Event Team memberi nilai {r.score} kepada {r.member} pada "
                    f"“{e.title}”{note}."
                )
        got = Counter(a.role for a in e.assignments)
        short = [
            f"{role} {got.get(role, 0)} dari {n}"
            for role, n in e.roles_needed.items()
            if got.get(role, 0) < n
        ]
        if short:
            out.append(f"“{e.title}”: kebutuhan peran belum terpenuhi ({fmt.listing(short)}).")
    out += _failed("Event Team", failed_deliveries)
    return out


def pegasus_kendala(duties: Sequence[DutyFact], failed_deliveries: int = 0) -> list[str]:
    """Missed and late turns, posts without proof."""
    out: list[str] = []
    missed = [d for d in duties if d.status == "missed"]
    if missed:
        listed = fmt.listing([f"{d.person} ({fmt.day(d.duty_date)})" for d in missed])
        out.append(f"Sebanyak {len(missed)} giliran piket terlewat tanpa poster: {listed}.")
    late = [d for d in duties if d.status == "late"]
    if late:
        listed = fmt.listing([f"{d.person} ({fmt.day(d.duty_date)})" for d in late])
        out.append(f"Sebanyak {len(late)} poster diunggah setelah tanggal piketnya: {listed}.")
    unproven = [
        d for d in duties if d.status in ("on_time", "late") and not (d.proof_url or d.proof_path)
    ]
    if unproven:
        listed = fmt.listing([f"{d.person} ({fmt.day(d.duty_date)})" for d in unproven])
        out.append(
            f"Sebanyak {len(unproven)} poster terbit tanpa bukti unggah dari Humas: {listed}."
        )
    out += _failed("Pegasus", failed_deliveries)
    return out


def _failed(program: str, count: int) -> list[str]:
    if not count:
        return []
    return [f"Sebanyak {count} pesan {program} gagal terkirim kepada penerimanya."]
