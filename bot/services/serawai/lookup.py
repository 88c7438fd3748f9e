"""The read-only lookup all Serawai flows read through."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.serawai.common import (
    BestView,
    OfficeItem,
    PersonItem,
    ReportView,
    SessionItem,
    TieItem,
    TieView,
)
from bot.flows.serawai.proposals import ProposalItem, ProposalWindow
from bot.flows.serawai.rules import rank_themes
from bot.services import directory
from bot.services.serawai.ratings import best_of, sessions_to_rate
from bot.services.serawai.reports import report_view
from bot.services.serawai.rounds import (
    active_proposals,
    latest_round,
    offices_by_id,
    open_round,
    round_sessions,
)
from bot.services.serawai.voting import tally
from storage.serawai import (
    RoundStatus,
    SerawaiProposal,
    SerawaiRound,
    SerawaiSession,
    SessionStatus,
)

# -- the lookup all Serawai flows read through ----------------------------------------------


class SerawaiLookup:
    """Read-only queries for the Serawai flows (plain values out, never rows)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def open_round_name(self) -> str | None:
        """The name of a round still open, if any."""
        rnd = open_round(self.session)
        return rnd.name if rnd else None

    def offices(self) -> list[OfficeItem]:
        """Every office."""
        return [OfficeItem(o.id, o.code, o.name) for o in directory.offices(self.session)]

    def _session_items(self, sessions: list[SerawaiSession]) -> list[SessionItem]:
        offices = offices_by_id(self.session)
        items = []
        for sesi in sessions:
            proposal = self.session.get(SerawaiProposal, sesi.proposal_id)
            office_id = proposal.office_id if proposal else sesi.host_office_id
            items.append(
                SessionItem(
                    sesi.id, sesi.title, office_id, offices[office_id].name, sesi.starts_at
                )
            )
        return items

    def sessions_to_schedule(self) -> list[SessionItem]:
        """Sessions of the decided round that may still be (re)scheduled."""
        rnd = latest_round(self.session)
        if rnd is None or rnd.status not in (RoundStatus.DECIDED, RoundStatus.SCHEDULED):
            return []
        sessions = [
            s for s in round_sessions(self.session, rnd.id) if s.status != SessionStatus.HELD
        ]
        return self._session_items(sessions)

    def tie(self) -> TieView | None:
        """The tie CAN must break, if any."""
        rnd = self.session.scalar(
            select(SerawaiRound).where(SerawaiRound.status == RoundStatus.TIE)
        )
        if rnd is None:
            return None
        outcome = rank_themes(tally(self.session, rnd), rnd.themes_to_select)
        proposals = {p.id: p for p in active_proposals(self.session, rnd.id)}
        offices = offices_by_id(self.session)
        candidates = [
            TieItem(
                c.proposal_id, c.title, offices[proposals[c.proposal_id].office_id].name, c.votes
            )
            for c in outcome.tied
        ]
        return TieView(rnd.id, rnd.name, candidates, outcome.open_slots)

    def sessions_to_rate(self, rater_id: int) -> list[SessionItem]:
        """Held sessions whose host this CAN member has not rated yet."""
        return self._session_items(sessions_to_rate(self.session, rater_id))

    def best(self, start: date, end: date) -> BestView:
        """Best speakers and hosts of the period."""
        return best_of(self.session, start, end)

    def proposal_window(self) -> ProposalWindow | None:
        """The round taking proposals."""
        rnd = open_round(self.session)
        if rnd is None or rnd.status != RoundStatus.PROPOSALS:
            return None
        return ProposalWindow(rnd.id, rnd.name, rnd.proposal_closes_at, rnd.proposals_per_office)

    def office_proposals(self, round_id: int, office_id: int) -> list[ProposalItem]:
        """An office's standing proposals."""
        return [
            ProposalItem(p.id, p.title, p.summary, p.speaker)
            for p in active_proposals(self.session, round_id)
            if p.office_id == office_id
        ]

    def search(self, fragment: str) -> list[PersonItem]:
        """Colleagues by part of their name."""
        return [
            PersonItem(p.id, p.name, p.office_name)
            for p in directory.search_people(self.session, fragment)
        ]

    def report(self, session_id: int) -> ReportView:
        """A session report's checklist."""
        return report_view(self.session, session_id)
