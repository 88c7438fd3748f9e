"""A code typed after a menu button: check-in (step 9) and certificate verification."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    State,
    Step,
    UserInput,
    finish,
    retry,
)
from bot.flows.serawai.common import one_line
from bot.flows.serawai.rules import CODE_MAX
from bot.messages import Reply, Text

# -- a code typed after a menu button: check-in (step 9) and certificate verification -------


class CodeState(StrEnum):
    """The one question of the code flows."""

    CODE = "code"


class CodeData(FlowData):
    """Nothing to keep."""


@dataclass(frozen=True)
class CheckIn:
    """Domain command: the actor checks in with the code on screen."""

    code: str


@dataclass(frozen=True)
class Verify:
    """Domain command: tell the actor whether a certificate code is valid."""

    code: str


def _code_flow(
    name: str, prompt_key: str, command: type[CheckIn] | type[Verify]
) -> Flow[CodeData]:
    def prompt(ctx: Ctx, _d: CodeData) -> list[Reply]:
        return [Text(ctx.t(prompt_key))]

    def handle(ctx: Ctx, _d: CodeData, given: UserInput) -> Step:
        code = one_line(given.text, CODE_MAX)
        if code is None:
            return retry(ctx.t(prompt_key))
        return finish(commands=(command(code),))

    return Flow(name, CodeData, {CodeState.CODE: State(prompt, handle)}, CodeState.CODE)


CHECKIN_FLOW = _code_flow("serawai_hadir", "serawai.checkin_prompt", CheckIn)
VERIFY_FLOW = _code_flow("serawai_verifikasi", "serawai.verify_prompt", Verify)
