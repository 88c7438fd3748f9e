"""SOP-321 Event Team support: requests, assignment, evaluations, documentation, availability,
due work and the lists, one module each; `register` plugs them all in.

Other features open and cancel requests with `open_request` and `cancel_request`.
"""

from __future__ import annotations

from bot.flows.event_team import change as change_flows
from bot.payload import Payload
from bot.registry import Outcome, Registry
from bot.services.context import ServiceCtx, UserError
from bot.services.event_team import (
    assignment,
    availability,
    common,
    documentation,
    due,
    evaluation,
    requests,
    views,
)
from bot.services.event_team.requests import cancel_request, open_request

__all__ = ["cancel_request", "open_request", "register"]


def _action(ctx: ServiceCtx, payload: Payload) -> Outcome:
    """Every `et:<verb>:<id>` button; the id is re-checked against the presser."""
    verb, ref = payload.part(0), payload.int_part(1)
    if ref is None:
        raise UserError(ctx.t("core.unknown_button"))
    if verb == "decline":
        return assignment.start_decline(ctx, ref)
    if verb == "doc":
        return documentation.start_documentation(ctx, ref)
    req = common.get_request(ctx, ref)
    if verb == "assign":
        return assignment.start_assign(ctx, req)
    if verb == "eval":
        return evaluation.start_evaluation(ctx, req)
    if verb == "internal":
        return evaluation.start_internal(ctx, req)
    if verb in ("resched", "cancel"):
        req = requests.own_open_request(ctx, ref)
        data = change_flows.ChangeData(request_id=req.id, title=req.title)
        flow = change_flows.RESCHEDULE_FLOW if verb == "resched" else change_flows.CANCEL_FLOW
        return Outcome(start_flow=flow.name, flow_data=data)
    raise UserError(ctx.t("core.unknown_button"))


def register(reg: Registry) -> None:
    """SOP-321: flows, commands, buttons and due work."""
    for concern in (requests, assignment, evaluation, documentation, availability, views, due):
        concern.register(reg)
    reg.action(common.PREFIX, _action)
