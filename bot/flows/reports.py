"""`/laporan`: CAN, the CC and admins choose a report and its period, and get its files.

Two questions: which report (Event Team, Serawai, Pegasus, or the Laporan MP Semesteran),
then which period, with buttons for this and the last quarter or half-year, or typed
("Triwulan III 2025", "Semester I 2025", "2025Q2"). The service writes the Word document
and the workbook and sends both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.calendar import to_wib
from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput, ask, finish, goto, retry
from bot.messages import Reply, Text
from bot.reports.choice import HALF, QUARTER, PeriodRef, ReportProgram, parse_period

REPORT_ROLES = frozenset({"can", "cc"})
# Button values for the period question: (kind, how many periods back).
RELATIVE = {"q0": (QUARTER, 0), "q1": (QUARTER, -1), "h0": (HALF, 0), "h1": (HALF, -1)}


class ReportState(StrEnum):
    """Questions of /laporan."""

    PROGRAM = "program"
    PERIOD = "period"


class ReportData(FlowData):
    """The report chosen so far."""

    program: str = ""


@dataclass(frozen=True)
class MakeReport:
    """Domain command: write a report's two files and send them to the asker."""

    program: str  # a ReportProgram value
    period: str  # a PeriodRef code, such as 2025Q2


def program_name(ctx: Ctx, program: ReportProgram) -> str:
    """The report's name on its button."""
    return ctx.t(f"reports.program_{program.name.lower()}")


def relative_period(ctx: Ctx, value: str) -> PeriodRef | None:
    """The period a button means, counted from today (WIB)."""
    if value not in RELATIVE:
        return None
    kind, back = RELATIVE[value]
    return PeriodRef.containing(to_wib(ctx.now).date(), kind).shifted(back)


def _program_prompt(ctx: Ctx, _d: ReportData) -> list[Reply]:
    options: list[tuple[object, str]] = [(p.value, program_name(ctx, p)) for p in ReportProgram]
    return [ask(ctx.t("reports.program_prompt"), ReportState.PROGRAM, options)]


def _program(ctx: Ctx, d: ReportData, given: UserInput) -> Step:
    if given.choice not in {p.value for p in ReportProgram}:
        return retry(ctx.t("core.choose_from_buttons"))
    return goto(ReportState.PERIOD, d.model_copy(update={"program": given.choice}))


def _period_prompt(ctx: Ctx, d: ReportData) -> list[Reply]:
    program = ReportProgram(d.program)
    values = [v for v, (kind, _) in RELATIVE.items() if kind in program.kinds]
    options: list[tuple[object, str]] = []
    for value in values:
        ref = relative_period(ctx, value)
        assert ref is not None
        options.append((value, ctx.t(f"reports.period_{value}", label=ref.label)))
    key = "reports.period_prompt_half" if len(values) == 2 else "reports.period_prompt"
    return [ask(ctx.t(key, report=program_name(ctx, program)), ReportState.PERIOD, options)]


def _period(ctx: Ctx, d: ReportData, given: UserInput) -> Step:
    program = ReportProgram(d.program)
    if given.choice is not None:
        ref = relative_period(ctx, given.choice)
    else:
        ref = parse_period(given.text or "")
    if ref is None:
        return retry(ctx.t("reports.period_bad"))
    if not program.accepts(ref):
        return retry(ctx.t("reports.semester_only", label=ref.label))
    if ref.period.start > to_wib(ctx.now).date():
        return retry(ctx.t("reports.period_future", label=ref.label))
    working = Text(ctx.t("reports.working", report=program_name(ctx, program), label=ref.label))
    return finish(working, commands=(MakeReport(program.value, ref.code),))


REPORT_FLOW = Flow(
    name="laporan",
    data_model=ReportData,
    states={
        ReportState.PROGRAM: State(_program_prompt, _program),
        ReportState.PERIOD: State(_period_prompt, _period),
    },
    start=ReportState.PROGRAM,
    roles=REPORT_ROLES,
)
