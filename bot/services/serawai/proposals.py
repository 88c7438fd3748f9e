"""Serawai proposals (step 3): submitting, editing and withdrawing a theme; the reminder."""

from __future__ import annotations

from bot.buttons import CommandButton
from bot.calendar import format_datetime
from bot.flows.serawai.proposals import (
    PROPOSAL_FLOW,
    ProposalData,
    SubmitProposal,
    WithdrawProposal,
)
from bot.flows.serawai.rules import TITLE_MAX
from bot.messages import Choices, Option, Reply, Text
from bot.registry import Outcome
from bot.services import directory
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.buttons import ProposeForButton
from bot.services.serawai.common import ask_to_act, the_actor
from bot.services.serawai.rounds import active_proposals, open_round
from storage.models import Office, Reminder
from storage.serawai import (
    RoundStatus,
    SerawaiProposal,
    SerawaiRound,
)

# -- step 3: proposals ----------------------------------------------------------------------


def _proposal_round(ctx: ServiceCtx, round_id: int) -> SerawaiRound:
    rnd = ctx.session.get(SerawaiRound, round_id)
    if rnd is None or rnd.status != RoundStatus.PROPOSALS or ctx.now >= rnd.proposal_closes_at:
        raise UserError(ctx.t("serawai.proposal_closed"))
    return rnd


def _proposing_office(ctx: ServiceCtx, office_id: int) -> Office:
    actor = the_actor(ctx)
    office = ctx.session.get(Office, office_id)
    if office is None or office.is_province or office_id not in actor.ca_office_ids:
        raise UserError(ctx.t("serawai.proposal_not_your_office"))
    return office


def submit_proposal(ctx: ServiceCtx, cmd: SubmitProposal) -> list[Reply]:
    actor = the_actor(ctx)
    rnd = _proposal_round(ctx, cmd.round_id)
    office = _proposing_office(ctx, cmd.office_id)
    if len(cmd.title) > TITLE_MAX:
        raise UserError(ctx.t("serawai.too_long", limit=TITLE_MAX, length=len(cmd.title)))
    if cmd.proposal_id is not None:
        proposal = _own_proposal(ctx, cmd.proposal_id, rnd.id)
        proposal.title, proposal.summary, proposal.speaker = cmd.title, cmd.summary, cmd.speaker
        proposal.updated_at = ctx.now
        ctx.audit("serawai_edit_proposal", f"proposal:{proposal.id}", title=cmd.title)
        key = "serawai.proposal_updated"
    else:
        taken = {p.slot for p in active_proposals(ctx.session, rnd.id) if p.office_id == office.id}
        free = [s for s in range(1, rnd.proposals_per_office + 1) if s not in taken]
        if not free:
            raise UserError(ctx.t("serawai.proposal_limit", n=rnd.proposals_per_office))
        proposal = SerawaiProposal(
            round_id=rnd.id,
            office_id=office.id,
            slot=free[0],
            proposer_id=actor.id,
            title=cmd.title,
            summary=cmd.summary,
            speaker=cmd.speaker,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(proposal)
        ctx.session.flush()  # the (round, office, slot) constraint refuses a racing twin here
        ctx.audit("serawai_propose", f"proposal:{proposal.id}", title=cmd.title)
        key = "serawai.proposal_saved"
    closes = format_datetime(rnd.proposal_closes_at, actor.language)
    return [Text(ctx.t(key, title=cmd.title, closes=closes))]


def _own_proposal(ctx: ServiceCtx, proposal_id: int, round_id: int) -> SerawaiProposal:
    proposal = ctx.session.get(SerawaiProposal, proposal_id)
    if (
        proposal is None
        or proposal.round_id != round_id
        or proposal.withdrawn_at is not None
        or proposal.office_id not in the_actor(ctx).ca_office_ids
    ):
        raise UserError(ctx.t("core.stale_button"))
    return proposal


def withdraw_proposal(ctx: ServiceCtx, cmd: WithdrawProposal) -> list[Reply]:
    proposal = ctx.session.get(SerawaiProposal, cmd.proposal_id)
    if proposal is None:
        raise UserError(ctx.t("core.stale_button"))
    _proposal_round(ctx, proposal.round_id)
    proposal = _own_proposal(ctx, cmd.proposal_id, proposal.round_id)
    proposal.withdrawn_at = ctx.now
    proposal.slot = None
    ctx.audit("serawai_withdraw_proposal", f"proposal:{proposal.id}")
    return [Text(ctx.t("serawai.proposal_withdrawn", title=proposal.title))]


def propose_command(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = the_actor(ctx)
    rnd = open_round(ctx.session)
    if rnd is None or rnd.status != RoundStatus.PROPOSALS or ctx.now >= rnd.proposal_closes_at:
        return Outcome([Text(ctx.t("serawai.proposal_closed"))])
    offices = [
        o
        for o in directory.offices(ctx.session)
        if o.id in actor.ca_office_ids and not o.is_province
    ]
    if not offices:
        return Outcome([Text(ctx.t("serawai.proposal_not_your_office"))])
    if len(offices) == 1:
        return _start_proposal(rnd, offices[0])
    options = tuple(Option(o.name, ProposeForButton(o.id).pack()) for o in offices)
    return Outcome([Choices(ctx.t("serawai.proposal_pick_office"), options)])


def _start_proposal(rnd: SerawaiRound, office: Office) -> Outcome:
    data = ProposalData(round_id=rnd.id, office_id=office.id, office_name=office.name)
    return Outcome(start_flow=PROPOSAL_FLOW.name, flow_data=data)


def propose_for_office(ctx: ServiceCtx, pressed: ProposeForButton) -> Outcome:
    """Start a proposal for the office the CA picked."""
    office_id = pressed.office_id
    rnd = open_round(ctx.session)
    if office_id is None or rnd is None or rnd.status != RoundStatus.PROPOSALS:
        return Outcome([Text(ctx.t("serawai.proposal_closed"))])
    return _start_proposal(rnd, _proposing_office(ctx, office_id))


def proposal_reminder(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    rnd = ctx.session.get(SerawaiRound, row.args.get("round_id"))
    if rnd is None or rnd.status != RoundStatus.PROPOSALS:
        return False
    proposed = {p.office_id for p in active_proposals(ctx.session, rnd.id)}
    sent = False
    for office in directory.offices(ctx.session):
        if office.is_province or office.id in proposed:
            continue
        for ca in ctx.holders("ca", office.id):
            text = ctx.t_for(
                ca,
                "serawai.proposal_reminder",
                name=rnd.name,
                office=office.name,
                closes=format_datetime(rnd.proposal_closes_at, ca.language),
            )
            key = f"serawai:{rnd.id}:proposal-reminder:{ca.id}"
            usul = CommandButton("usultema").pack()
            ask_to_act(ctx, ca, text, "serawai.proposal_button", usul, key, kind="reminder")
            sent = True
    return sent
