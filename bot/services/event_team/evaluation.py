"""SOP-321 steps 5-7: the SM's evaluation form and the lead's internal evaluation."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.flows.event_team import evaluation as evaluation_flows
from bot.flows.event_team import lead as lead_flows
from bot.flows.event_team.rules import (
    PROGRAM,
)
from bot.messages import Reply, Text
from bot.registry import Outcome, Registry
from bot.services.context import ServiceCtx, UserError
from bot.services.event_team.buttons import EvaluationButton, InternalEvaluationButton
from bot.services.event_team.common import (
    EVALUATED,
    active_assignments,
    actor_id,
    evaluation_of,
    event_ref,
    get_request,
    key_of,
    require,
    roles_of,
)
from storage.event_team import (
    EventEvaluation,
    EventRequest,
    RequestStatus,
)


def _served_roles(session: Session, req: EventRequest) -> list[str]:
    serving = {a.role for a in active_assignments(session, req.id)}
    return [role for role, _ in roles_of(req) if role in serving]


def _start_evaluation(ctx: ServiceCtx, pressed: EvaluationButton) -> Outcome:
    req = get_request(ctx, pressed.request_id)
    require(ctx, req.requester_id == actor_id(ctx))
    if req.status not in EVALUATED:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))
    if evaluation_of(ctx.session, req.id) is not None:
        raise UserError(ctx.t("event_team.eval_already", id=req.id))
    ctx.step_started(PROGRAM, 6, event_ref(req.id), "10m")
    aspects = evaluation_flows.evaluation_aspects(_served_roles(ctx.session, req))
    data = evaluation_flows.EvaluationData(request_id=req.id, title=req.title, aspects=aspects)
    return Outcome(start_flow=evaluation_flows.EVALUATION_FLOW.name, flow_data=data)


def _close_if_done(ctx: ServiceCtx, req: EventRequest) -> None:
    if req.internal_done_at is not None and evaluation_of(ctx.session, req.id) is not None:
        ctx.session.execute(
            update(EventRequest)
            .where(EventRequest.id == req.id, EventRequest.status == RequestStatus.HELD)
            .values(status=RequestStatus.CLOSED)
        )


def _submit_evaluation(ctx: ServiceCtx, cmd: evaluation_flows.SubmitEvaluation) -> list[Reply]:
    req = get_request(ctx, cmd.request_id)
    require(ctx, req.requester_id == actor_id(ctx))
    if req.status not in EVALUATED:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))
    if evaluation_of(ctx.session, req.id) is not None:
        raise UserError(ctx.t("event_team.eval_already", id=req.id))
    ratings = dict(cmd.ratings)
    fixed = ("readiness", "punctuality", "communication", "overall")
    if any(not 1 <= ratings.get(k, 0) <= 5 for k in fixed):
        raise UserError(ctx.t("core.stale_button"))
    ctx.session.add(
        EventEvaluation(
            request_id=req.id,
            evaluator_id=actor_id(ctx),
            readiness=ratings["readiness"],
            punctuality=ratings["punctuality"],
            communication=ratings["communication"],
            overall=ratings["overall"],
            role_ratings={k[5:]: v for k, v in ratings.items() if k.startswith("role:")},
            suggestions=cmd.suggestions,
            submitted_at=ctx.now,
        )
    )
    ctx.session.flush()
    ctx.step_done(PROGRAM, 6, event_ref(req.id))
    ctx.cancel_reminders(key_of(req, "eval", ""), "filled")
    ctx.audit("event_evaluation", event_ref(req.id), overall=ratings["overall"])
    _close_if_done(ctx, req)
    return [Text(ctx.t("event_team.eval_thanks"))]


def _start_internal(ctx: ServiceCtx, pressed: InternalEvaluationButton) -> Outcome:
    req = get_request(ctx, pressed.request_id)
    require(ctx, ctx.actor is not None and ctx.actor.has("et_lead"))
    if req.status not in EVALUATED:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))
    if req.internal_done_at is not None:
        raise UserError(ctx.t("event_team.internal_already", id=req.id))
    served = [
        (a.id, ctx.employee(a.member_id).name, a.role)
        for a in active_assignments(ctx.session, req.id)
    ]
    if not served:
        # Every member declined and nobody was named again: there is no one to rate.
        _submit_internal(ctx, lead_flows.SubmitInternalEvaluation(req.id, ()))
        return Outcome([Text(ctx.t("event_team.internal_nobody"))])
    data = lead_flows.InternalData(request_id=req.id, title=req.title, served=served)
    return Outcome(start_flow=lead_flows.INTERNAL_FLOW.name, flow_data=data)


def _submit_internal(ctx: ServiceCtx, cmd: lead_flows.SubmitInternalEvaluation) -> list[Reply]:
    require(ctx, ctx.actor is not None and ctx.actor.has("et_lead"))
    req = get_request(ctx, cmd.request_id)
    if req.status not in EVALUATED:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))
    active = {a.id: a for a in active_assignments(ctx.session, req.id)}
    if {aid for aid, _, _ in cmd.ratings} != set(active) or any(
        not 1 <= rating <= 5 for _, rating, _ in cmd.ratings
    ):
        raise UserError(ctx.t("core.stale_button"))
    won = ctx.session.execute(
        update(EventRequest)
        .where(EventRequest.id == req.id, EventRequest.internal_done_at.is_(None))
        .values(internal_done_at=ctx.now, internal_by_id=actor_id(ctx))
    )
    if not won.rowcount:  # type: ignore[attr-defined]
        raise UserError(ctx.t("event_team.internal_already", id=req.id))
    ctx.session.refresh(req)
    for aid, rating, note in cmd.ratings:
        active[aid].lead_rating = rating
        active[aid].lead_note = note
    ctx.step_done(PROGRAM, 7, event_ref(req.id))
    ctx.cancel_reminders(key_of(req, "internal", ""), "filled")
    ctx.audit("event_internal_evaluation", event_ref(req.id))
    _close_if_done(ctx, req)
    return [Text(ctx.t("event_team.internal_thanks"))]


def register(reg: Registry) -> None:
    """The two evaluation flows and what they do."""
    reg.flow(evaluation_flows.EVALUATION_FLOW)
    reg.flow(lead_flows.INTERNAL_FLOW)
    reg.button(EvaluationButton, _start_evaluation)
    reg.handles(evaluation_flows.SubmitEvaluation, _submit_evaluation)
    reg.button(InternalEvaluationButton, _start_internal)
    reg.handles(lead_flows.SubmitInternalEvaluation, _submit_internal)
