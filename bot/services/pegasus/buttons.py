"""The Pegasus buttons, one class per kind, packed to the wire format they have always had.

Nothing in a pressed button is trusted: each handler reads the duty or swap again and checks
it against the presser and its status in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.buttons import Button
from bot.flows.pegasus.rules import Platform


@dataclass(frozen=True)
class SwapAnswer(Button, prefix="pgs"):
    """On a swap: the colleague accepts (`a`) or declines (`d`), the PJ approves (`ok`) or
    rejects (`no`): `pgs:<swap>:<answer>`."""

    swap_id: int
    answer: Literal["a", "d", "ok", "no"]


@dataclass(frozen=True)
class HandOver(Button, prefix="pgt"):
    """ "Can't make it? Hand it over": start swapping one's turn, `pgt:<duty>`."""

    duty_id: int


@dataclass(frozen=True)
class WriteQuote(Button, prefix="pgk"):
    """Write (or fix) the quote of one's turn, `pgk:<duty>`."""

    duty_id: int


@dataclass(frozen=True)
class Review(Button, prefix="pgr"):
    """A reviewer on a submitted poster: approve (`ok`), ask for changes (`fix`) or see it
    (`show`): `pgr:<duty>:<action>`."""

    duty_id: int
    action: Literal["ok", "fix", "show"]


@dataclass(frozen=True)
class SendProof(Button, prefix="pgb"):
    """Humas sends the proof of one post on one platform, `pgb:<duty>:<platform>`."""

    duty_id: int
    platform: Platform
