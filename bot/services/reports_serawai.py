"""Serawai's facts for a period, read from the database for the report builders (`bot.reports`).

Split from `reports_gather` (the shared step reading lives there).

Each program has one gatherer that turns its tables into the plain rows of
`bot.reports.facts` with a handful of set-based queries (no query per record), so a busy
year stays fast. Step records are read for every program the same way: the runs that ended
in the period, and those still open that started in it (as `compliance` counts them).

"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.calendar import to_wib
from bot.reports import fmt
from bot.reports.facts import (
    SERAWAI_CHECKLIST,
    HostRatingFact,
    Period,
    Program,
    ProposalFact,
    RoundFact,
    SerawaiFacts,
    SessionFact,
    SpeakerRatingFact,
    ThemeVotes,
    TurnoutFact,
)
from bot.reports.serawai import tie_note
from bot.services.reports_gather import gather_steps
from bot.services.serawai.ratings import best_of
from bot.services.serawai.reports import report_view
from storage.models import Employee, Office
from storage.serawai import (
    RoundStatus,
    SerawaiAttendance,
    SerawaiBallot,
    SerawaiCertificate,
    SerawaiHostRating,
    SerawaiProposal,
    SerawaiRound,
    SerawaiSession,
    SerawaiSpeakerRating,
    SerawaiVote,
    SessionStatus,
)

CHECKLIST = dict(
    zip(
        ("invitation", "speech", "attendance", "documentation", "minutes", "feedback"),
        SERAWAI_CHECKLIST,
        strict=True,
    )
)
"""The session report's items (SOP-098 step 10) as the Serawai service names them."""
CC_STATUS = {"approved": "approved", "submitted": "pending", "returned": "rejected"}


def gather_serawai(session: Session, period: Period) -> SerawaiFacts:
    """The rounds running in the period and the sessions held in it, with what they produced."""
    begin, stop = period.utc_bounds()
    offices = dict(session.execute(select(Office.id, Office.name)).all())
    rounds = list(
        session.scalars(
            select(SerawaiRound)
            .where(
                SerawaiRound.status != RoundStatus.CANCELLED,
                SerawaiRound.opened_at < stop,
                SerawaiRound.voting_closes_at >= begin,
            )
            .order_by(SerawaiRound.opened_at, SerawaiRound.id)
        )
    )
    held = list(
        session.scalars(
            select(SerawaiSession)
            .where(
                SerawaiSession.status == SessionStatus.HELD,
                SerawaiSession.starts_at >= begin,
                SerawaiSession.starts_at < stop,
            )
            .order_by(SerawaiSession.starts_at, SerawaiSession.id)
        )
    )
    best = best_of(session, period.start, period.end + timedelta(days=1))
    return SerawaiFacts(
        period=period,
        rounds=_rounds(session, rounds, offices),
        sessions=_sessions(session, held, offices),
        speaker_ratings=_speaker_ratings(session, held),
        host_ratings=_host_ratings(session, held, offices),
        best_speaker=best.speakers[0].name if best.speakers else None,
        best_host=best.hosts[0].name if best.hosts else None,
        steps=gather_steps(session, Program.SERAWAI, period),
    )


def _rounds(
    session: Session, rounds: list[SerawaiRound], offices: dict[int, str]
) -> list[RoundFact]:
    ids = [r.id for r in rounds]
    proposals: dict[int, list[ProposalFact]] = defaultdict(list)
    office_of: dict[int, str] = {}
    for p, proposer in session.execute(
        select(SerawaiProposal, Employee.name)
        .join(Employee, Employee.id == SerawaiProposal.proposer_id)
        .where(SerawaiProposal.round_id.in_(ids), SerawaiProposal.withdrawn_at.is_(None))
        .order_by(SerawaiProposal.round_id, SerawaiProposal.id)
    ):
        office_of[p.id] = offices[p.office_id]
        proposals[p.round_id].append(
            ProposalFact(p.id, offices[p.office_id], p.title, proposer, p.speaker)
        )
    votes = dict(
        session.execute(
            select(SerawaiVote.proposal_id, func.count())
            .join(SerawaiBallot, SerawaiBallot.id == SerawaiVote.ballot_id)
            .where(SerawaiBallot.round_id.in_(ids))
            .group_by(SerawaiVote.proposal_id)
        ).all()
    )
    ballots: dict[int, dict[int, int]] = defaultdict(dict)
    for round_id, office_id, n in session.execute(
        select(SerawaiBallot.round_id, SerawaiBallot.office_id, func.count())
        .where(SerawaiBallot.round_id.in_(ids))
        .group_by(SerawaiBallot.round_id, SerawaiBallot.office_id)
    ):
        ballots[round_id][office_id] = n
    # every active employee gets the ballot; the directory as it stands now is the electorate
    eligible = dict(
        session.execute(
            select(Employee.office_id, func.count())
            .where(Employee.active)
            .group_by(Employee.office_id)
        ).all()
    )
    chosen: dict[int, list[SerawaiSession]] = defaultdict(list)
    for sesi in session.scalars(
        select(SerawaiSession)
        .where(SerawaiSession.round_id.in_(ids))
        .order_by(SerawaiSession.round_id, SerawaiSession.rank)
    ):
        chosen[sesi.round_id].append(sesi)
    out = []
    for r in rounds:
        selected = {s.proposal_id for s in chosen[r.id]}
        out.append(
            RoundFact(
                id=r.id,
                name=r.name,
                proposal_opens=to_wib(r.opened_at).date(),
                proposal_closes=to_wib(r.proposal_closes_at).date(),
                voting_opens=to_wib(r.proposal_closes_at).date(),
                voting_closes=to_wib(r.voting_closes_at).date(),
                themes_to_select=r.themes_to_select,
                proposals=proposals[r.id],
                turnout=[
                    TurnoutFact(name, eligible.get(office_id, 0), ballots[r.id].get(office_id, 0))
                    for office_id, name in offices.items()
                    if eligible.get(office_id) or ballots[r.id].get(office_id)
                ],
                votes=[
                    ThemeVotes(
                        p.id, p.title, office_of[p.id], votes.get(p.id, 0), p.id in selected
                    )
                    for p in proposals[r.id]
                ],
                tie_break_notes=[
                    tie_note(s.title, s.decided_by, r.tie_reason or "")
                    for s in chosen[r.id]
                    if s.decided_by != "votes"
                ],
            )
        )
    return out


def _counts(session: Session, column: Any, ids: list[int], *where: Any) -> dict[int, int]:
    """Rows per session of one table (attendance, certificates)."""
    rows = session.execute(
        select(column, func.count()).where(column.in_(ids), *where).group_by(column)
    )
    return dict(rows.all())


def _sessions(
    session: Session, held: list[SerawaiSession], offices: dict[int, str]
) -> list[SessionFact]:
    ids = [s.id for s in held]
    present = _counts(session, SerawaiAttendance.session_id, ids)
    issued = _counts(
        session, SerawaiCertificate.session_id, ids, SerawaiCertificate.revoked_at.is_(None)
    )
    out = []
    for s in held:
        assert s.starts_at is not None
        view = report_view(session, s.id)
        out.append(
            SessionFact(
                id=s.id,
                title=s.title,
                held_on=to_wib(s.starts_at).date(),
                host_office=offices[s.host_office_id],
                attendance=present.get(s.id, 0),
                certificates=issued.get(s.id, 0),
                checklist={CHECKLIST[i.key]: i.done for i in view.items if i.key in CHECKLIST},
                cc_status=CC_STATUS.get(s.report_status, "draft"),
                cc_note=s.report_note or "",
            )
        )
    return out


def _speaker_ratings(session: Session, held: list[SerawaiSession]) -> list[SpeakerRatingFact]:
    titles = {s.id: s.title for s in held}
    rows = session.execute(
        select(
            SerawaiSpeakerRating.session_id,
            Employee.name,
            func.avg(SerawaiSpeakerRating.mastery),
            func.avg(SerawaiSpeakerRating.delivery),
            func.avg(SerawaiSpeakerRating.relevance),
            func.count(),
        )
        .join(Employee, Employee.id == SerawaiSpeakerRating.speaker_id)
        .where(SerawaiSpeakerRating.session_id.in_(list(titles)))
        .group_by(SerawaiSpeakerRating.session_id, Employee.id, Employee.name)
        .order_by(SerawaiSpeakerRating.session_id, Employee.name)
    )
    # six columns are past SQLAlchemy's typed rows: name the types once here
    typed = cast(list[tuple[int, str, float, float, float, int]], rows.all())
    return [
        SpeakerRatingFact(name, titles[sid], float(m), float(d), float(r), n)
        for sid, name, m, d, r, n in typed
    ]


def _host_ratings(
    session: Session, held: list[SerawaiSession], offices: dict[int, str]
) -> list[HostRatingFact]:
    titles = {s.id: s.title for s in held}
    scores: dict[tuple[int, int], list[int]] = defaultdict(list)
    notes: dict[tuple[int, int], list[str]] = defaultdict(list)
    for sid, office_id, score, comment in session.execute(
        select(
            SerawaiHostRating.session_id,
            SerawaiHostRating.office_id,
            SerawaiHostRating.score,
            SerawaiHostRating.comment,
        )
        .where(SerawaiHostRating.session_id.in_(list(titles)))
        .order_by(SerawaiHostRating.session_id, SerawaiHostRating.id)
    ):
        scores[(sid, office_id)].append(score)
        if comment.strip():
            notes[(sid, office_id)].append(comment.strip())
    out = []
    for (sid, office_id), given in scores.items():
        note = fmt.join_notes(notes[(sid, office_id)])
        out.append(
            HostRatingFact(
                offices[office_id], titles[sid], sum(given) / len(given), len(given), note
            )
        )
    return out
