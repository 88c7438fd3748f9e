"""A Serawai session's committee (step 6), chosen by the host office's CA."""

from __future__ import annotations

from sqlalchemy import delete

from bot.flows.serawai.committee import COMMITTEE_FLOW, CommitteeData, SubmitCommittee
from bot.messages import Reply, Text
from bot.registry import Outcome
from bot.services import notices
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.buttons import CommitteeButton
from bot.services.serawai.common import (
    PROGRAM,
    ask_to_act,
    decision,
    may_host,
    session_ref,
    the_actor,
    when_text,
)
from bot.services.serawai.preparation import checklist, tell_province
from bot.services.serawai.sessions import hosted_session, pick_or_start, sessions_of
from storage.models import Employee
from storage.serawai import (
    CommitteeRole,
    SerawaiCommitteeMember,
    SerawaiSession,
    SessionStatus,
)

# -- step 6: committee ----------------------------------------------------------------------


def ask_committee(ctx: ServiceCtx, sesi: SerawaiSession) -> None:
    """Ask the host office's CAs for the committee."""
    ctx.step_started(PROGRAM, 6, session_ref(sesi.id), "1wd")
    for ca in ctx.holders("ca", sesi.host_office_id):
        text = ctx.t_for(
            ca, "serawai.committee_ask", title=sesi.title, when=when_text(ctx, ca, sesi.starts_at)
        )
        key = f"serawai:s{sesi.id}:committee-ask:{ca.id}"
        ask_to_act(ctx, ca, text, "serawai.committee_button", CommitteeButton(sesi.id).pack(), key)


def start_committee(ctx: ServiceCtx, session_id: int | None) -> Outcome:
    sesi = hosted_session(ctx, session_id)
    if sesi.status != SessionStatus.SCHEDULED:
        raise UserError(ctx.t("serawai.session_not_open"))
    data = CommitteeData(session_id=sesi.id, title=sesi.title)
    return Outcome(start_flow=COMMITTEE_FLOW.name, flow_data=data)


def submit_committee(ctx: ServiceCtx, cmd: SubmitCommittee) -> list[Reply]:
    sesi = hosted_session(ctx, cmd.session_id)
    if sesi.status != SessionStatus.SCHEDULED:
        raise UserError(ctx.t("serawai.session_not_open"))
    jobs: dict[str, list[int]] = {}
    for role, employee_id in cmd.members:
        jobs.setdefault(role, []).append(employee_id)
    single = (CommitteeRole.COORDINATOR, CommitteeRole.MODERATOR, CommitteeRole.MINUTE_TAKER)
    if any(len(jobs.get(r, [])) != 1 for r in single) or not jobs.get(CommitteeRole.SPEAKER):
        raise UserError(ctx.t("serawai.committee_incomplete"))
    people = {e: ctx.session.get(Employee, e) for ids in jobs.values() for e in ids}
    if any(p is None or not p.active for p in people.values()):
        raise UserError(ctx.t("core.stale_button"))
    ctx.session.execute(
        delete(SerawaiCommitteeMember).where(SerawaiCommitteeMember.session_id == sesi.id)
    )
    for role, ids in jobs.items():
        for employee_id in ids:
            ctx.session.add(
                SerawaiCommitteeMember(session_id=sesi.id, role=role, employee_id=employee_id)
            )
    first = sesi.committee_at is None
    sesi.committee_at = ctx.now
    ref = session_ref(sesi.id)
    ctx.step_done(PROGRAM, 6, ref)
    stamp = decision(ctx, "serawai_committee", ref, members=[list(m) for m in cmd.members])
    with notices.watch(ctx) as told:  # "every member was told" once they were
        for role, ids in jobs.items():
            for employee_id in ids:
                person = people[employee_id]
                assert person is not None
                text = ctx.t_for(
                    person,
                    f"serawai.you_are_{role}",
                    title=sesi.title,
                    when=when_text(ctx, person, sesi.starts_at),
                    place=sesi.place,
                )
                key = f"serawai:s{sesi.id}:job:{role}:{person.id}:{stamp}"
                ctx.notify(person, [Text(text)], key=key)
        told.says(
            the_actor(ctx).id,
            ctx.t("serawai.committee_about", title=sesi.title),
            ctx.t("serawai.committee_told", title=sesi.title),
        )
    if first:
        ctx.step_started(PROGRAM, 7, ref, "1wd")
        for ca in ctx.holders("ca", sesi.host_office_id):
            ctx.notify(ca, [checklist(ctx, ca, sesi)], key=f"serawai:s{sesi.id}:prep-ask:{ca.id}")
    tell_province(ctx, sesi, "serawai.province_committee", stamp)
    return [Text(ctx.t("serawai.committee_saved", title=sesi.title))]


def committee_command(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = the_actor(ctx)
    mine = [s for s in sessions_of(ctx, SessionStatus.SCHEDULED) if may_host(actor, s)]
    return pick_or_start(ctx, mine, CommitteeButton, start_committee, "serawai.no_hosted_session")
