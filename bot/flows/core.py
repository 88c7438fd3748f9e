"""Core conversations: choosing a language. (Menu, help and profile are plain commands.)"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput, ask, finish, retry
from bot.messages import Reply


class LanguageState(StrEnum):
    """The one question of the language flow."""

    CHOOSE = "choose"


class LanguageData(FlowData):
    """Nothing to keep."""


@dataclass(frozen=True)
class SetLanguage:
    """Domain command: store the employee's language."""

    language: str


def _prompt(ctx: Ctx, _data: LanguageData) -> list[Reply]:
    return [
        ask(
            ctx.t("core.language_prompt"),
            LanguageState.CHOOSE,
            [("id", "🇮🇩 Bahasa Indonesia"), ("en", "🇬🇧 English")],
        )
    ]


def _choose(ctx: Ctx, _data: LanguageData, given: UserInput) -> Step:
    if given.choice not in ("id", "en"):
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(SetLanguage(given.choice),))


LANGUAGE = Flow(
    name="bahasa",
    data_model=LanguageData,
    states={LanguageState.CHOOSE: State(_prompt, _choose)},
    start=LanguageState.CHOOSE,
)
