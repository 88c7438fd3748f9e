"""Proof of posting (SOP-330 step 5): Humas sends a screenshot or a link for each post
(`pegasus_bukti`, started by a service's button with the duty filled in)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.calendar import format_date
from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput, finish, retry
from bot.flows.pegasus.common import image_of
from bot.flows.pegasus.rules import HUMAS
from bot.messages import Reply, Text

URL = re.compile(r"https?://\S+", re.IGNORECASE)


class ProofState(StrEnum):
    """The one question of the proof flow."""

    EVIDENCE = "evidence"


class ProofData(FlowData):
    """Which post the proof is for."""

    duty_id: int
    platform: str  # wa | ig
    duty_date: date


@dataclass(frozen=True)
class RecordProof:
    """Domain command: keep a screenshot or a link as proof of one post."""

    duty_id: int
    platform: str
    media_path: str | None
    link: str | None


def _proof_prompt(ctx: Ctx, d: ProofData) -> list[Reply]:
    platform = ctx.t(f"pegasus.platform_{d.platform}")
    text = ctx.t(
        "pegasus.proof_prompt", platform=platform, date=format_date(d.duty_date, ctx.lang)
    )
    return [Text(text)]


def _proof(ctx: Ctx, d: ProofData, given: UserInput) -> Step:
    picture = image_of(given)
    if picture is not None:
        return finish(commands=(RecordProof(d.duty_id, d.platform, picture.path, None),))
    found = URL.search(given.text or "")
    if found:
        link = found.group(0)[:1000]
        return finish(commands=(RecordProof(d.duty_id, d.platform, None, link),))
    return retry(ctx.t("pegasus.proof_needed"))


PROOF_FLOW = Flow(
    name="pegasus_bukti",
    data_model=ProofData,
    states={ProofState.EVIDENCE: State(_proof_prompt, _proof)},
    start=ProofState.EVIDENCE,
    roles=HUMAS,
)
