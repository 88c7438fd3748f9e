"""Serawai (SOP-098) rounds: opening and announcing, proposals, the vote, results and schedule.

Steps 1-5 live here; sessions (steps 6-11) are in `serawai_sesi`. A round moves
proposals → voting → (tie →) decided → scheduled, each move a conditional UPDATE on its
status so a second scheduler or a double press never applies it twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.calendar import format_datetime, to_wib, wib_to_utc
from bot.flows import serawai as can_flows
from bot.flows import serawai_sesi as sesi_flows
from bot.flows import serawai_usul as usul_flows
from bot.messages import Choices, Document, Image, Option, Reply, Text
from bot.payload import Payload, encode
from bot.registry import Command, CommandHandler, Outcome, Registry
from bot.services import directory, serawai_sesi
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai_common import (
    ACTION,
    PROGRAM,
    active_employees,
    ask_to_act,
    broadcast,
    decision,
    delivery,
    media_folder,
    move,
    office_name,
    require_can,
    round_ref,
    the_actor,
)
from bot.services.serawai_rules import Candidate, rank_themes, separated_by
from storage.models import Employee, Office, Reminder
from storage.serawai import (
    RoundStatus,
    SerawaiBallot,
    SerawaiProposal,
    SerawaiRound,
    SerawaiSession,
    SerawaiVote,
    SessionStatus,
)

OPEN_STATUSES = (RoundStatus.PROPOSALS, RoundStatus.VOTING, RoundStatus.TIE)
REMIND_AT = time(9, 0)


# -- reading rounds and proposals -----------------------------------------------------------


def latest_round(session: Session) -> SerawaiRound | None:
    """The most recently opened round."""
    return session.scalar(select(SerawaiRound).order_by(SerawaiRound.id.desc()).limit(1))


def open_round(session: Session) -> SerawaiRound | None:
    """The round still taking proposals or votes, or waiting for a tie decision."""
    return session.scalar(
        select(SerawaiRound).where(SerawaiRound.status.in_(OPEN_STATUSES)).limit(1)
    )


def active_proposals(session: Session, round_id: int) -> list[SerawaiProposal]:
    """Proposals not withdrawn, in ballot order (first submitted first)."""
    return list(
        session.scalars(
            select(SerawaiProposal)
            .where(SerawaiProposal.round_id == round_id, SerawaiProposal.withdrawn_at.is_(None))
            .order_by(SerawaiProposal.created_at, SerawaiProposal.id)
        )
    )


def _offices(session: Session) -> dict[int, Office]:
    return {o.id: o for o in directory.offices(session)}


# -- step 1-2: opening and announcing a round -----------------------------------------------


def _rule_text(ctx: ServiceCtx, lang: str, rnd: SerawaiRound) -> str:
    if rnd.max_choices > 1:
        return ctx.catalog.t("serawai.rule_text", lang, n=rnd.max_choices)
    return ctx.catalog.t("serawai.rule_one_text", lang)


def _create_round(ctx: ServiceCtx, cmd: can_flows.CreateRound) -> list[Reply]:
    actor = require_can(ctx)
    running = open_round(ctx.session)
    if running is not None:
        raise UserError(ctx.t("serawai.open_already", name=running.name))
    proposals_close, voting_close = can_flows.round_windows(
        ctx.calendar, ctx.now, cmd.proposal_days, cmd.voting_days
    )
    rnd = SerawaiRound(
        name=cmd.name,
        status=RoundStatus.PROPOSALS,
        opened_at=ctx.now,
        proposal_closes_at=proposals_close,
        voting_closes_at=voting_close,
        proposal_days=cmd.proposal_days,
        voting_days=cmd.voting_days,
        themes_to_select=cmd.themes,
        proposals_per_office=cmd.per_office,
        max_choices=cmd.max_choices,
        letter_path=cmd.letter_path or None,
        letter_filename=cmd.letter_filename or None,
        created_by_id=actor.id,
    )
    ctx.session.add(rnd)
    ctx.session.flush()
    ref = round_ref(rnd.id)
    ctx.step_started(PROGRAM, 1, ref, "3wd", at=cmd.started_at)
    ctx.step_done(PROGRAM, 1, ref)
    ctx.step_started(PROGRAM, 2, ref, "1wd")
    reached = _announce(ctx, rnd)
    ctx.step_done(PROGRAM, 2, ref)
    ctx.step_started(PROGRAM, 3, ref, "7wd")
    close_day = to_wib(proposals_close).date()
    remind_at = wib_to_utc(ctx.calendar.add_working_days(close_day, -2), REMIND_AT)
    if remind_at > ctx.now:
        ctx.schedule(
            f"serawai:{rnd.id}:proposal-reminder",
            "serawai.proposal_reminder",
            remind_at,
            args={"round_id": rnd.id},
            not_after=proposals_close,
        )
    ctx.schedule(
        f"serawai:{rnd.id}:open-voting",
        "serawai.open_voting",
        proposals_close,
        args={"round_id": rnd.id},
    )
    ctx.audit("serawai_open_round", ref, name=rnd.name, themes=rnd.themes_to_select)
    return [
        Text(
            ctx.t(
                "serawai.opened",
                name=rnd.name,
                count=reached,
                proposals_close=format_datetime(proposals_close, actor.language),
            )
        )
    ]


def _announce(ctx: ServiceCtx, rnd: SerawaiRound) -> int:
    """Step 2: the round and how themes are chosen, to every employee (letter attached)."""

    def replies(lang: str) -> list[Reply]:
        text = ctx.catalog.t(
            "serawai.announcement",
            lang,
            name=rnd.name,
            proposals_close=format_datetime(rnd.proposal_closes_at, lang),
            voting_close=format_datetime(rnd.voting_closes_at, lang),
            themes=rnd.themes_to_select,
            per_office=rnd.proposals_per_office,
            rule=_rule_text(ctx, lang, rnd),
            tiebreak=ctx.catalog.t("serawai.tiebreak_rule", lang),
        )
        return [Text(text)]

    reached = broadcast(ctx, f"serawai:{rnd.id}:announce", replies)
    if rnd.letter_path:
        path, filename = rnd.letter_path, rnd.letter_filename or "surat.pdf"
        broadcast(
            ctx,
            f"serawai:{rnd.id}:letter",
            lambda lang: [Document(path, filename, ctx.catalog.t("serawai.letter_caption", lang))],
        )
    return reached


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


def _submit_proposal(ctx: ServiceCtx, cmd: usul_flows.SubmitProposal) -> list[Reply]:
    actor = the_actor(ctx)
    rnd = _proposal_round(ctx, cmd.round_id)
    office = _proposing_office(ctx, cmd.office_id)
    if len(cmd.title) > can_flows.TITLE_MAX:
        raise UserError(
            ctx.t("serawai.too_long", limit=can_flows.TITLE_MAX, length=len(cmd.title))
        )
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


def _withdraw_proposal(ctx: ServiceCtx, cmd: usul_flows.WithdrawProposal) -> list[Reply]:
    proposal = ctx.session.get(SerawaiProposal, cmd.proposal_id)
    if proposal is None:
        raise UserError(ctx.t("core.stale_button"))
    _proposal_round(ctx, proposal.round_id)
    proposal = _own_proposal(ctx, cmd.proposal_id, proposal.round_id)
    proposal.withdrawn_at = ctx.now
    proposal.slot = None
    ctx.audit("serawai_withdraw_proposal", f"proposal:{proposal.id}")
    return [Text(ctx.t("serawai.proposal_withdrawn", title=proposal.title))]


def _propose_command(ctx: ServiceCtx, _args: str) -> Outcome:
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
    options = tuple(Option(o.name, encode(ACTION, "u", o.id)) for o in offices)
    return Outcome([Choices(ctx.t("serawai.proposal_pick_office"), options)])


def _start_proposal(rnd: SerawaiRound, office: Office) -> Outcome:
    data = usul_flows.ProposalData(round_id=rnd.id, office_id=office.id, office_name=office.name)
    return Outcome(start_flow=usul_flows.PROPOSAL_FLOW.name, flow_data=data)


def _propose_for_office(ctx: ServiceCtx, payload: Payload) -> Outcome:
    office_id = payload.int_part(1)
    rnd = open_round(ctx.session)
    if office_id is None or rnd is None or rnd.status != RoundStatus.PROPOSALS:
        return Outcome([Text(ctx.t("serawai.proposal_closed"))])
    return _start_proposal(rnd, _proposing_office(ctx, office_id))


def _proposal_reminder(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
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
            usul = encode("cmd", "usultema")
            ask_to_act(ctx, ca, text, "serawai.proposal_button", usul, key, kind="reminder")
            sent = True
    return sent


# -- step 4: the vote -----------------------------------------------------------------------


def _ballot_replies(
    ctx: ServiceCtx, lang: str, rnd: SerawaiRound, proposals: list[SerawaiProposal]
) -> list[Reply]:
    offices = _offices(ctx.session)
    lines = "\n\n".join(
        ctx.catalog.t(
            "serawai.ballot_line",
            lang,
            n=i,
            title=p.title,
            office=offices[p.office_id].name,
            speaker=p.speaker,
            summary=p.summary if len(p.summary) <= 200 else p.summary[:199] + "…",
        )
        for i, p in enumerate(proposals, 1)
    )
    how = (
        ctx.catalog.t("serawai.ballot_many", lang, n=rnd.max_choices)
        if rnd.max_choices > 1
        else ctx.catalog.t("serawai.ballot_one", lang)
    )
    intro = ctx.catalog.t(
        "serawai.ballot_intro",
        lang,
        name=rnd.name,
        lines=lines,
        closes=format_datetime(rnd.voting_closes_at, lang),
    )
    options = tuple(
        Option(f"{i}. {p.title}", encode(ACTION, "v", rnd.id, p.id))
        for i, p in enumerate(proposals, 1)
    )
    return [Text(intro), Choices(how, options)]


def _open_voting(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    rnd = ctx.session.get(SerawaiRound, row.args.get("round_id"))
    opened = SerawaiRound.status == RoundStatus.PROPOSALS
    if rnd is None or not move(ctx, rnd, opened, status=RoundStatus.VOTING):
        return False
    ref = round_ref(rnd.id)
    ctx.step_done(PROGRAM, 3, ref)
    proposals = active_proposals(ctx.session, rnd.id)
    if not proposals:
        rnd.status = RoundStatus.CANCELLED
        rnd.closed_at = ctx.now
        for member in ctx.holders("can"):
            text = ctx.t_for(member, "serawai.no_proposals", name=rnd.name)
            ctx.notify(member, [Text(text)], key=f"serawai:{rnd.id}:no-proposals:{member.id}")
        return True
    ctx.step_started(PROGRAM, 4, ref, f"{rnd.voting_days}wd")
    broadcast(
        ctx, f"serawai:{rnd.id}:ballot", lambda lang: _ballot_replies(ctx, lang, rnd, proposals)
    )
    close_day = to_wib(rnd.voting_closes_at).date()
    open_day = to_wib(ctx.now).date()
    reminders = {
        "midpoint": wib_to_utc(
            ctx.calendar.add_working_days(open_day, max(1, rnd.voting_days // 2)), REMIND_AT
        ),
        "h-2": wib_to_utc(ctx.calendar.add_working_days(close_day, -2), REMIND_AT),
    }
    for which, due in reminders.items():
        if ctx.now < due < rnd.voting_closes_at:
            ctx.schedule(
                f"serawai:{rnd.id}:vote-reminder:{which}",
                "serawai.vote_reminder",
                due,
                args={"round_id": rnd.id, "which": which},
                group_key=f"serawai:{rnd.id}:vote-reminder",
                not_after=rnd.voting_closes_at,
            )
    ctx.schedule(
        f"serawai:{rnd.id}:close-voting",
        "serawai.close_voting",
        rnd.voting_closes_at,
        args={"round_id": rnd.id},
    )
    return True


def _voting_round(ctx: ServiceCtx, round_id: int | None) -> SerawaiRound:
    """The round, share-locked so the close waits for this vote (PostgreSQL; SQLite serialises)."""
    rnd = ctx.session.scalar(
        select(SerawaiRound).where(SerawaiRound.id == round_id).with_for_update(read=True)
    )
    if rnd is None or rnd.status != RoundStatus.VOTING or ctx.now >= rnd.voting_closes_at:
        raise UserError(ctx.t("serawai.vote_closed"))
    return rnd


def _locked_ballot(ctx: ServiceCtx, rnd: SerawaiRound, employee_id: int, office_id: int) -> int:
    """The voter's ballot id, created if needed and row-locked, so presses apply one by one."""
    touch = (
        update(SerawaiBallot)
        .where(SerawaiBallot.round_id == rnd.id, SerawaiBallot.employee_id == employee_id)
        .values(changes=SerawaiBallot.changes + 1, updated_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    if not ctx.session.execute(touch).rowcount:  # type: ignore[attr-defined]
        try:
            with ctx.session.begin_nested():
                ctx.session.add(
                    SerawaiBallot(
                        round_id=rnd.id,
                        employee_id=employee_id,
                        office_id=office_id,
                        cast_at=ctx.now,
                        updated_at=ctx.now,
                        changes=0,
                    )
                )
        except IntegrityError:
            ctx.session.execute(touch)  # a simultaneous first press won: wait for its lock
    ballot_id = ctx.session.scalar(
        select(SerawaiBallot.id).where(
            SerawaiBallot.round_id == rnd.id, SerawaiBallot.employee_id == employee_id
        )
    )
    assert ballot_id is not None
    return ballot_id


def _vote(ctx: ServiceCtx, payload: Payload) -> Outcome:
    actor = the_actor(ctx)
    rnd = _voting_round(ctx, payload.int_part(1))
    proposal = ctx.session.get(SerawaiProposal, payload.int_part(2) or 0)
    if proposal is None or proposal.round_id != rnd.id or proposal.withdrawn_at is not None:
        raise UserError(ctx.t("core.stale_button"))
    ballot_id = _locked_ballot(ctx, rnd, actor.id, actor.office_id)
    chosen = set(
        ctx.session.scalars(
            select(SerawaiVote.proposal_id).where(SerawaiVote.ballot_id == ballot_id)
        )
    )
    if rnd.max_choices == 1:
        wanted = {proposal.id}
    elif proposal.id in chosen:
        wanted = chosen - {proposal.id}
    elif len(chosen) >= rnd.max_choices:
        raise UserError(ctx.t("serawai.vote_too_many", n=rnd.max_choices))
    else:
        wanted = chosen | {proposal.id}
    if chosen - wanted:
        ctx.session.execute(
            delete(SerawaiVote).where(
                SerawaiVote.ballot_id == ballot_id,
                SerawaiVote.proposal_id.in_(chosen - wanted),
            )
        )
    for proposal_id in sorted(wanted - chosen):
        ctx.session.add(SerawaiVote(ballot_id=ballot_id, proposal_id=proposal_id))
    if not wanted:
        ctx.session.execute(delete(SerawaiBallot).where(SerawaiBallot.id == ballot_id))
        return Outcome([Text(ctx.t("serawai.vote_empty"))])
    titles = [p.title for p in active_proposals(ctx.session, rnd.id) if p.id in wanted]
    closes = format_datetime(rnd.voting_closes_at, actor.language)
    key = "serawai.vote_changed" if chosen and chosen != wanted else "serawai.vote_recorded"
    return Outcome([Text(ctx.t(key, choices="; ".join(titles), closes=closes))])


def voters(session: Session, round_id: int) -> set[int]:
    """Employees with a ballot in the round."""
    return set(
        session.scalars(
            select(SerawaiBallot.employee_id).where(SerawaiBallot.round_id == round_id)
        )
    )


def _vote_reminder(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    rnd = ctx.session.get(SerawaiRound, row.args.get("round_id"))
    if rnd is None or rnd.status != RoundStatus.VOTING or ctx.now >= rnd.voting_closes_at:
        return False
    voted = voters(ctx.session, rnd.id)
    missing = [e for e in active_employees(ctx) if e.id not in voted]
    if not missing:
        return False
    proposals = active_proposals(ctx.session, rnd.id)
    left = ctx.calendar.working_days_between(
        to_wib(ctx.now).date(), to_wib(rnd.voting_closes_at).date()
    )

    def replies(lang: str) -> list[Reply]:
        nudge = ctx.catalog.t("serawai.vote_reminder", lang, name=rnd.name, days=left)
        return [Text(nudge), _ballot_replies(ctx, lang, rnd, proposals)[-1]]

    key = f"serawai:{rnd.id}:vote-reminder:{row.args.get('which')}"
    broadcast(ctx, key, replies, people=missing, kind="reminder")
    return True


@dataclass(frozen=True)
class OfficeTurnout:
    """Ballots and employees of one office."""

    code: str
    name: str
    voted: int
    employees: int


def turnout(session: Session, round_id: int) -> list[OfficeTurnout]:
    """Turnout per office: how many voted, never for what."""
    employees = dict(
        session.execute(
            select(Employee.office_id, func.count())
            .where(Employee.active)
            .group_by(Employee.office_id)
        ).all()
    )
    voted = dict(
        session.execute(
            select(SerawaiBallot.office_id, func.count())
            .where(SerawaiBallot.round_id == round_id)
            .group_by(SerawaiBallot.office_id)
        ).all()
    )
    return [
        OfficeTurnout(o.code, o.name, int(voted.get(o.id, 0)), int(employees.get(o.id, 0)))
        for o in directory.offices(session)
    ]


# -- step 5: the close, the tie-break chain, results ----------------------------------------


def tally(session: Session, rnd: SerawaiRound) -> list[Candidate]:
    """Votes and distinct voter offices of every proposal still standing."""
    counts = {
        proposal_id: (votes, offices)
        for proposal_id, votes, offices in session.execute(
            select(
                SerawaiVote.proposal_id,
                func.count(SerawaiVote.id),
                func.count(func.distinct(SerawaiBallot.office_id)),
            )
            .join(SerawaiBallot, SerawaiBallot.id == SerawaiVote.ballot_id)
            .where(SerawaiBallot.round_id == rnd.id)
            .group_by(SerawaiVote.proposal_id)
        )
    }
    return [
        Candidate(p.id, p.title, p.created_at, *counts.get(p.id, (0, 0)))
        for p in active_proposals(session, rnd.id)
    ]


def _close_voting(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
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
            seri = encode("cmd", "serawai_seri")
            ask_to_act(ctx, member, text, "serawai.tie_button", seri, key)
        return True
    _publish_results(ctx, rnd)
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


def _decide_tie(ctx: ServiceCtx, cmd: can_flows.DecideTie) -> list[Reply]:
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
    _publish_results(ctx, rnd)
    return [Text(ctx.t("serawai.tie_decided"))]


def round_sessions(session: Session, round_id: int) -> list[SerawaiSession]:
    """The round's sessions, by rank."""
    return list(
        session.scalars(
            select(SerawaiSession)
            .where(SerawaiSession.round_id == round_id)
            .order_by(SerawaiSession.rank)
        )
    )


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
    offices = _offices(ctx.session)
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


def _publish_results(ctx: ServiceCtx, rnd: SerawaiRound) -> None:
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
        jadwal = encode("cmd", "serawai_jadwal")
        ask_to_act(ctx, member, text, "serawai.schedule_button", jadwal, key)


# -- step 5: the schedule -------------------------------------------------------------------


def _set_schedule(ctx: ServiceCtx, cmd: can_flows.SetSchedule) -> list[Reply]:
    actor = require_can(ctx)
    sesi = ctx.session.get(SerawaiSession, cmd.session_id)
    if sesi is None or sesi.status == SessionStatus.HELD:
        raise UserError(ctx.t("core.stale_button"))
    rnd = ctx.session.get(SerawaiRound, sesi.round_id)
    if rnd is None or rnd.status not in (RoundStatus.DECIDED, RoundStatus.SCHEDULED):
        raise UserError(ctx.t("core.stale_button"))
    if cmd.starts_at <= ctx.now or ctx.session.get(Office, cmd.host_office_id) is None:
        raise UserError(ctx.t("serawai.schedule_past"))
    moved = sesi.starts_at is not None
    sesi.starts_at, sesi.ends_at = cmd.starts_at, cmd.ends_at
    sesi.host_office_id, sesi.place = cmd.host_office_id, cmd.place
    sesi.status = SessionStatus.SCHEDULED
    stamp = decision(ctx, "serawai_schedule", f"session:{sesi.id}", at=cmd.starts_at.isoformat())
    replies: list[Reply] = [
        Text(
            ctx.t(
                "serawai.schedule_saved",
                title=sesi.title,
                when=format_datetime(cmd.starts_at, actor.language),
                host=office_name(ctx, sesi.host_office_id),
            )
        )
    ]
    if rnd.status == RoundStatus.SCHEDULED:
        serawai_sesi.withdraw_event_team(ctx, sesi)
        serawai_sesi.plan_session(ctx, sesi, stamp)
        if moved:
            _announce_move(ctx, sesi, stamp)
        return replies
    sessions = round_sessions(ctx.session, rnd.id)
    if all(s.starts_at is not None for s in sessions):
        rnd.status = RoundStatus.SCHEDULED
        _announce_schedule(ctx, rnd, sessions)
        ctx.step_done(PROGRAM, 5, round_ref(rnd.id))
        for each in sessions:
            serawai_sesi.plan_session(ctx, each, stamp)
            serawai_sesi.ask_committee(ctx, each)
        replies.append(Text(ctx.t("serawai.schedule_announced", count=len(sessions))))
    else:
        left = sum(1 for s in sessions if s.starts_at is None)
        replies.append(Text(ctx.t("serawai.schedule_left", left=left)))
    return replies


def _schedule_lines(ctx: ServiceCtx, lang: str, sessions: list[SerawaiSession]) -> str:
    return "\n".join(
        ctx.catalog.t(
            "serawai.schedule_line",
            lang,
            n=s.rank,
            title=s.title,
            when=format_datetime(s.starts_at, lang) if s.starts_at else "-",
            host=office_name(ctx, s.host_office_id),
            place=s.place,
        )
        for s in sessions
    )


def _announce_schedule(ctx: ServiceCtx, rnd: SerawaiRound, sessions: list[SerawaiSession]) -> None:
    broadcast(
        ctx,
        f"serawai:{rnd.id}:schedule",
        lambda lang: [
            Text(
                ctx.catalog.t(
                    "serawai.schedule_announcement",
                    lang,
                    name=rnd.name,
                    lines=_schedule_lines(ctx, lang, sessions),
                )
            )
        ],
    )


def _announce_move(ctx: ServiceCtx, sesi: SerawaiSession, stamp: int) -> None:
    broadcast(
        ctx,
        f"serawai:s{sesi.id}:moved:{stamp}",
        lambda lang: [
            Text(
                ctx.catalog.t(
                    "serawai.schedule_moved", lang, lines=_schedule_lines(ctx, lang, [sesi])
                )
            )
        ],
    )


# -- CAN's menu: status and turnout ---------------------------------------------------------


def _menu(ctx: ServiceCtx, _args: str) -> Outcome:
    require_can(ctx)
    entries = (
        ("serawai_buka", "serawai.menu_open"),
        ("serawai_status", "serawai.menu_status"),
        ("serawai_partisipasi", "serawai.menu_turnout"),
        ("serawai_seri", "serawai.menu_tie"),
        ("serawai_jadwal", "serawai.menu_schedule"),
        ("serawai_nilaikantor", "serawai.menu_host_rating"),
        ("serawai_terbaik", "serawai.menu_best"),
    )
    options = tuple(Option(ctx.t(label), encode("cmd", name)) for name, label in entries)
    return Outcome([Choices(ctx.t("serawai.menu_title"), options)])


def _delivery_line(ctx: ServiceCtx, label_key: str, key: str) -> str:
    counts = delivery(ctx, key)
    if not counts.total:
        return ""
    return ctx.t(
        "serawai.delivery_line",
        what=ctx.t(label_key),
        total=counts.total,
        queued=counts.queued,
        sent=counts.sent,
        delivered=counts.delivered,
        failed=counts.failed,
    )


def _status(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = require_can(ctx)
    rnd = latest_round(ctx.session)
    if rnd is None:
        return Outcome([Text(ctx.t("serawai.no_round"))])
    proposals = active_proposals(ctx.session, rnd.id)
    offices = _offices(ctx.session)
    listed = "\n".join(f"• {p.title} ({offices[p.office_id].name})" for p in proposals) or "-"
    regency = sum(1 for o in offices.values() if not o.is_province)
    lines = [
        ctx.t(
            "serawai.status",
            name=rnd.name,
            status=ctx.t(f"serawai.round_status_{rnd.status}"),
            proposals_close=format_datetime(rnd.proposal_closes_at, actor.language),
            voting_close=format_datetime(rnd.voting_closes_at, actor.language),
            count=len(proposals),
            offices=len({p.office_id for p in proposals}),
            regency=regency,
            proposals=listed,
        )
    ]
    if rnd.status == RoundStatus.VOTING:
        lines.append(ctx.t("serawai.status_ballots", count=len(voters(ctx.session, rnd.id))))
    for label_key, key in (
        ("serawai.delivery_announcement", f"serawai:{rnd.id}:announce"),
        ("serawai.delivery_ballot", f"serawai:{rnd.id}:ballot"),
        ("serawai.delivery_results", f"serawai:{rnd.id}:results"),
        ("serawai.delivery_schedule", f"serawai:{rnd.id}:schedule"),
    ):
        line = _delivery_line(ctx, label_key, key)
        if line:
            lines.append(line)
    sessions = round_sessions(ctx.session, rnd.id)
    if sessions:
        schedule = _schedule_lines(ctx, actor.language, sessions)
        lines.append(ctx.t("serawai.status_sessions", lines=schedule))
    return Outcome([Text("\n\n".join(lines))])


def _turnout(ctx: ServiceCtx, _args: str) -> Outcome:
    require_can(ctx)
    rnd = latest_round(ctx.session)
    if rnd is None or rnd.status == RoundStatus.PROPOSALS:
        return Outcome([Text(ctx.t("serawai.turnout_none"))])
    rows = turnout(ctx.session, rnd.id)
    lines = "\n".join(
        ctx.t(
            "serawai.turnout_line",
            code=r.code,
            name=r.name,
            voted=r.voted,
            employees=r.employees,
            percent=round(100 * r.voted / r.employees) if r.employees else 0,
        )
        for r in rows
    )
    voted = sum(r.voted for r in rows)
    everyone = sum(r.employees for r in rows)
    text = ctx.t(
        "serawai.turnout",
        name=rnd.name,
        lines=lines,
        voted=voted,
        employees=everyone,
        percent=round(100 * voted / everyone) if everyone else 0,
    )
    return Outcome([Text(text)])


def _start_when(
    flow: str, empty_key: str, ready: Callable[[SerawaiLookup, int], object]
) -> CommandHandler:
    """A CAN command that starts `flow` only when there is something to do."""

    def handler(ctx: ServiceCtx, _args: str) -> Outcome:
        actor = require_can(ctx)
        if not ready(SerawaiLookup(ctx.session), actor.id):
            return Outcome([Text(ctx.t(empty_key))])
        return Outcome(start_flow=flow)

    return handler


# -- the lookup all Serawai flows read through ----------------------------------------------


class SerawaiLookup:
    """Read-only queries for the Serawai flows (plain values out, never rows)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def open_round_name(self) -> str | None:
        """The name of a round still open, if any."""
        rnd = open_round(self.session)
        return rnd.name if rnd else None

    def offices(self) -> list[can_flows.OfficeItem]:
        """Every office."""
        return [
            can_flows.OfficeItem(o.id, o.code, o.name) for o in directory.offices(self.session)
        ]

    def _session_items(self, sessions: list[SerawaiSession]) -> list[can_flows.SessionItem]:
        offices = _offices(self.session)
        items = []
        for sesi in sessions:
            proposal = self.session.get(SerawaiProposal, sesi.proposal_id)
            office_id = proposal.office_id if proposal else sesi.host_office_id
            items.append(
                can_flows.SessionItem(
                    sesi.id, sesi.title, office_id, offices[office_id].name, sesi.starts_at
                )
            )
        return items

    def sessions_to_schedule(self) -> list[can_flows.SessionItem]:
        """Sessions of the decided round that may still be (re)scheduled."""
        rnd = latest_round(self.session)
        if rnd is None or rnd.status not in (RoundStatus.DECIDED, RoundStatus.SCHEDULED):
            return []
        sessions = [
            s for s in round_sessions(self.session, rnd.id) if s.status != SessionStatus.HELD
        ]
        return self._session_items(sessions)

    def tie(self) -> can_flows.TieView | None:
        """The tie CAN must break, if any."""
        rnd = self.session.scalar(
            select(SerawaiRound).where(SerawaiRound.status == RoundStatus.TIE)
        )
        if rnd is None:
            return None
        outcome = rank_themes(tally(self.session, rnd), rnd.themes_to_select)
        proposals = {p.id: p for p in active_proposals(self.session, rnd.id)}
        offices = _offices(self.session)
        candidates = [
            can_flows.TieItem(
                c.proposal_id, c.title, offices[proposals[c.proposal_id].office_id].name, c.votes
            )
            for c in outcome.tied
        ]
        return can_flows.TieView(rnd.id, rnd.name, candidates, outcome.open_slots)

    def sessions_to_rate(self, rater_id: int) -> list[can_flows.SessionItem]:
        """Held sessions whose host this CAN member has not rated yet."""
        return self._session_items(serawai_sesi.sessions_to_rate(self.session, rater_id))

    def best(self, start: date, end: date) -> can_flows.BestView:
        """Best speakers and hosts of the period."""
        return serawai_sesi.best_of(self.session, start, end)

    def proposal_window(self) -> usul_flows.ProposalWindow | None:
        """The round taking proposals."""
        rnd = open_round(self.session)
        if rnd is None or rnd.status != RoundStatus.PROPOSALS:
            return None
        return usul_flows.ProposalWindow(
            rnd.id, rnd.name, rnd.proposal_closes_at, rnd.proposals_per_office
        )

    def office_proposals(self, round_id: int, office_id: int) -> list[usul_flows.ProposalItem]:
        """An office's standing proposals."""
        return [
            usul_flows.ProposalItem(p.id, p.title, p.summary, p.speaker)
            for p in active_proposals(self.session, round_id)
            if p.office_id == office_id
        ]

    def search(self, fragment: str) -> list[sesi_flows.PersonItem]:
        """Colleagues by part of their name."""
        return [
            sesi_flows.PersonItem(p.id, p.name, p.office_name)
            for p in directory.search_people(self.session, fragment)
        ]

    def report(self, session_id: int) -> sesi_flows.ReportView:
        """A session report's checklist."""
        return serawai_sesi.report_view(self.session, session_id)


# -- registration ---------------------------------------------------------------------------


def _actions(ctx: ServiceCtx, payload: Payload) -> Outcome:
    verb = payload.part(0)
    if verb == "v":
        return _vote(ctx, payload)
    if verb == "u":
        return _propose_for_office(ctx, payload)
    return serawai_sesi.action(ctx, payload)


def register(reg: Registry) -> None:
    """Serawai: flows, commands (menu order 20-29), buttons, handlers and due work."""
    flows = (
        can_flows.OPEN_FLOW,
        can_flows.TIE_FLOW,
        can_flows.SCHEDULE_FLOW,
        can_flows.HOST_RATING_FLOW,
        can_flows.BEST_FLOW,
        usul_flows.PROPOSAL_FLOW,
        sesi_flows.COMMITTEE_FLOW,
        sesi_flows.CHECKIN_FLOW,
        sesi_flows.VERIFY_FLOW,
        sesi_flows.MINUTES_FLOW,
        sesi_flows.RATING_FLOW,
        sesi_flows.REPORT_FLOW,
        sesi_flows.RETURN_FLOW,
    )
    for flow in flows:
        flow.lookup = SerawaiLookup
        reg.flow(flow)
    can = frozenset({"can"})
    reg.command(Command("serawai", "serawai.cmd_serawai", roles=can, handler=_menu, order=20))
    for name, label, run in (
        ("serawai_status", "serawai.menu_status", _status),
        ("serawai_partisipasi", "serawai.menu_turnout", _turnout),
        (
            "serawai_seri",
            "serawai.menu_tie",
            _start_when("serawai_seri", "serawai.tie_none", lambda lk, _a: lk.tie()),
        ),
        (
            "serawai_jadwal",
            "serawai.menu_schedule",
            _start_when(
                "serawai_jadwal", "serawai.schedule_none", lambda lk, _a: lk.sessions_to_schedule()
            ),
        ),
        (
            "serawai_nilaikantor",
            "serawai.menu_host_rating",
            _start_when(
                "serawai_nilaikantor",
                "serawai.host_rating_none",
                lambda lk, actor_id: lk.sessions_to_rate(actor_id),
            ),
        ),
    ):
        reg.command(Command(name, label, roles=can, handler=run, in_menu=False, order=20))
    for name, label in (
        ("serawai_buka", "serawai.menu_open"),
        ("serawai_terbaik", "serawai.menu_best"),
    ):
        reg.command(Command(name, label, roles=can, flow=name, in_menu=False, order=20))
    reg.command(
        Command(
            "usultema",
            "serawai.cmd_usultema",
            roles=frozenset({"ca"}),
            handler=_propose_command,
            order=21,
        )
    )
    reg.handles(can_flows.CreateRound, _create_round)
    reg.handles(can_flows.DecideTie, _decide_tie)
    reg.handles(can_flows.SetSchedule, _set_schedule)
    reg.handles(usul_flows.SubmitProposal, _submit_proposal)
    reg.handles(usul_flows.WithdrawProposal, _withdraw_proposal)
    reg.reminder("serawai.proposal_reminder", _proposal_reminder)
    reg.reminder("serawai.open_voting", _open_voting)
    reg.reminder("serawai.vote_reminder", _vote_reminder)
    reg.reminder("serawai.close_voting", _close_voting)
    reg.action(ACTION, _actions)
    serawai_sesi.register(reg)
