"""Serawai minutes and photos (step 9), uploaded by the minute taker, coordinator or host."""

from __future__ import annotations

from bot.flows.serawai.minutes import MINUTES_FLOW, SessionData, StoreDocuments
from bot.flows.serawai.rules import CHECKIN_OPENS_BEFORE
from bot.messages import Reply, Text
from bot.registry import Outcome
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.buttons import MinutesButton
from bot.services.serawai.common import may_host, session_ref, the_actor
from bot.services.serawai.sessions import (
    documents_of,
    get_session,
    has_job,
    pick_or_start,
    sessions_of,
)
from storage.serawai import (
    CommitteeRole,
    ReportStatus,
    SerawaiDocument,
    SerawaiSession,
    SessionStatus,
)


def _may_upload(ctx: ServiceCtx, sesi: SerawaiSession) -> bool:
    actor = the_actor(ctx)
    jobs = (CommitteeRole.MINUTE_TAKER, CommitteeRole.COORDINATOR)
    return may_host(actor, sesi) or has_job(ctx.session, sesi.id, actor.id, *jobs)


def start_minutes(ctx: ServiceCtx, session_id: int | None) -> Outcome:
    sesi = get_session(ctx, session_id)
    if not _may_upload(ctx, sesi) or sesi.status == SessionStatus.UNSCHEDULED:
        raise UserError(ctx.t("core.not_allowed"))
    data = SessionData(session_id=sesi.id, title=sesi.title)
    return Outcome(start_flow=MINUTES_FLOW.name, flow_data=data)


def minutes_command(ctx: ServiceCtx, _args: str) -> Outcome:
    mine = [
        s
        for s in sessions_of(ctx, SessionStatus.SCHEDULED, SessionStatus.HELD)
        if s.report_status != ReportStatus.APPROVED
        and s.starts_at is not None
        and s.starts_at - CHECKIN_OPENS_BEFORE <= ctx.now
        and _may_upload(ctx, s)
    ]
    return pick_or_start(ctx, mine, MinutesButton, start_minutes, "serawai.no_minutes_session")


def store_documents(ctx: ServiceCtx, cmd: StoreDocuments) -> list[Reply]:
    sesi = get_session(ctx, cmd.session_id)
    if cmd.kind == "report" and not may_host(the_actor(ctx), sesi):
        raise UserError(ctx.t("core.not_allowed"))
    if cmd.kind != "report" and not _may_upload(ctx, sesi):
        raise UserError(ctx.t("core.not_allowed"))
    kinds = []
    for media in cmd.media:
        kind = cmd.kind or ("photo" if media.kind == "photo" else "minutes")
        ctx.session.add(
            SerawaiDocument(
                session_id=sesi.id,
                kind=kind,
                path=media.path,
                filename=media.filename,
                content_type=media.content_type,
                uploaded_by_id=the_actor(ctx).id,
                uploaded_at=ctx.now,
            )
        )
        kinds.append(kind)
    ctx.session.flush()
    ctx.audit("serawai_documents", session_ref(sesi.id), kinds=kinds)
    if cmd.kind == "report":
        return [Text(ctx.t("serawai.report_document_saved"))]
    minutes = len(documents_of(ctx.session, sesi.id, "minutes"))
    photos = len(documents_of(ctx.session, sesi.id, "photo"))
    return [Text(ctx.t("serawai.files_saved", minutes=minutes, photos=photos))]
