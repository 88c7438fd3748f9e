"""Pegasus duties as the quarterly report's facts (SOP-330 step 6 reads these)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import to_wib
from bot.reports.facts import DutyFact, Period
from storage.models import Employee
from storage.pegasus import Duty, DutyStatus, Proof, Swap, SwapStatus


def _status(duty: Duty, today: date) -> str:
    """on_time, late, missed or scheduled, as the report counts them."""
    if duty.posted_at is not None:
        return "on_time" if to_wib(duty.posted_at).date() <= duty.posting_date else "late"
    if duty.status == DutyStatus.MISSED or duty.posting_date < today:
        return "missed"
    return "scheduled"


def duty_facts(session: Session, period: Period, today: date) -> list[DutyFact]:
    """Every duty whose posting day falls in `period`, with its poster and proof."""
    duties = list(
        session.scalars(
            select(Duty)
            .where(Duty.posting_date >= period.start, Duty.posting_date <= period.end)
            .order_by(Duty.posting_date, Duty.seat)
        )
    )
    ids = [d.id for d in duties]
    proofs: dict[int, dict[str, Proof]] = {}
    for proof in session.scalars(select(Proof).where(Proof.duty_id.in_(ids))):
        proofs.setdefault(proof.duty_id, {})[proof.platform] = proof
    swapped: dict[int, str] = {}
    approved = session.execute(
        select(Swap.duty_id, Employee.name)
        .join(Employee, Employee.id == Swap.from_employee_id)
        .where(Swap.duty_id.in_(ids), Swap.status == SwapStatus.APPROVED)
        .order_by(Swap.id)
    )
    for duty_id, name in approved:
        swapped.setdefault(duty_id, name)  # the first holder: who the roster named
    facts = []
    for duty in duties:
        found = proofs.get(duty.id, {}).values()
        facts.append(
            DutyFact(
                week=duty.week,
                duty_date=duty.posting_date,
                person=duty.employee.name,
                office=duty.employee.office.name,
                status=_status(duty, today),
                swapped_from=swapped.get(duty.id),
                poster_path=duty.poster_path,
                proof_url=next((p.link for p in found if p.link), None),
                proof_path=next((p.media_path for p in found if p.media_path), None),
                posted_at=duty.posted_at,
            )
        )
    return facts
