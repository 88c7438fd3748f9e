"""Serawai ratings (step 11): speakers by participants (their certificate follows), hosts by
CAN, and the best speaker and host office of a period."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

import bot.services.serawai.certificates as certificates
from bot.calendar import wib_to_utc
from bot.flows.serawai.common import BestLine, BestView
from bot.flows.serawai.ratings import RATING_FLOW, RateHost, RatingData, SubmitRatings
from bot.flows.serawai.rules import (
    MIN_HOST_RATINGS,
    MIN_SPEAKER_RATINGS,
    HostRating,
    SpeakerRating,
    best_hosts,
    best_speakers,
)
from bot.messages import Reply, Text
from bot.registry import Outcome
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.common import PROGRAM, office_name, require_can, session_ref, the_actor
from bot.services.serawai.sessions import committee, get_session
from storage.models import Employee, Office
from storage.serawai import (
    CommitteeRole,
    SerawaiAttendance,
    SerawaiHostRating,
    SerawaiSession,
    SerawaiSpeakerRating,
    SessionStatus,
)

# -- step 11: ratings; the participant's certificate follows the rating ---------------------


def _rated(session: Session, session_id: int, rater_id: int) -> bool:
    found = session.scalar(
        select(SerawaiSpeakerRating.id).where(
            SerawaiSpeakerRating.session_id == session_id,
            SerawaiSpeakerRating.rater_id == rater_id,
        )
    )
    return found is not None


def _participant(ctx: ServiceCtx, session_id: int | None) -> SerawaiSession:
    """A held session the actor checked in to."""
    sesi = get_session(ctx, session_id)
    checked_in = ctx.session.scalar(
        select(SerawaiAttendance.id).where(
            SerawaiAttendance.session_id == sesi.id,
            SerawaiAttendance.employee_id == the_actor(ctx).id,
        )
    )
    if checked_in is None or sesi.status != SessionStatus.HELD:
        raise UserError(ctx.t("serawai.rate_not_participant"))
    return sesi


def _speakers_to_rate(ctx: ServiceCtx, sesi: SerawaiSession) -> list[Employee]:
    actor_id = the_actor(ctx).id
    return [
        s
        for s in committee(ctx.session, sesi.id).get(CommitteeRole.SPEAKER, [])
        if s.id != actor_id
    ]


def start_rating(ctx: ServiceCtx, session_id: int | None) -> Outcome:
    sesi = _participant(ctx, session_id)
    if _rated(ctx.session, sesi.id, the_actor(ctx).id):
        return Outcome([Text(ctx.t("serawai.rate_already"))])
    speakers = [(s.id, s.name) for s in _speakers_to_rate(ctx, sesi)]
    data = RatingData(session_id=sesi.id, title=sesi.title, speakers=speakers)
    return Outcome(start_flow=RATING_FLOW.name, flow_data=data)


def submit_ratings(ctx: ServiceCtx, cmd: SubmitRatings) -> list[Reply]:
    sesi = _participant(ctx, cmd.session_id)
    actor = the_actor(ctx)
    if _rated(ctx.session, sesi.id, actor.id):
        raise UserError(ctx.t("serawai.rate_already"))
    expected = {s.id for s in _speakers_to_rate(ctx, sesi)}
    if {r[0] for r in cmd.ratings} != expected or len(cmd.ratings) != len(expected):
        raise UserError(ctx.t("core.stale_button"))
    for speaker_id, mastery, delivery, relevance, comment in cmd.ratings:
        if not all(1 <= v <= 5 for v in (mastery, delivery, relevance)):
            raise UserError(ctx.t("core.choose_from_buttons"))
        ctx.session.add(
            SerawaiSpeakerRating(
                session_id=sesi.id,
                rater_id=actor.id,
                speaker_id=speaker_id,
                mastery=mastery,
                delivery=delivery,
                relevance=relevance,
                comment=comment,
                rated_at=ctx.now,
            )
        )
    ctx.session.flush()
    employee = ctx.employee(actor.id)
    certificate = certificates.issue(ctx, sesi, employee, "participant")
    return [
        Text(ctx.t("serawai.rate_thanks")),
        *certificates.replies(ctx, employee, certificate),
    ]


def sessions_to_rate(session: Session, rater_id: int) -> list[SerawaiSession]:
    """Held sessions whose host this CAN member has not rated yet."""
    rated = select(SerawaiHostRating.session_id).where(SerawaiHostRating.rater_id == rater_id)
    return list(
        session.scalars(
            select(SerawaiSession)
            .where(SerawaiSession.status == SessionStatus.HELD, SerawaiSession.id.not_in(rated))
            .order_by(SerawaiSession.starts_at, SerawaiSession.id)
        )
    )


def rate_host(ctx: ServiceCtx, cmd: RateHost) -> list[Reply]:
    actor = require_can(ctx)
    sesi = get_session(ctx, cmd.session_id)
    if sesi.status != SessionStatus.HELD or not 1 <= cmd.score <= 5:
        raise UserError(ctx.t("core.stale_button"))
    if sesi.id not in {s.id for s in sessions_to_rate(ctx.session, actor.id)}:
        raise UserError(ctx.t("serawai.rate_already"))
    ctx.session.add(
        SerawaiHostRating(
            session_id=sesi.id,
            rater_id=actor.id,
            office_id=sesi.host_office_id,
            score=cmd.score,
            comment=cmd.comment,
            rated_at=ctx.now,
        )
    )
    ctx.session.flush()
    ctx.step_done(PROGRAM, 11, session_ref(sesi.id))
    return [Text(ctx.t("serawai.host_rated", host=office_name(ctx, sesi.host_office_id)))]


def best_of(session: Session, start: date, end: date) -> BestView:
    """Best speakers and host offices of sessions held from `start` up to `end` (WIB dates)."""
    starts = wib_to_utc(start, time(0))
    ends = wib_to_utc(end, time(0))
    held = select(SerawaiSession.id).where(
        SerawaiSession.status == SessionStatus.HELD,
        SerawaiSession.starts_at >= starts,
        SerawaiSession.starts_at < ends,
    )
    speaker_rows = list(
        session.execute(
            select(
                SerawaiSpeakerRating.speaker_id,
                SerawaiSpeakerRating.mastery,
                SerawaiSpeakerRating.delivery,
                SerawaiSpeakerRating.relevance,
                SerawaiSession.host_office_id,
            )
            .join(SerawaiSession, SerawaiSession.id == SerawaiSpeakerRating.session_id)
            .where(SerawaiSpeakerRating.session_id.in_(held))
            .order_by(SerawaiSpeakerRating.id)  # sums of floats in one order, so ties hold
        )
    )
    ratings = [SpeakerRating(s, m, d, r) for s, m, d, r, _ in speaker_rows]
    names = dict(
        session.execute(
            select(Employee.id, Employee.name).where(
                Employee.id.in_({r.speaker_id for r in ratings})
            )
        ).all()
    )
    by_office: dict[int, list[float]] = {}
    for rating, row in zip(ratings, speaker_rows, strict=True):
        by_office.setdefault(row[4], []).append(rating.score)
    host_rows = session.execute(
        select(SerawaiHostRating.office_id, SerawaiHostRating.score)
        .where(SerawaiHostRating.session_id.in_(held))
        .order_by(SerawaiHostRating.id)
    )
    offices = {o.id: (o.code, o.name) for o in session.scalars(select(Office))}
    speakers = best_speakers(ratings, names)
    hosts = best_hosts(
        [HostRating(o, s) for o, s in host_rows],
        offices,
        {office: sum(v) / len(v) for office, v in by_office.items()},
    )
    return BestView(
        speakers=[BestLine(s.name, s.score, s.ratings) for s in speakers],
        hosts=[BestLine(h.name, h.score, h.ratings) for h in hosts],
        min_speaker_ratings=MIN_SPEAKER_RATINGS,
        min_host_ratings=MIN_HOST_RATINGS,
    )
