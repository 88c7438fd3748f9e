"""Serawai results (step 5): the close, the tie-break chain, CAN's decision, the broadcast."""

from __future__ import annotations

import secrets

from bot.buttons import CommandButton
from bot.flows.serawai.results import DecideTie
from bot.flows.serawai.rules import rank_themes, separated_by
from bot.messages import Image, Reply, Text
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.common import (
    PROGRAM,
    ask_to_act,
    broadcast,
    media_folder,
    move,
    require_can,
    round_ref,
)
from bot.services.serawai.rounds import active_proposals, offices_by_id, round_sessions
from bot.services.serawai.voting import tally, voters
from storage.models import Reminder
from storage.serawai import (
    RoundStatus,
    SerawaiProposal,
    SerawaiRound,
    SerawaiSession,
    SessionStatus,
)

# -- step 5: the close, the tie-break chain, results ----------------------------------------


def close_voting(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    rnd = ctx.session.get(SerawaiRound, row.args.get("round_id"))
    voting = SerawaiRound.status == RoundStatus.VOTING
    # The UPDATE waits for votes in flight (they share-lock the round); then none can land.
    if rnd is None or not move(ctx, rnd, voting, status=RoundStatus.DECIDED, closed_at=ctx.now):
        return False
    ref = round_ref(rnd.id)
    ctx.step_done(PROGRAM, 4, ref)
    ctx.step_started(PROGRAM, 5, ref, "1wd")
    outcome = rank_themes(tally(ctx.session, rnd), rnd.themes_to_select)
    proposals = {p.id: p for p in active_proposals(ctx.session, rnd.id)}
    for rank, chosen in enumerate(outcome.selected, 1):
        candidate = chosen.candidate
        proposal = proposals[candidate.proposal_id]
        _add_session(ctx, rnd, proposal, rank, chosen.decided_by, candidate.votes)
    ctx.audit(
        "serawai_close_voting",
        ref,
        selected=[s.candidate.proposal_id for s in outcome.selected],
        tied=[c.proposal_id for c in outcome.tied],
    )
    if outcome.tied:
        rnd.status = RoundStatus.TIE
        for member in ctx.holders("can"):
            text = ctx.t_for(
                member,
                "serawai.tie_ask",
                name=rnd.name,
                slots=outcome.open_slots,
                titles="; ".join(c.title for c in outcome.tied),
            )
            key = f"serawai:{rnd.id}:tie-ask:{member.id}"
            seri = CommandButton("serawai_seri").pack()
            ask_to_act(ctx, member, text, "serawai.tie_button", seri, key)
        return True
    publish_results(ctx, rnd)
    return True


def _add_session(
    ctx: ServiceCtx,
    rnd: SerawaiRound,
    proposal: SerawaiProposal,
    rank: int,
    decided_by: str,
    votes: int,
) -> SerawaiSession:
    sesi = SerawaiSession(
        round_id=rnd.id,
        proposal_id=proposal.id,
        rank=rank,
        decided_by=decided_by,
        votes=votes,
        title=proposal.title,
        host_office_id=proposal.office_id,
        status=SessionStatus.UNSCHEDULED,
        checkin_secret=secrets.token_hex(32),
    )
    ctx.session.add(sesi)
    ctx.session.flush()
    return sesi


def decide_tie(ctx: ServiceCtx, cmd: DecideTie) -> list[Reply]:
    actor = require_can(ctx)
    rnd = ctx.session.get(SerawaiRound, cmd.round_id)
    if rnd is None or rnd.status != RoundStatus.TIE:
        raise UserError(ctx.t("serawai.tie_none"))
    outcome = rank_themes(tally(ctx.session, rnd), rnd.themes_to_select)
    tied = {c.proposal_id: c for c in outcome.tied}
    if len(set(cmd.proposal_ids)) != outcome.open_slots or not set(cmd.proposal_ids) <= set(tied):
        raise UserError(ctx.t("core.stale_button"))
    tie = SerawaiRound.status == RoundStatus.TIE
    values = {"tie_reason": cmd.reason, "tie_decided_by_id": actor.id}
    if not move(ctx, rnd, tie, status=RoundStatus.DECIDED, **values):
        raise UserError(ctx.t("serawai.tie_none"))
    proposals = {p.id: p for p in active_proposals(ctx.session, rnd.id)}
    for rank, proposal_id in enumerate(cmd.proposal_ids, len(outcome.selected) + 1):
        _add_session(ctx, rnd, proposals[proposal_id], rank, "can", tied[proposal_id].votes)
    ctx.audit(
        "serawai_tie_decision", round_ref(rnd.id), chosen=list(cmd.proposal_ids), reason=cmd.reason
    )
    publish_results(ctx, rnd)
    return [Text(ctx.t("serawai.tie_decided"))]


def results_text(ctx: ServiceCtx, lang: str, rnd: SerawaiRound) -> str:
    """The ranking, the chosen themes, the tie-break chain and how each tie was broken."""

    def t(key: str, /, **values: object) -> str:
        return ctx.catalog.t(key, lang, **values)

    candidates = tally(ctx.session, rnd)
    outcome = rank_themes(candidates, rnd.themes_to_select)
    sessions = round_sessions(ctx.session, rnd.id)
    chosen = {s.proposal_id: s.rank for s in sessions}
    # The selected themes in their final order (CAN's pick included), then the others.
    ordered = sorted(outcome.ranking, key=lambda c: chosen.get(c.proposal_id, len(chosen) + 1))
    proposals = {p.id: p for p in active_proposals(ctx.session, rnd.id)}
    offices = offices_by_id(ctx.session)
    ranking = "\n".join(
        t(
            "serawai.result_line",
            n=i,
            title=c.title,
            office=offices[proposals[c.proposal_id].office_id].name,
            votes=c.votes,
            offices=c.offices,
            mark=" ✅" if c.proposal_id in chosen else "",
        )
        for i, c in enumerate(ordered, 1)
    )
    by_id = {c.proposal_id: c for c in candidates}
    first_out = next((c for c in outcome.ranking if c.proposal_id not in chosen), None)
    notes: list[str] = []
    for sesi in sessions:
        winner = by_id[sesi.proposal_id]
        if first_out is None or winner.votes != first_out.votes:
            continue
        link = separated_by(winner, first_out) if sesi.decided_by != "can" else "can"
        notes.append(
            t(
                f"serawai.tie_note_{link}",
                winner=winner.title,
                loser=first_out.title,
                votes=winner.votes,
                a=winner.offices,
                b=first_out.offices,
                reason=rnd.tie_reason or "",
            )
        )
    ballots = len(voters(ctx.session, rnd.id))
    return t(
        "serawai.results",
        name=rnd.name,
        ballots=ballots,
        ranking=ranking,
        themes=rnd.themes_to_select,
        tiebreak=t("serawai.tiebreak_rule"),
        notes="\n".join(notes) or t("serawai.tie_note_none"),
    )


def _results_chart(ctx: ServiceCtx, rnd: SerawaiRound) -> str:
    from bot.rendering.chart import render_vote_chart

    outcome = rank_themes(tally(ctx.session, rnd), rnd.themes_to_select)
    path = media_folder(ctx, "hasil") / f"putaran-{rnd.id}.png"
    render_vote_chart(
        ctx.catalog.t("serawai.chart_title", "id", name=rnd.name),
        [(c.title, c.votes) for c in outcome.ranking],
        path,
        sort=False,
    )
    return str(path)


def publish_results(ctx: ServiceCtx, rnd: SerawaiRound) -> None:
    """Broadcast the results with their chart, and ask CAN for the schedule."""
    chart = _results_chart(ctx, rnd)
    broadcast(
        ctx,
        f"serawai:{rnd.id}:results",
        lambda lang: [
            Text(results_text(ctx, lang, rnd)),
            Image(chart, ctx.catalog.t("serawai.chart_caption", lang, name=rnd.name)),
        ],
    )
    for member in ctx.holders("can"):
        text = ctx.t_for(member, "serawai.schedule_ask", name=rnd.name)
        key = f"serawai:{rnd.id}:schedule-ask:{member.id}"
        jadwal = CommandButton("serawai_jadwal").pack()
        ask_to_act(ctx, member, text, "serawai.schedule_button", jadwal, key)
