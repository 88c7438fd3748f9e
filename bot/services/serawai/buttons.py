"""Serawai's buttons, one class per kind, all under the `srw` prefix (`srw:<verb>:<ids>`).

Each packs to the wire format Serawai has always written, so buttons already in people's
chats keep working. Nothing in a button is trusted: every handler re-reads the round, the
proposal or the session and checks the presser's right to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.buttons import Button

PREFIX = "srw"


@dataclass(frozen=True)
class VoteButton(Button, prefix=PREFIX, verb="v"):
    """A theme on the ballot: choose it (or, with up to K choices, toggle it)."""

    round_id: int
    proposal_id: int


@dataclass(frozen=True)
class ProposeForButton(Button, prefix=PREFIX, verb="u"):
    """Propose a theme for one of the offices the CA serves."""

    office_id: int


@dataclass(frozen=True)
class CommitteeButton(Button, prefix=PREFIX, verb="k"):
    """Pick a session's committee."""

    session_id: int


@dataclass(frozen=True)
class PrepButton(Button, prefix=PREFIX, verb="p"):
    """Tick or untick one item of a session's preparation checklist."""

    session_id: int
    item: str  # one of rules.PREP_ITEMS, checked by the handler


@dataclass(frozen=True)
class RateButton(Button, prefix=PREFIX, verb="n"):
    """Rate a session's speakers."""

    session_id: int


@dataclass(frozen=True)
class MinutesButton(Button, prefix=PREFIX, verb="m"):
    """Upload a session's minutes and photos."""

    session_id: int


@dataclass(frozen=True)
class ReportButton(Button, prefix=PREFIX, verb="l"):
    """Review and submit a session's report."""

    session_id: int


@dataclass(frozen=True)
class ReportDecisionButton(Button, prefix=PREFIX, verb="r"):
    """The CC approves (`ok`) or returns (`back`) a submitted report."""

    session_id: int
    decision: str  # ok | back, checked by the handler


SessionButton = CommitteeButton | RateButton | MinutesButton | ReportButton
