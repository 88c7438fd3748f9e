"""Serawai rounds (steps 1-2): reading rounds and proposals, opening and announcing a round.

A round moves proposals → voting → (tie →) decided → scheduled, each move a conditional
UPDATE on its status so a second scheduler or a double press never applies it twice.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import format_datetime, to_wib, wib_to_utc
from bot.flows.serawai.rounds import CreateRound
from bot.flows.serawai.rules import REMIND_AT, round_windows
from bot.messages import Document, Reply, Text
from bot.services import directory
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.common import PROGRAM, broadcast, require_can, round_ref
from storage.models import Office
from storage.serawai import (
    RoundStatus,
    SerawaiProposal,
    SerawaiRound,
    SerawaiSession,
)

OPEN_STATUSES = (RoundStatus.PROPOSALS, RoundStatus.VOTING, RoundStatus.TIE)


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


def offices_by_id(session: Session) -> dict[int, Office]:
    return {o.id: o for o in directory.offices(session)}


# -- step 1-2: opening and announcing a round -----------------------------------------------


def _rule_text(ctx: ServiceCtx, lang: str, rnd: SerawaiRound) -> str:
    if rnd.max_choices > 1:
        return ctx.catalog.t("serawai.rule_text", lang, n=rnd.max_choices)
    return ctx.catalog.t("serawai.rule_one_text", lang)


def create_round(ctx: ServiceCtx, cmd: CreateRound) -> list[Reply]:
    actor = require_can(ctx)
    running = open_round(ctx.session)
    if running is not None:
        raise UserError(ctx.t("serawai.open_already", name=running.name))
    proposals_close, voting_close = round_windows(
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


def round_sessions(session: Session, round_id: int) -> list[SerawaiSession]:
    """The round's sessions, by rank."""
    return list(
        session.scalars(
            select(SerawaiSession)
            .where(SerawaiSession.round_id == round_id)
            .order_by(SerawaiSession.rank)
        )
    )
