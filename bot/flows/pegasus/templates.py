"""`/desain` (PJ, SOP-330 step 2): choose the active poster template, or make a variant from a
new background (`pegasus_desain`, started by a service with the templates filled in)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput, ask, finish, goto, retry
from bot.flows.pegasus.common import image_of
from bot.flows.pegasus.rules import PJ
from bot.messages import Reply, Text

TEMPLATE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


class TemplateState(StrEnum):
    """Questions of the template flow."""

    ACTION = "action"
    CHOOSE = "choose"
    BASE = "base"
    NAME = "name"
    IMAGE = "image"
    ACTIVATE = "activate"


class TemplateData(FlowData):
    """The templates there are, and the variant being made."""

    templates: list[tuple[str, str]]  # (name, title)
    active: str
    base: str = ""
    name: str = ""
    started_at: datetime | None = None


@dataclass(frozen=True)
class SetTemplate:
    """Domain command: make a template the one new posters use."""

    name: str


@dataclass(frozen=True)
class MakeVariant:
    """Domain command: a new template from `base`'s layout and an uploaded background."""

    base: str
    image_path: str
    name: str
    started_at: datetime


def _title(d: TemplateData, name: str) -> str:
    return dict(d.templates).get(name, name)


def _template_action_prompt(ctx: Ctx, d: TemplateData) -> list[Reply]:
    options: list[tuple[object, str]] = [
        ("choose", ctx.t("pegasus.template_choose")),
        ("upload", ctx.t("pegasus.template_upload")),
    ]
    text = ctx.t("pegasus.template_prompt", title=_title(d, d.active), count=len(d.templates))
    return [ask(text, TemplateState.ACTION, options)]


def _template_action(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    if given.choice == "choose":
        return goto(TemplateState.CHOOSE, d)
    if given.choice == "upload":
        return goto(TemplateState.BASE, d.model_copy(update={"started_at": ctx.now}))
    return retry(ctx.t("core.choose_from_buttons"))


def _template_options(d: TemplateData, mark_active: bool) -> list[tuple[object, str]]:
    return [
        (name, f"{title} ✓" if mark_active and name == d.active else title)
        for name, title in d.templates
    ]


def _choose_prompt(ctx: Ctx, d: TemplateData) -> list[Reply]:
    return [
        ask(
            ctx.t("pegasus.template_choose_prompt"),
            TemplateState.CHOOSE,
            _template_options(d, True),
        )
    ]


def _choose(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    if given.choice not in dict(d.templates):
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(SetTemplate(given.choice),))


def _base_prompt(ctx: Ctx, d: TemplateData) -> list[Reply]:
    return [
        ask(ctx.t("pegasus.template_base_prompt"), TemplateState.BASE, _template_options(d, False))
    ]


def _base(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    if given.choice not in dict(d.templates):
        return retry(ctx.t("core.choose_from_buttons"))
    return goto(TemplateState.NAME, d.model_copy(update={"base": given.choice}))


def _suggested_name(d: TemplateData) -> str:
    taken = dict(d.templates)
    stem = d.base[:36].rstrip("-")
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def _name_prompt(ctx: Ctx, d: TemplateData) -> list[Reply]:
    suggestion = _suggested_name(d)
    return [
        ask(ctx.t("pegasus.template_name_prompt"), TemplateState.NAME, [(suggestion, suggestion)])
    ]


def _name(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    raw = given.choice if given.choice is not None else (given.text or "")
    name = "-".join(raw.strip().casefold().split())
    if not TEMPLATE_NAME.match(name):
        return retry(ctx.t("pegasus.template_name_bad"))
    if name in dict(d.templates):
        return retry(ctx.t("pegasus.template_name_taken", name=name))
    return goto(TemplateState.IMAGE, d.model_copy(update={"name": name}))


def _image_prompt(ctx: Ctx, _d: TemplateData) -> list[Reply]:
    return [Text(ctx.t("pegasus.template_image_prompt"))]


def _template_image(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    picture = image_of(given)
    if picture is None:
        return retry(ctx.t("pegasus.template_image_needed"))
    made = MakeVariant(d.base, picture.path, d.name, d.started_at or ctx.now)
    return goto(TemplateState.ACTIVATE, d, commands=(made,))


def _activate_prompt(ctx: Ctx, d: TemplateData) -> list[Reply]:
    options: list[tuple[object, str]] = [
        ("yes", ctx.t("pegasus.template_activate_yes")),
        ("no", ctx.t("pegasus.template_activate_no")),
    ]
    return [
        ask(
            ctx.t("pegasus.template_activate_prompt", name=d.name), TemplateState.ACTIVATE, options
        )
    ]


def _activate(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    if given.choice == "yes":
        return finish(commands=(SetTemplate(d.name),))
    if given.choice == "no":
        return finish(Text(ctx.t("pegasus.template_kept", name=d.name)))
    return retry(ctx.t("core.choose_from_buttons"))


TEMPLATE_FLOW = Flow(
    name="pegasus_desain",
    data_model=TemplateData,
    states={
        TemplateState.ACTION: State(_template_action_prompt, _template_action),
        TemplateState.CHOOSE: State(_choose_prompt, _choose),
        TemplateState.BASE: State(_base_prompt, _base),
        TemplateState.NAME: State(_name_prompt, _name),
        TemplateState.IMAGE: State(_image_prompt, _template_image),
        TemplateState.ACTIVATE: State(_activate_prompt, _activate, back=False),
    },
    start=TemplateState.ACTION,
    roles=PJ,
)
