"""Core and admin services: help, profile, language, roles, holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.calendar import format_date
from bot.flows import admin as admin_flows
from bot.flows import core as core_flows
from bot.messages import Reply, Text
from bot.registry import Command, Outcome, Registry
from bot.services import directory
from bot.services.command_menu import allowed, refresh_menu
from bot.services.context import ServiceCtx, UserError
from storage.models import Employee, ExtraHoliday


@dataclass(frozen=True)
class OfficeRow:
    """An office, for choices."""

    id: int
    code: str
    name: str


class AdminLookup:
    """Read-only queries for the admin flows."""

    def __init__(self, session: Session, calendar: Any = None) -> None:
        self.session = session
        self.calendar = calendar

    def search(self, fragment: str) -> list[directory.Person]:
        """Colleagues by part of their name or NIP."""
        return directory.search_people(self.session, fragment)

    def offices(self) -> list[OfficeRow]:
        """Every office."""
        return [OfficeRow(o.id, o.code, o.name) for o in directory.offices(self.session)]

    def holiday(self, day: date) -> str | None:
        """The holiday's name when the date is already one."""
        extra = self.session.get(ExtraHoliday, day)
        if extra is not None:
            return extra.name
        from bot.calendar import WorkCalendar

        return WorkCalendar().holiday_name(day)


def _help(ctx: ServiceCtx, _args: str) -> Outcome:
    assert ctx.actor is not None
    roles = ctx.actor.roles
    lines = [
        f"/{c.name} — {ctx.t(c.description_key)}" for c in allowed(ctx.commands.values(), roles)
    ]
    return Outcome([Text(ctx.t("core.help", commands="\n".join(lines)))])


def _profile(ctx: ServiceCtx, _args: str) -> Outcome:
    assert ctx.actor is not None
    actor = ctx.actor
    roles = ", ".join(ctx.t(f"core.role_{r}") for r in sorted(actor.roles)) or ctx.t(
        "core.no_roles"
    )
    text = ctx.t(
        "core.profile",
        name=actor.name,
        nip=actor.nip,
        office=f"{actor.office_code} {actor.office_name}",
        roles=roles,
        language="Bahasa Indonesia" if actor.language == "id" else "English",
    )
    return Outcome([Text(text)])


def _set_language(ctx: ServiceCtx, cmd: core_flows.SetLanguage) -> list[Reply]:
    assert ctx.actor is not None
    employee = ctx.employee(ctx.actor.id)
    employee.language = cmd.language
    refresh_menu(ctx, employee, ctx.actor.roles)  # read with the sender, this transaction
    return [Text(ctx.catalog.t("core.language_set", cmd.language))]


def _change_role(ctx: ServiceCtx, cmd: admin_flows.ChangeRole) -> list[Reply]:
    assert ctx.actor is not None
    if "admin" not in ctx.actor.roles:
        raise UserError(ctx.t("core.not_allowed"))
    employee = ctx.session.get(Employee, cmd.employee_id)
    if employee is None:
        raise UserError(ctx.t("core.stale_button"))
    role = ctx.t(f"core.role_{cmd.role}")
    if cmd.grant:
        if not directory.grant(
            ctx.session, employee.id, cmd.role, cmd.office_id, ctx.actor.id, ctx.now
        ):
            return [Text(ctx.t("admin.already", name=employee.name, role=role))]
        ctx.audit("grant_role", employee.nip, role=cmd.role, office_id=cmd.office_id)
        refresh_menu(ctx, employee)
        ctx.notify(
            employee,
            [
                Text(
                    ctx.t_for(
                        employee,
                        "admin.you_granted",
                        role=ctx.t_for(employee, f"core.role_{cmd.role}"),
                    )
                )
            ],
        )
        return [Text(ctx.t("admin.granted", name=employee.name, role=role))]
    if not directory.revoke(ctx.session, employee.id, cmd.role, ctx.now):
        return [Text(ctx.t("admin.not_held", name=employee.name, role=role))]
    ctx.audit("revoke_role", employee.nip, role=cmd.role)
    refresh_menu(ctx, employee)
    return [Text(ctx.t("admin.revoked", name=employee.name, role=role))]


def _add_holiday(ctx: ServiceCtx, cmd: admin_flows.AddHoliday) -> list[Reply]:
    assert ctx.actor is not None
    if ctx.session.get(ExtraHoliday, cmd.day) is not None:
        raise UserError(ctx.t("admin.holiday_exists", date=format_date(cmd.day), name=cmd.name))
    ctx.session.add(ExtraHoliday(day=cmd.day, name=cmd.name, added_by_id=ctx.actor.id))
    ctx.audit("add_holiday", cmd.day.isoformat(), name=cmd.name)
    live = ctx.env.live_calendar
    # The calendar is shared by every request: refresh it only once the change is committed.
    event.listen(ctx.session, "after_commit", lambda _s: live.reload(), once=True)
    return [
        Text(
            ctx.t(
                "admin.holiday_added", date=format_date(cmd.day, ctx.actor.language), name=cmd.name
            )
        )
    ]


def employee_by_nip(session: Session, nip: str) -> Employee | None:
    """An employee by NIP."""
    return session.scalar(select(Employee).where(Employee.nip == nip))


def register(reg: Registry) -> None:
    """Core commands, flows and handlers."""
    admin_only = frozenset({"admin"})
    admin_flows.ROLE_FLOW.lookup = AdminLookup
    admin_flows.HOLIDAY_FLOW.lookup = AdminLookup
    reg.flow(core_flows.LANGUAGE)
    reg.flow(admin_flows.ROLE_FLOW)
    reg.flow(admin_flows.HOLIDAY_FLOW)
    reg.command(Command("bahasa", "core.cmd_bahasa", flow="bahasa", order=90), "language")
    reg.command(Command("profil", "core.cmd_profil", handler=_profile, order=91), "profile")
    reg.command(Command("bantuan", "core.cmd_bantuan", handler=_help, order=99), "help")
    reg.command(Command("peran", "admin.cmd_peran", roles=admin_only, flow="peran", order=80))
    reg.command(Command("libur", "admin.cmd_libur", roles=admin_only, flow="libur", order=81))
    reg.handles(core_flows.SetLanguage, _set_language)
    reg.handles(admin_flows.ChangeRole, _change_role)
    reg.handles(admin_flows.AddHoliday, _add_holiday)
