"""What the Pegasus conversations share: the lookup they read, and small input readers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from bot.calendar import WorkCalendar, to_wib
from bot.flows.base import Ctx, FlowData, PersonView, Step, UserInput, person_matches, retry
from bot.messages import Media, Reply, Text


class PreviewWeek(Protocol):
    """One week of a proposed roster."""

    week: int
    posting_day: date
    moved: bool
    names: tuple[str, ...]


class RosterPreview(Protocol):
    """A proposed roster and what stands in its way."""

    weeks: Sequence[PreviewWeek]
    short_weeks: Sequence[int]
    overlap_until: date | None
    pool_size: int
    first_day_passed: bool


class RosterLookup(Protocol):
    """What the roster conversations read."""

    def communities(self) -> list[tuple[str, int]]: ...
    def pool_size(self) -> int: ...
    def pool_lines(self) -> list[str]: ...
    def search_people(self, fragment: str) -> list[PersonView]: ...
    def search_pool(self, fragment: str) -> list[PersonView]: ...
    def next_free_monday(self, today: date) -> date: ...
    def preview(
        self,
        start: date,
        weeks: int,
        weekday: int,
        per_week: int,
        calendar: WorkCalendar,
        now_day: date,
    ) -> RosterPreview: ...
    def swap_candidates(self, duty_id: int, fragment: str) -> list[PersonView]: ...


def today(ctx: Ctx) -> date:
    """Today in WIB."""
    return to_wib(ctx.now).date()


def number(given: UserInput, low: int, high: int) -> int | None:
    """A number from a button or typed ("6" or "6 minggu"), within [low, high]."""
    words = (given.choice or given.text or "").split()
    if words and words[0].isdigit() and low <= int(words[0]) <= high:
        return int(words[0])
    return None


def person_prompt(ctx: Ctx, _d: FlowData) -> list[Reply]:
    """Ask for part of a colleague's name or NIP."""
    return [Text(ctx.t("pegasus.person_prompt"))]


def matches_of(ctx: Ctx, given: UserInput, pool_only: bool) -> list[tuple[int, str]] | Step:
    """The colleagues a typed name finds (as choices), or a retry saying none matched."""
    query = " ".join((given.text or "").split())
    lookup: RosterLookup = ctx.lookup
    found = (
        (lookup.search_pool(query) if pool_only else lookup.search_people(query)) if query else []
    )
    if not found:
        return retry(ctx.t("pegasus.person_none", query=query[:50]))
    return person_matches(found)


def image_of(given: UserInput) -> Media | None:
    """The first photo or image file among what was sent."""
    for media in given.media:
        if media.kind == "photo" or media.content_type.startswith("image/"):
            return media
    return None
