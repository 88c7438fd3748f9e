"""The Serawai session report (step 10): submitted by the host, approved or returned by the CC."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.flows.serawai.common import ReportItem, ReportView, report_checklist
from bot.flows.serawai.minutes import SessionData
from bot.flows.serawai.reports import REPORT_FLOW, RETURN_FLOW, ReturnReport, SubmitReport
from bot.messages import Choices, Document, Option, Reply, Text
from bot.registry import Outcome
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.buttons import ReportButton, ReportDecisionButton
from bot.services.serawai.common import (
    PROGRAM,
    decision,
    may_host,
    move,
    office_name,
    session_ref,
    the_actor,
    when_text,
)
from bot.services.serawai.sessions import (
    attendance_of,
    documents_of,
    get_session,
    hosted_session,
    pick_or_start,
    sessions_of,
)
from storage.serawai import (
    ReportStatus,
    SerawaiSession,
    SerawaiSpeakerRating,
    SessionStatus,
)

# -- step 10: the session report, approved by the CC ----------------------------------------


def report_view(session: Session, session_id: int) -> ReportView:
    """The completeness checklist: invitation, speech draft, attendance, documentation,
    minutes, feedback."""
    sesi = session.get(SerawaiSession, session_id)
    assert sesi is not None
    rated = session.scalar(
        select(func.count()).where(SerawaiSpeakerRating.session_id == session_id)
    )
    items = [
        ReportItem("invitation", sesi.prep_invitation),
        ReportItem("speech", sesi.prep_speech),
        ReportItem("attendance", bool(attendance_of(session, session_id))),
        ReportItem("documentation", bool(documents_of(session, session_id, "photo"))),
        ReportItem("minutes", bool(documents_of(session, session_id, "minutes"))),
        ReportItem("feedback", bool(rated)),
    ]
    return ReportView(
        items=items,
        status=sesi.report_status,
        note=sesi.report_note or "",
        has_document=bool(documents_of(session, session_id, "report")),
    )


def start_report(ctx: ServiceCtx, session_id: int | None) -> Outcome:
    sesi = hosted_session(ctx, session_id)
    if sesi.status != SessionStatus.HELD or sesi.report_status in (
        ReportStatus.SUBMITTED,
        ReportStatus.APPROVED,
    ):
        raise UserError(ctx.t("serawai.report_not_open"))
    data = SessionData(session_id=sesi.id, title=sesi.title)
    return Outcome(start_flow=REPORT_FLOW.name, flow_data=data)


def report_command(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = the_actor(ctx)
    mine = [
        s
        for s in sessions_of(ctx, SessionStatus.HELD)
        if may_host(actor, s) and s.report_status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    ]
    return pick_or_start(ctx, mine, ReportButton, start_report, "serawai.no_report_session")


def submit_report(ctx: ServiceCtx, cmd: SubmitReport) -> list[Reply]:
    sesi = hosted_session(ctx, cmd.session_id)
    open_report = (SerawaiSession.status == SessionStatus.HELD) & SerawaiSession.report_status.in_(
        (ReportStatus.DRAFT, ReportStatus.RETURNED)
    )
    if not move(ctx, sesi, open_report, report_status=ReportStatus.SUBMITTED):
        raise UserError(ctx.t("serawai.report_not_open"))
    view = report_view(ctx.session, sesi.id)
    report_docs = documents_of(ctx.session, sesi.id, "report")
    stamp = decision(ctx, "serawai_report_submitted", session_ref(sesi.id))
    for cc in ctx.holders("cc"):
        text = ctx.t_for(
            cc,
            "serawai.report_for_cc",
            title=sesi.title,
            host=office_name(ctx, sesi.host_office_id),
            when=when_text(ctx, cc, sesi.starts_at),
            checklist=report_checklist(ctx.catalog.translator(cc.language), view),
        )
        buttons = (
            Option(
                ctx.t_for(cc, "serawai.report_approve"), ReportDecisionButton(sesi.id, "ok").pack()
            ),
            Option(
                ctx.t_for(cc, "serawai.report_return"),
                ReportDecisionButton(sesi.id, "back").pack(),
            ),
        )
        attachments: list[Reply] = [
            Document(d.path, d.filename or "laporan", "") for d in report_docs[-1:]
        ]
        ctx.notify(
            cc,
            [*attachments, Choices(text, buttons)],
            key=f"serawai:s{sesi.id}:report:{stamp}:{cc.id}",
        )
    return [Text(ctx.t("serawai.report_submitted", title=sesi.title))]


def report_decision(ctx: ServiceCtx, pressed: ReportDecisionButton) -> Outcome:
    """The CC approves a submitted report, or starts returning it with a note."""
    actor = the_actor(ctx)
    if not actor.has("cc"):
        raise UserError(ctx.t("core.not_allowed"))
    sesi = get_session(ctx, pressed.session_id)
    if sesi.report_status != ReportStatus.SUBMITTED:
        raise UserError(ctx.t("serawai.report_decided_already"))
    if pressed.decision == "back":
        data = SessionData(session_id=sesi.id, title=sesi.title)
        return Outcome(start_flow=RETURN_FLOW.name, flow_data=data)
    if pressed.decision != "ok":
        raise UserError(ctx.t("core.unknown_button"))
    _decide_report(ctx, sesi, ReportStatus.APPROVED, None)
    return Outcome([Text(ctx.t("serawai.report_approved", title=sesi.title))])


def _decide_report(
    ctx: ServiceCtx, sesi: SerawaiSession, status: ReportStatus, note: str | None
) -> None:
    submitted = SerawaiSession.report_status == ReportStatus.SUBMITTED
    values = {"report_decided_by_id": the_actor(ctx).id, "report_decided_at": ctx.now}
    if not move(ctx, sesi, submitted, report_status=status, report_note=note, **values):
        raise UserError(ctx.t("serawai.report_decided_already"))
    ref = session_ref(sesi.id)
    if status == ReportStatus.APPROVED:
        ctx.step_done(PROGRAM, 10, ref)
    stamp = decision(ctx, f"serawai_report_{status}", ref, note=note or "")
    for ca in ctx.holders("ca", sesi.host_office_id):
        text = ctx.t_for(ca, f"serawai.report_{status}_host", title=sesi.title, note=note or "")
        ctx.notify(ca, [Text(text)], key=f"serawai:s{sesi.id}:report-{status}:{stamp}:{ca.id}")


def return_report(ctx: ServiceCtx, cmd: ReturnReport) -> list[Reply]:
    if not the_actor(ctx).has("cc"):
        raise UserError(ctx.t("core.not_allowed"))
    sesi = get_session(ctx, cmd.session_id)
    _decide_report(ctx, sesi, ReportStatus.RETURNED, cmd.note)
    return [Text(ctx.t("serawai.report_returned", title=sesi.title))]
