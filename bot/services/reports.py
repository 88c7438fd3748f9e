"""Reports from the database: `/laporan` in chat, the quarter-end job, and the command line.

`make_report_files` gathers a period's facts (`reports_gather`), builds the report
(`bot.reports.programs`) and writes its Word document and workbook. In chat the two files
come back as documents. At each quarter's end the scheduler sends the three program reports,
and at each half-year's end the Laporan MP Semesteran, to CAN and the CC: one reminder per
period (`report:2025Q2`), kept scheduled before every tick, so each goes out once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.calendar import WIB, WorkCalendar, to_wib, wib_to_utc
from bot.flows import reports as flows
from bot.i18n import Catalog
from bot.messages import Document, Reply, Text
from bot.registry import Command, Registry
from bot.reports.choice import HALF, QUARTER, QUARTERLY, PeriodRef, ReportProgram, parse_period
from bot.reports.facts import (
    EventTeamFacts,
    HalfYearFacts,
    PegasusFacts,
    Program,
    SerawaiFacts,
)
from bot.reports.model import Report
from bot.reports.programs import (
    event_team_report,
    mp_semesteran_report,
    pegasus_report,
    serawai_report,
)
from bot.services.context import ServiceCtx, UserError
from bot.services.reports_gather import gather_event_team, gather_pegasus
from bot.services.reports_serawai import gather_serawai
from storage.models import Employee, Reminder

if TYPE_CHECKING:
    from bot.reports.render import Progress

KIND = "report.period"
SEND_AT = time(8, 0)  # WIB, on the first working day after the period
Facts = EventTeamFacts | SerawaiFacts | PegasusFacts | HalfYearFacts


# -- making a report ------------------------------------------------------------------------


def gather(
    session: Session,
    program: ReportProgram,
    ref: PeriodRef,
    catalog: Catalog,
    today: date,
    calendar: WorkCalendar | None = None,
    now: datetime | None = None,
) -> Facts:
    """The facts one report is built from, as they stand at `now` (the end of `today`)."""
    as_of = now or datetime.combine(today, time.max, WIB).astimezone(UTC)
    if program is ReportProgram.SEMESTER:
        return gather_half_year(session, ref, catalog, today, calendar, as_of)
    if program is ReportProgram.EVENT_TEAM:
        return gather_event_team(session, ref.period, catalog, as_of)
    if program is ReportProgram.SERAWAI:
        return gather_serawai(session, ref.period)
    return gather_pegasus(session, ref.period, today, calendar, as_of)


def has_activity(facts: Facts) -> bool:
    """Whether anything happened in the period (step records alone do not count)."""
    if isinstance(facts, HalfYearFacts):
        parts: list[Facts] = [*facts.event_team, *facts.serawai, *facts.pegasus]
        return any(has_activity(f) for f in parts)
    if isinstance(facts, EventTeamFacts):
        return bool(facts.events)
    if isinstance(facts, SerawaiFacts):
        return bool(facts.rounds or facts.sessions)
    return bool(facts.duties)


def build(facts: Facts, calendar: WorkCalendar, today: date) -> Report:
    """The report of some facts, dated `today`."""
    if isinstance(facts, HalfYearFacts):
        return mp_semesteran_report(facts, calendar, generated_on=today)
    if isinstance(facts, EventTeamFacts):
        return event_team_report(facts, calendar, generated_on=today)
    if isinstance(facts, SerawaiFacts):
        return serawai_report(facts, calendar, generated_on=today)
    return pegasus_report(facts, calendar, generated_on=today)


def basename(program: ReportProgram, ref: PeriodRef) -> str:
    """'laporan-event-team-2025Q2'."""
    return f"laporan-{program.value}-{ref.code}"


def make_report_files(
    session: Session,
    calendar: WorkCalendar,
    catalog: Catalog,
    program: ReportProgram,
    ref: PeriodRef,
    out_dir: Path,
    *,
    today: date,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> tuple[Report, Path, Path]:
    """Gather, build and write one report; (report, .docx, .xlsx).

    The PDF is made beside the .docx by `pdf_of` when LibreOffice is there.
    """
    # The writers bring python-docx, openpyxl and matplotlib: loaded on the first report.
    from bot.reports.docx_writer import docx_steps
    from bot.reports.render import write_report
    from bot.reports.xlsx_writer import xlsx_steps

    tell: Progress = progress or (lambda _done, _total, _label: None)
    facts = gather(session, program, ref, catalog, today, calendar, now)
    report = build(facts, calendar, today)
    # both steps are told once the report exists: only then is the number of steps known
    total = 2 + docx_steps(report) + xlsx_steps(report)
    tell(1, total, "Data diambil dari basis data")
    tell(2, total, "Laporan disusun")
    docx, xlsx = write_report(
        report,
        out_dir,
        basename(program, ref),
        lambda done, _n, label: tell(2 + done, total, label),
    )
    return report, docx, xlsx


def pdf_of(docx: Path) -> Path | None:
    """The PDF made from the .docx beside it, or None without LibreOffice."""
    from bot.reports.pdf_export import docx_to_pdf

    return docx_to_pdf(docx)


def documents(
    ctx: ServiceCtx,
    person: Employee | None,
    report: Report,
    docx: Path,
    xlsx: Path,
    pdf: Path | None,
) -> list[Reply]:
    """The files as documents, captioned in the person's language (the asker's if None).

    Without a PDF (no LibreOffice on the server) a line says so after the Word document.
    """
    lang = person.language if person is not None else ctx.actor.language if ctx.actor else "id"
    values = {"title": report.title, "label": report.period_label}
    files: list[Reply] = [
        Document(str(docx), docx.name, ctx.catalog.t("reports.caption_docx", lang, **values))
    ]
    if pdf is not None:
        caption = ctx.catalog.t("reports.caption_pdf", lang, **values)
        files.append(Document(str(pdf), pdf.name, caption))
    else:
        files.append(Text(ctx.catalog.t("reports.pdf_unavailable", lang)))
    caption = ctx.catalog.t("reports.caption_xlsx", lang, **values)
    files.append(Document(str(xlsx), xlsx.name, caption))
    return files


def _today(ctx: ServiceCtx) -> date:
    return to_wib(ctx.now).date()


def _reports_dir(ctx: ServiceCtx, ref: PeriodRef) -> Path:
    return Path(ctx.settings.data_dir) / "reports" / ref.code


# -- /laporan --------------------------------------------------------------------------------


def _make(ctx: ServiceCtx, cmd: flows.MakeReport) -> list[Reply]:
    actor = ctx.actor
    if actor is None or not actor.has(*flows.REPORT_ROLES):
        raise UserError(ctx.t("core.not_allowed"))
    ref = parse_period(cmd.period)
    program = ReportProgram(cmd.program) if cmd.program in set(ReportProgram) else None
    if ref is None or program is None or not program.accepts(ref):
        raise UserError(ctx.t("core.stale_button"))
    if ref.period.start > _today(ctx):
        raise UserError(ctx.t("reports.period_future", label=ref.label))
    # one folder per request: a file already sent is never overwritten by a later one
    folder = _reports_dir(ctx, ref) / f"{to_wib(ctx.now):%Y%m%d-%H%M%S}-{actor.id}"
    report, docx, xlsx = make_report_files(
        ctx.session,
        ctx.calendar,
        ctx.catalog,
        program,
        ref,
        folder,
        today=_today(ctx),
        now=ctx.now,
    )
    pdf = pdf_of(docx)
    ctx.audit("report_made", ref.code, program=program.value, pdf=pdf is not None)
    return documents(ctx, None, report, docx, xlsx, pdf)


# -- at each period's end ----------------------------------------------------------------------


def period_key(ref: PeriodRef) -> str:
    """The quarter-end (or half-year-end) job's unique key: 'report:2025Q2'."""
    return f"report:{ref.code}"


def due_at(calendar: WorkCalendar, ref: PeriodRef) -> datetime:
    """08.00 WIB on the first working day after the period."""
    day = calendar.next_working_day(ref.period.end + timedelta(days=1))
    return wib_to_utc(day, SEND_AT)


def schedule_period(ctx: ServiceCtx, ref: PeriodRef) -> bool:
    """Schedule the period's reports once; True when newly scheduled."""
    return ctx.schedule(
        period_key(ref), KIND, due_at(ctx.calendar, ref), args={"period": ref.code}
    )


def keep_scheduled(ctx: ServiceCtx) -> None:
    """The current quarter's and half-year's reports are always scheduled (a fresh install too)."""
    today = _today(ctx)
    for kind in (QUARTER, HALF):
        schedule_period(ctx, PeriodRef.containing(today, kind))


def recipients(ctx: ServiceCtx) -> list[Employee]:
    """CAN members and the CC(s), each once."""
    people = {e.id: e for role in ("can", "cc") for e in ctx.holders(role)}
    return [people[i] for i in sorted(people)]


def _program_names(ctx: ServiceCtx, person: Employee, programs: list[ReportProgram]) -> str:
    """'Event Team', 'Serawai dan Pegasus', 'Event Team, Serawai dan Pegasus'."""
    names = [ctx.t_for(person, f"reports.program_{p.name.lower()}") for p in programs]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {ctx.t_for(person, 'reports.and')} {names[-1]}"


def _record_quarterly_report_step(ctx: ServiceCtx, ref: PeriodRef) -> None:
    """SOP-330 step 6 (quarterly report, 5 working days from the quarter's end): the bot writes
    it, so the step runs from the day after the quarter to now, when it is sent."""
    began = wib_to_utc(ref.period.end + timedelta(days=1), time(0, 0))
    ctx.step_started(Program.PEGASUS, 6, ref.code, "5wd", at=began)
    ctx.step_done(Program.PEGASUS, 6, ref.code)


def _period_ended(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    """Write the period's reports and send them to CAN and the CC; schedule the next period."""
    from bot.reports.render import write_report

    ref = PeriodRef.from_code(str(row.args["period"]))
    programs = [ReportProgram.SEMESTER] if ref.is_half else list(QUARTERLY)
    folder = _reports_dir(ctx, ref) / "otomatis"
    made: list[tuple[ReportProgram, Report, Path, Path, Path | None]] = []
    idle: list[ReportProgram] = []
    for program in programs:
        facts = gather(ctx.session, program, ref, ctx.catalog, _today(ctx), ctx.calendar, ctx.now)
        if not has_activity(facts):
            idle.append(program)  # still available on request; not worth a message each
            continue
        report = build(facts, ctx.calendar, _today(ctx))
        docx, xlsx = write_report(report, folder, basename(program, ref))
        made.append((program, report, docx, xlsx, pdf_of(docx)))
    for person in recipients(ctx):
        names = _program_names(ctx, person, [p for p, *_ in made])
        if made:
            text = ctx.t_for(person, "reports.period_sent", label=ref.label, reports=names)
            if idle:
                quiet = _program_names(ctx, person, idle)
                text += "\n" + ctx.t_for(person, "reports.period_idle", reports=quiet)
        else:
            text = ctx.t_for(person, "reports.period_nothing", label=ref.label)
        key = period_key(ref)
        ctx.notify(person, [Text(text)], key=f"{key}:intro:{person.id}")
        for program, report, docx, xlsx, pdf in made:
            ctx.notify(
                person,
                documents(ctx, person, report, docx, xlsx, pdf),
                key=f"{key}:{program.value}:{person.id}",
            )
    if not ref.is_half:
        _record_quarterly_report_step(ctx, ref)
    ctx.audit(
        "report_period", ref.code, sent=[p.value for p, *_ in made], idle=[p.value for p in idle]
    )
    schedule_period(ctx, ref.shifted(1))
    return True


def register(reg: Registry) -> None:
    """`/laporan`, its report command, and the reports at each period's end."""
    reg.flow(flows.REPORT_FLOW)
    reg.command(
        Command(
            "laporan", "reports.cmd_laporan", roles=flows.REPORT_ROLES, flow="laporan", order=70
        ),
        "report",
        "reports",
    )
    reg.handles(flows.MakeReport, _make)
    reg.reminder(KIND, _period_ended)
    reg.keep_scheduled(keep_scheduled)


def gather_half_year(
    session: Session,
    half: PeriodRef,
    catalog: Catalog,
    today: date,
    calendar: WorkCalendar | None = None,
    now: datetime | None = None,
) -> HalfYearFacts:
    """Each program's facts for each quarter of the half-year."""
    first, second = (q.period for q in half.quarters())
    return HalfYearFacts(
        half.period,
        (
            gather_event_team(session, first, catalog, now),
            gather_event_team(session, second, catalog, now),
        ),
        (gather_serawai(session, first), gather_serawai(session, second)),
        (
            gather_pegasus(session, first, today, calendar, now),
            gather_pegasus(session, second, today, calendar, now),
        ),
    )
