"""Minutes and photos of a Serawai session (step 9)."""

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
    ask,
    finish,
    retry,
)
from bot.messages import Media, Reply, Text

# -- minutes and photos (step 9) ------------------------------------------------------------


class MinutesState(StrEnum):
    """The one question of the minutes flow."""

    FILES = "files"


class SessionData(FlowData):
    """The session a flow is about."""

    session_id: int | None = None
    title: str = ""


@dataclass(frozen=True)
class StoreDocuments:
    """Domain command: keep files for a session (`kind` None: minutes or photo by file type)."""

    session_id: int
    media: tuple[Media, ...]
    kind: str | None = None


def _files_prompt(ctx: Ctx, d: SessionData) -> list[Reply]:
    text = ctx.t("serawai.minutes_prompt", title=d.title)
    return [ask(text, MinutesState.FILES, [("done", ctx.t("serawai.done_button"))])]


def _files(ctx: Ctx, d: SessionData, given: UserInput) -> Step:
    if given.choice == "done":
        return finish(Text(ctx.t("serawai.minutes_done")))
    if not given.media or d.session_id is None:
        return retry(ctx.t("serawai.minutes_prompt", title=d.title))
    command = StoreDocuments(d.session_id, given.media)
    return Step("", d, commands=(command,), prompt=False)


MINUTES_FLOW = Flow(
    name="serawai_notula",
    data_model=SessionData,
    states={MinutesState.FILES: State(_files_prompt, _files)},
    start=MinutesState.FILES,
)
