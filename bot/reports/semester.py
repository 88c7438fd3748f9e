"""Laporan MP Semesteran: the three programs, the half-year's two quarters side by side."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TypeVar

from bot.calendar import WorkCalendar, to_wib
from bot.reports import fmt
from bot.reports.common import (
    EMPTY_TEXT,
    compliance_issues,
    compliance_quarters_table,
    overall_compliance,
    section,
    share,
)
from bot.reports.compliance import compliance
from bot.reports.definitions import EVENT_TEAM_TERMS, PEGASUS_TERMS, held
from bot.reports.event_team import event_team_figures
from bot.reports.facts import (
    PROGRAM_NAMES,
    EventTeamFacts,
    HalfYearFacts,
    PegasusFacts,
    Period,
    Program,
    SerawaiFacts,
    StepRecord,
)
from bot.reports.kendala import event_team_kendala, pegasus_kendala
from bot.reports.model import (
    Block,
    Cell,
    Chart,
    Column,
    KeyFigure,
    Paragraph,
    Report,
    Section,
    Table,
    Value,
)
from bot.reports.pegasus import DUE, POSTED, STATUS_COLORS, pegasus_figures, status_label
from bot.reports.serawai import missing_items, serawai_figures

TITLE = "Laporan MP Semesteran"
SUBTITLE = "Manajemen Perubahan: Event Team, Serawai dan Pegasus"
T = TypeVar("T")


def _unique(items: Iterable[T], key: Callable[[T], object]) -> list[T]:
    seen: dict[object, T] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


def _steps(*groups: Sequence[StepRecord]) -> list[StepRecord]:
    # a record may be in both quarters' facts when the queries overlap; count it once
    return list(dict.fromkeys(r for g in groups for r in g))


def merge_event_team(pair: Sequence[EventTeamFacts], period: Period) -> EventTeamFacts:
    """Two quarters' Event Team facts as one period's."""
    events = _unique((e for f in pair for e in f.events), lambda e: e.id)
    return EventTeamFacts(
        period,
        events,
        _steps(*(f.steps for f in pair)),
        pair[0].as_of,
        sum(f.failed_deliveries for f in pair),
    )


def merge_serawai(pair: Sequence[SerawaiFacts], period: Period) -> SerawaiFacts:
    """Two quarters' Serawai facts as one period's (the best speaker and host are per quarter)."""
    return SerawaiFacts(
        period=period,
        rounds=_unique((r for f in pair for r in f.rounds), lambda r: r.id),
        sessions=_unique((s for f in pair for s in f.sessions), lambda s: s.id),
        speaker_ratings=[s for f in pair for s in f.speaker_ratings],
        host_ratings=[h for f in pair for h in f.host_ratings],
        steps=_steps(*(f.steps for f in pair)),
    )


def merge_pegasus(pair: Sequence[PegasusFacts], period: Period) -> PegasusFacts:
    """Two quarters' Pegasus facts as one period's."""
    duties = _unique((d for f in pair for d in f.duties), lambda d: (d.duty_date, d.person))
    return PegasusFacts(
        period, duties, _steps(*(f.steps for f in pair)), sum(f.failed_deliveries for f in pair)
    )


def _value(figures: Sequence[KeyFigure], label: str) -> Cell:
    return next(f.value for f in figures if f.label.startswith(label))


def _cell(figure: KeyFigure) -> Cell:
    if isinstance(figure.value, int | float) and not isinstance(figure.value, bool):
        return Value(figure.value, figure.fmt)
    return figure.value


def figures_table(
    title: str,
    labels: Sequence[str],
    columns: Sequence[Sequence[KeyFigure]],
    sheet: str,
) -> Table:
    """Key figures as rows, one column per period (the quarters, then the half-year)."""
    rows: list[list[Cell]] = []
    for index, first in enumerate(columns[0]):
        rows.append([first.label, *[_cell(col[index]) for col in columns]])
    header = (Column("Indikator"), *[Column(label, "auto") for label in labels])
    return Table(title, header, rows, sheet_name=sheet)


def _month_chart(title: str, period: Period, days: Sequence[date], unit: str) -> Chart:
    months = period.months()
    counts = Counter((d.year, d.month) for d in days)
    return Chart(
        title,
        "bar",
        [fmt.month_label(y, m) for y, m in months],
        {unit: [float(counts.get(ym, 0)) for ym in months]},
        y_label=unit,
    )


def _program_section(
    program: str,
    labels: Sequence[str],
    figures: Sequence[Sequence[KeyFigure]],
    busy: bool,
    extra: Sequence[Block],
    compliance_table: Table,
) -> Section:
    name = PROGRAM_NAMES[program]
    if not busy:
        return section(name, [Paragraph(EMPTY_TEXT)])
    blocks: list[Block] = [
        figures_table(
            f"Indikator {name} per triwulan", labels, figures, f"Indikator {name.split(' (')[0]}"
        ),
        *extra,
        compliance_table,
    ]
    return section(name, blocks)


def mp_semesteran_report(
    facts: HalfYearFacts, calendar: WorkCalendar, *, generated_on: date | None = None
) -> Report:
    """The half-year change-management report over the three programs."""
    period = facts.period
    quarters = [f.period for f in facts.event_team]
    labels = [q.label for q in quarters] + [period.label]
    et = merge_event_team(facts.event_team, period)
    sw = merge_serawai(facts.serawai, period)
    pg = merge_pegasus(facts.pegasus, period)

    et_figs = [
        *(event_team_figures(f, calendar) for f in facts.event_team),
        event_team_figures(et, calendar),
    ]
    sw_figs = [
        *(serawai_figures(f, calendar) for f in facts.serawai),
        serawai_figures(sw, calendar),
    ]
    pg_figs = [
        *(pegasus_figures(f, calendar) for f in facts.pegasus),
        pegasus_figures(pg, calendar),
    ]

    all_steps = _steps(et.steps, sw.steps, pg.steps)
    within, done_total = overall_compliance(compliance(all_steps, calendar, period=period))
    key_figures = [
        KeyFigure("Event Team: permintaan dukungan yang diterima", len(et.events), "int"),
        KeyFigure("Event Team: kegiatan terlaksana", len(held(et.events, et.as_of)), "int"),
        KeyFigure(
            "Event Team: rata-rata nilai dari SM (1–5)",
            _value(et_figs[2], "Rata-rata nilai keseluruhan"),
            "dec2",
        ),
        KeyFigure("Serawai: sesi terlaksana", len(sw.sessions), "int"),
        KeyFigure(
            "Serawai: partisipasi pemungutan suara", _value(sw_figs[2], "Partisipasi"), "pct"
        ),
        KeyFigure("Pegasus: giliran piket", len(pg.duties), "int"),
        KeyFigure("Pegasus: poster terbit", sum(d.status in POSTED for d in pg.duties), "int"),
        KeyFigure("Pegasus: ketepatan waktu poster", _value(pg_figs[2], "Ketepatan waktu"), "pct"),
        KeyFigure("Langkah petugas sesuai mutu baku waktu", share(within, done_total), "pct"),
    ]
    busy = {
        Program.EVENT_TEAM: bool(et.events),
        Program.SERAWAI: bool(sw.rounds or sw.sessions),
        Program.PEGASUS: bool(pg.duties),
    }
    if not any(busy.values()):
        return Report(
            title=TITLE,
            subtitle=SUBTITLE,
            period_label=period.label,
            key_figures=key_figures,
            summary=(EMPTY_TEXT,),
            generated_on=generated_on,
        )

    def comp(program: str, steps: Sequence[StepRecord], sheet: str) -> Table:
        """The program's compliance table, quarter beside quarter."""
        return compliance_quarters_table(steps, calendar, program, quarters, sheet)

    months_pg = Counter((d.duty_date.year, d.duty_date.month, d.status) for d in pg.duties)
    month_keys = period.months()
    pg_chart = Chart(
        "Ketepatan waktu poster Pegasus per bulan (giliran)",
        "bar",
        [fmt.month_label(y, m) for y, m in month_keys],
        {
            status_label(s): [float(months_pg.get((y, m, s), 0)) for y, m in month_keys]
            for s in DUE
        },
        y_label="Piket",
        colors=STATUS_COLORS,
    )
    sections = [
        _program_section(
            Program.EVENT_TEAM,
            labels,
            et_figs,
            busy[Program.EVENT_TEAM],
            [
                _month_chart(
                    "Kegiatan terlaksana yang didukung Event Team per bulan",
                    period,
                    [to_wib(e.starts_at).date() for e in held(et.events, et.as_of)],
                    "Kegiatan terlaksana",
                )
            ],
            comp(Program.EVENT_TEAM, et.steps, "Standar waktu Event Team"),
        ),
        _program_section(
            Program.SERAWAI,
            labels,
            sw_figs,
            busy[Program.SERAWAI],
            [
                _month_chart(
                    "Sesi Serawai per bulan", period, [s.held_on for s in sw.sessions], "Sesi"
                )
            ],
            comp(Program.SERAWAI, sw.steps, "Standar waktu Serawai"),
        ),
        _program_section(
            Program.PEGASUS,
            labels,
            pg_figs,
            busy[Program.PEGASUS],
            [pg_chart],
            comp(Program.PEGASUS, pg.steps, "Standar waktu Pegasus"),
        ),
    ]
    issues = _issues(et, sw, pg, calendar)
    sections.append(
        Section(
            "Kendala",
            tuple(
                [Paragraph(i, "bullet") for i in issues]
                or [Paragraph("Tidak ada kendala yang tercatat pada semester ini.")]
            ),
            role="issues",
        )
    )
    summary = [
        f"Kolom {labels[0]} dan {labels[1]} dibandingkan berdampingan; kolom {labels[2]} "
        "menghitung ulang seluruh semester."
    ]
    done = held(et.events, et.as_of)
    narrative = [
        f"Pada {period.label} Event Team mendukung {len(done)} kegiatan yang terlaksana dari "
        f"{len(et.events)} permintaan dukungan yang diterima.",
        f"Serawai menyelenggarakan {len(sw.sessions)} sesi dalam {len(sw.rounds)} putaran.",
        f"Pegasus menerbitkan {sum(d.status in POSTED for d in pg.duties)} poster dari "
        f"{len(pg.duties)} giliran piket.",
    ]
    if done_total:
        narrative.append(
            "Dari seluruh langkah SOP yang dilaksanakan petugas, "
            f"{fmt.ratio(within, done_total)} selesai dalam mutu baku waktu."
        )
    narrative.append(
        f"Tercatat {len(issues)} kendala yang diuraikan pada bab Kendala."
        if issues
        else "Tidak tercatat kendala pada semester ini."
    )
    return Report(
        title=TITLE,
        subtitle=SUBTITLE,
        period_label=period.label,
        sections=sections,
        key_figures=key_figures,
        summary=summary,
        generated_on=generated_on,
        purpose=(
            "Laporan MP Semesteran merangkum pelaksanaan agenda Manajemen Perubahan BPS "
            "Provinsi Bengkulu: dukungan Event Team (SOP-321), Serawai (SOP-098), dan "
            "Pegasus (SOP-330)."
        ),
        narrative=narrative,
        conclusions=[
            f"Ketiga program Manajemen Perubahan berjalan pada {period.label} dengan "
            f"{len(issues)} kendala tercatat."
        ],
        definitions=(*EVENT_TEAM_TERMS, *PEGASUS_TERMS),
        recommendations=[
            "Menindaklanjuti setiap kendala pada triwulan berikutnya bersama penanggung "
            "jawab program."
        ],
    )


def _issues(
    et: EventTeamFacts, sw: SerawaiFacts, pg: PegasusFacts, calendar: WorkCalendar
) -> list[str]:
    """The quarter reports' kendala rules over the whole half-year, each with its program."""

    def _weak_steps(steps: Sequence[StepRecord], program: str) -> list[str]:
        return compliance_issues(compliance(steps, calendar, program=program, period=et.period))

    out = [
        f"Event Team: {i}" for i in event_team_kendala(et.events, et.as_of, et.failed_deliveries)
    ]
    out += [f"Event Team: {i}" for i in _weak_steps(et.steps, Program.EVENT_TEAM)]
    incomplete = [s for s in sw.sessions if missing_items(s)]
    if incomplete:
        out.append(
            f"Serawai: {len(incomplete)} sesi dengan kelengkapan administrasi belum lengkap."
        )
    unapproved = [s for s in sw.sessions if s.cc_status != "approved"]
    if unapproved:
        out.append(f"Serawai: {len(unapproved)} laporan sesi belum disetujui CC.")
    out += [f"Serawai: {i}" for i in _weak_steps(sw.steps, Program.SERAWAI)]
    out += [f"Pegasus: {i}" for i in pegasus_kendala(pg.duties, pg.failed_deliveries)]
    out += [f"Pegasus: {i}" for i in _weak_steps(pg.steps, Program.PEGASUS)]
    return out
