"""What the Serawai flows share: parsing a short answer or a pick, and the views the
lookups hand them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.flows.base import (
    UserInput,
)
from bot.i18n import Translator


def one_line(text: str | None, limit: int) -> str | None:
    """The typed text with spaces collapsed, or None when empty or longer than `limit`."""
    cleaned = " ".join((text or "").split())
    return cleaned if cleaned and len(cleaned) <= limit else None


def chosen_id(given: UserInput, ids: list[int]) -> int | None:
    """The pressed option's id when it is one of `ids`."""
    return next((i for i in ids if str(i) == given.choice), None)


@dataclass(frozen=True)
class Item:
    """Something to choose from a list: a session, a round, an office."""

    id: int
    label: str


# -- views and lookup -----------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeItem:
    """An office to host a session."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class SessionItem:
    """A selected theme as CAN sees it when scheduling or rating."""

    id: int
    title: str
    proposing_office_id: int
    proposing_office_name: str
    starts_at: datetime | None


@dataclass(frozen=True)
class TieItem:
    """A theme in a tie only CAN can break."""

    proposal_id: int
    title: str
    office_name: str
    votes: int


@dataclass(frozen=True)
class TieView:
    """The round waiting for CAN's decision: the tied themes and how many of them go through."""

    round_id: int
    round_name: str
    candidates: list[TieItem]
    slots: int


@dataclass(frozen=True)
class BestLine:
    """One ranked speaker or office in the best-of answer."""

    name: str
    score: float
    ratings: int


@dataclass(frozen=True)
class BestView:
    """Best speakers and host offices of a period, already ranked (eligible ones only)."""

    speakers: list[BestLine]
    hosts: list[BestLine]
    min_speaker_ratings: int
    min_host_ratings: int


class SerawaiCanLookup(Protocol):
    """What the CAN flows read."""

    def open_round_name(self) -> str | None: ...
    def offices(self) -> list[OfficeItem]: ...
    def sessions_to_schedule(self) -> list[SessionItem]: ...
    def tie(self) -> TieView | None: ...
    def sessions_to_rate(self, rater_id: int) -> list[SessionItem]: ...
    def best(self, start: date, end: date) -> BestView: ...


@dataclass(frozen=True)
class PersonItem:
    """A colleague found by part of their name."""

    id: int
    name: str
    office_name: str


@dataclass(frozen=True)
class ReportItem:
    """One line of the report's completeness checklist."""

    key: str  # invitation | speech | attendance | documentation | minutes | feedback
    done: bool


@dataclass(frozen=True)
class ReportView:
    """A session report as its host sees it."""

    items: list[ReportItem]
    status: str
    note: str
    has_document: bool


class SessionLookup(Protocol):
    """What the session flows read."""

    def search(self, fragment: str) -> list[PersonItem]: ...
    def report(self, session_id: int) -> ReportView: ...


def report_checklist(t: Translator, view: ReportView) -> str:
    """The completeness checklist, one line per item, and what is missing."""
    lines = "\n".join(
        ("✅ " if item.done else "⬜ ") + t(f"serawai.report_item_{item.key}")
        for item in view.items
    )
    missing = [t(f"serawai.report_item_{i.key}") for i in view.items if not i.done]
    tail = (
        t("serawai.report_missing", items=", ".join(missing))
        if missing
        else t("serawai.report_complete")
    )
    return f"{lines}\n{tail}"
