"""Admin conversations: granting and revoking roles, adding holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from bot.calendar import format_date
from bot.dateparse import parse_date
from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    PersonView,
    State,
    Step,
    UserInput,
    ask,
    confirm_answer,
    confirm_question,
    goto,
    person_matches,
    picked_person,
    retry,
)
from bot.messages import Reply, Text

ROLES = ("admin", "can", "ca", "cc", "et_lead", "et_member", "pj_pegasus", "humas")


class OfficeView(Protocol):
    """An office."""

    id: int
    code: str
    name: str


class AdminLookup(Protocol):
    """What the admin flows read."""

    def search(self, fragment: str) -> list[PersonView]: ...
    def offices(self) -> list[OfficeView]: ...
    def holiday(self, day: date) -> str | None: ...


# -- roles ------------------------------------------------------------------------------


class RoleState(StrEnum):
    """Questions of the role flow."""

    ACTION = "action"
    PERSON = "person"
    PICK = "pick"
    ROLE = "role"
    OFFICE = "office"
    CONFIRM = "confirm"


class RoleData(FlowData):
    """What the admin has chosen so far."""

    grant: bool = True
    query: str = ""
    matches: list[tuple[int, str]] = []
    employee_id: int | None = None
    employee_name: str = ""
    role: str = ""
    office_id: int | None = None
    office_name: str = ""


@dataclass(frozen=True)
class ChangeRole:
    """Domain command: grant or revoke one role."""

    employee_id: int
    role: str
    grant: bool
    office_id: int | None


def _action_prompt(ctx: Ctx, _d: RoleData) -> list[Reply]:
    return [
        ask(
            ctx.t("admin.action_prompt"),
            RoleState.ACTION,
            [("grant", ctx.t("admin.action_grant")), ("revoke", ctx.t("admin.action_revoke"))],
        )
    ]


def _action(ctx: Ctx, d: RoleData, given: UserInput) -> Step:
    if given.choice not in ("grant", "revoke"):
        return retry(ctx.t("core.choose_from_buttons"))
    return goto(RoleState.PERSON, d.model_copy(update={"grant": given.choice == "grant"}))


def _person_prompt(ctx: Ctx, _d: RoleData) -> list[Reply]:
    return [Text(ctx.t("admin.person_prompt"))]


def _person(ctx: Ctx, d: RoleData, given: UserInput) -> Step:
    query = (given.text or "").strip()
    if not query:
        return retry(ctx.t("admin.person_prompt"))
    lookup: AdminLookup = ctx.lookup
    found = lookup.search(query)
    if not found:
        return retry(ctx.t("admin.person_none", query=query[:50]))
    matches = person_matches(found)
    return goto(RoleState.PICK, d.model_copy(update={"query": query, "matches": matches}))


def _pick_prompt(ctx: Ctx, d: RoleData) -> list[Reply]:
    return [ask(ctx.t("admin.person_pick"), RoleState.PICK, list(d.matches))]


def _pick(ctx: Ctx, d: RoleData, given: UserInput) -> Step:
    chosen = picked_person(d.matches, given)
    if chosen is None:
        return retry(ctx.t("core.choose_from_buttons"))
    employee_id, name = chosen
    return goto(
        RoleState.ROLE, d.model_copy(update={"employee_id": employee_id, "employee_name": name})
    )


def _role_prompt(ctx: Ctx, d: RoleData) -> list[Reply]:
    options: list[tuple[object, str]] = [(r, ctx.t(f"core.role_{r}")) for r in ROLES]
    return [ask(ctx.t("admin.role_prompt", name=d.employee_name), RoleState.ROLE, options)]


def _role(ctx: Ctx, d: RoleData, given: UserInput) -> Step:
    if given.choice not in ROLES:
        return retry(ctx.t("core.choose_from_buttons"))
    data = d.model_copy(update={"role": given.choice})
    if given.choice == "ca" and d.grant:
        return goto(RoleState.OFFICE, data)
    return goto(RoleState.CONFIRM, data)


def _office_prompt(ctx: Ctx, _d: RoleData) -> list[Reply]:
    lookup: AdminLookup = ctx.lookup
    options: list[tuple[object, str]] = [(o.id, f"{o.code} {o.name}") for o in lookup.offices()]
    return [ask(ctx.t("admin.office_prompt"), RoleState.OFFICE, options)]


def _office(ctx: Ctx, d: RoleData, given: UserInput) -> Step:
    lookup: AdminLookup = ctx.lookup
    match = [o for o in lookup.offices() if str(o.id) == given.choice]
    if not match:
        return retry(ctx.t("core.choose_from_buttons"))
    return goto(
        RoleState.CONFIRM,
        d.model_copy(update={"office_id": match[0].id, "office_name": match[0].name}),
    )


def _confirm_prompt(ctx: Ctx, d: RoleData) -> list[Reply]:
    role = ctx.t(f"core.role_{d.role}")
    if d.grant:
        office = f" ({d.office_name})" if d.office_name else ""
        text = ctx.t("admin.confirm_grant", role=role, office=office, name=d.employee_name)
    else:
        text = ctx.t("admin.confirm_revoke", role=role, name=d.employee_name)
    return [confirm_question(ctx, text, RoleState.CONFIRM)]


def _confirm(ctx: Ctx, d: RoleData, given: UserInput) -> Step:
    command = (
        None if d.employee_id is None else ChangeRole(d.employee_id, d.role, d.grant, d.office_id)
    )
    return confirm_answer(ctx, given, command)


ROLE_FLOW = Flow(
    name="peran",
    data_model=RoleData,
    states={
        RoleState.ACTION: State(_action_prompt, _action),
        RoleState.PERSON: State(_person_prompt, _person),
        RoleState.PICK: State(_pick_prompt, _pick),
        RoleState.ROLE: State(_role_prompt, _role),
        RoleState.OFFICE: State(_office_prompt, _office),
        RoleState.CONFIRM: State(_confirm_prompt, _confirm),
    },
    start=RoleState.ACTION,
    roles=frozenset({"admin"}),
)


# -- holidays ---------------------------------------------------------------------------


class HolidayState(StrEnum):
    """Questions of the holiday flow."""

    DATE = "date"
    NAME = "name"
    CONFIRM = "confirm"


class HolidayData(FlowData):
    """The holiday being added."""

    day: date | None = None
    name: str = ""


@dataclass(frozen=True)
class AddHoliday:
    """Domain command: make a date non-working."""

    day: date
    name: str


def _date_prompt(ctx: Ctx, _d: HolidayData) -> list[Reply]:
    return [Text(ctx.t("admin.holiday_date_prompt"))]


def _date(ctx: Ctx, d: HolidayData, given: UserInput) -> Step:
    day = parse_date(given.text or "", ctx.now.date())
    if day is None:
        return retry(ctx.t("admin.holiday_date_bad"))
    lookup: AdminLookup = ctx.lookup
    existing = lookup.holiday(day)
    if existing:
        return retry(ctx.t("admin.holiday_exists", date=format_date(day, ctx.lang), name=existing))
    return goto(HolidayState.NAME, d.model_copy(update={"day": day}))


def _name_prompt(ctx: Ctx, d: HolidayData) -> list[Reply]:
    assert d.day is not None
    return [Text(ctx.t("admin.holiday_name_prompt", date=format_date(d.day, ctx.lang)))]


def _name(ctx: Ctx, d: HolidayData, given: UserInput) -> Step:
    name = " ".join((given.text or "").split())[:200]
    if not name:
        return retry(ctx.t("admin.holiday_name_prompt", date=format_date(d.day or ctx.now.date())))
    return goto(HolidayState.CONFIRM, d.model_copy(update={"name": name}))


def _holiday_confirm_prompt(ctx: Ctx, d: HolidayData) -> list[Reply]:
    assert d.day is not None
    text = ctx.t("admin.holiday_confirm", date=format_date(d.day, ctx.lang), name=d.name)
    return [confirm_question(ctx, text, HolidayState.CONFIRM)]


def _holiday_confirm(ctx: Ctx, d: HolidayData, given: UserInput) -> Step:
    command = None if d.day is None else AddHoliday(d.day, d.name)
    return confirm_answer(ctx, given, command)


HOLIDAY_FLOW = Flow(
    name="libur",
    data_model=HolidayData,
    states={
        HolidayState.DATE: State(_date_prompt, _date),
        HolidayState.NAME: State(_name_prompt, _name),
        HolidayState.CONFIRM: State(_holiday_confirm_prompt, _holiday_confirm),
    },
    start=HolidayState.DATE,
    roles=frozenset({"admin"}),
)
