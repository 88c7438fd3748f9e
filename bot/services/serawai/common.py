"""What the Serawai services share: the program code, rights, broadcasts and their delivery."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, select, update

from bot.calendar import format_datetime
from bot.flows.base import Actor
from bot.flows.serawai.rules import PROVINCE_CODE
from bot.messages import Choices, Option, Reply
from bot.services.context import ServiceCtx, UserError
from storage.models import AuditEntry, Employee, Lane, Office, OutboxMessage, OutboxStatus
from storage.serawai import SerawaiRound, SerawaiSession

PROGRAM = "sop098"


def round_ref(round_id: int) -> str:
    """The step-record reference of a round."""
    return f"round:{round_id}"


def session_ref(session_id: int) -> str:
    """The step-record reference of a session."""
    return f"session:{session_id}"


def move(
    ctx: ServiceCtx,
    row: SerawaiRound | SerawaiSession,
    condition: ColumnElement[bool],
    **values: object,
) -> bool:
    """Change a round or session only while `condition` holds (a conditional UPDATE, so a
    second scheduler, a double press or a racing writer cannot apply it twice); True when done.
    """
    model = type(row)
    result = ctx.session.execute(
        update(model).where(model.id == row.id, condition).values(**values)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    ctx.session.refresh(row)
    return True


def decision(ctx: ServiceCtx, action: str, subject: str, **detail: object) -> int:
    """Audit a decision now; its entry's id names the notices it causes (`...:<id>:...`),
    so a decision repeated within the same second still reaches everyone."""
    entry = AuditEntry(
        at=ctx.now,
        actor_id=ctx.actor.id if ctx.actor else None,
        action=action,
        subject=subject,
        detail=detail,
    )
    ctx.session.add(entry)
    ctx.session.flush()
    return entry.id


def ask_to_act(
    ctx: ServiceCtx,
    person: Employee,
    text: str,
    button_key: str,
    payload: str,
    key: str,
    kind: str = "notification",
) -> None:
    """A message with the one button that starts what it asks for, in the person's language."""
    button = Option(ctx.t_for(person, button_key), payload)
    ctx.notify(person, [Choices(text, (button,))], kind=kind, key=key)


def active_employees(ctx: ServiceCtx) -> list[Employee]:
    """Everyone the bot may reach, in a stable order."""
    return list(ctx.session.scalars(select(Employee).where(Employee.active).order_by(Employee.id)))


def broadcast(
    ctx: ServiceCtx,
    key: str,
    replies: Callable[[str], Sequence[Reply]],
    people: list[Employee] | None = None,
    kind: str = "broadcast",
) -> int:
    """Queue one idempotent message set per person (`key:<employee id>`), worded once per
    language."""
    recipients = active_employees(ctx) if people is None else people
    worded: dict[str, Sequence[Reply]] = {}
    for employee in recipients:
        if employee.language not in worded:
            worded[employee.language] = replies(employee.language)
        ctx.notify(
            employee,
            worded[employee.language],
            kind=kind,
            key=f"{key}:{employee.id}",
            lane=Lane.BULK,
        )
    return len(recipients)


@dataclass(frozen=True)
class Delivery:
    """How far a broadcast has got, per person (their first message counts)."""

    queued: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        """Everyone it was addressed to."""
        return self.queued + self.sent + self.delivered + self.failed


_BUCKET = {
    OutboxStatus.PENDING: "queued",
    OutboxStatus.SENDING: "queued",
    OutboxStatus.SENT: "sent",
    OutboxStatus.DELIVERED: "delivered",
    OutboxStatus.READ: "delivered",
    OutboxStatus.FAILED: "failed",
    OutboxStatus.CANCELLED: "failed",
    OutboxStatus.HELD: "queued",  # waiting for the person to open WhatsApp's window
    OutboxStatus.DROPPED: "failed",
}


def delivery(ctx: ServiceCtx, key: str) -> Delivery:
    """Count a broadcast's outbox rows by status (the sender paces and updates them)."""
    rows = ctx.session.execute(
        select(OutboxMessage.idempotency_key, OutboxMessage.status).where(
            OutboxMessage.idempotency_key.startswith(f"{key}:", autoescape=True)
        )
    )
    counts = {"queued": 0, "sent": 0, "delivered": 0, "failed": 0}
    for row_key, status in rows:
        # A message of several parts is queued as key#0, key#1...: count each person once.
        if row_key is not None and ("#" not in row_key or row_key.endswith("#0")):
            counts[_BUCKET.get(OutboxStatus(status), "queued")] += 1
    return Delivery(**counts)


def province_office_id(ctx: ServiceCtx) -> int:
    """The id of BPS Provinsi Bengkulu."""
    found = ctx.session.scalar(select(Office.id).where(Office.code == PROVINCE_CODE))
    if found is None:
        raise LookupError("the province office is missing from the directory")
    return found


def office_name(ctx: ServiceCtx, office_id: int) -> str:
    """An office's name."""
    office = ctx.session.get(Office, office_id)
    return office.name if office else ""


def the_actor(ctx: ServiceCtx) -> Actor:
    """The person pressing or typing (services run for a known employee)."""
    if ctx.actor is None:
        raise UserError(ctx.t("core.not_allowed"))
    return ctx.actor


def require_can(ctx: ServiceCtx) -> Actor:
    """The actor, when they are CAN (or admin); otherwise refuse."""
    actor = the_actor(ctx)
    if not actor.has("can"):
        raise UserError(ctx.t("core.not_allowed"))
    return actor


def may_host(actor: Actor, sesi: SerawaiSession) -> bool:
    """The host office's CA, or CAN, may act for a session."""
    return sesi.host_office_id in actor.ca_office_ids or actor.has("can")


def media_folder(ctx: ServiceCtx, *parts: str) -> Path:
    """A folder under media storage for Serawai's rendered files."""
    folder = Path(ctx.settings.media_dir, "serawai", *parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def public_url(ctx: ServiceCtx, path: str) -> str:
    """An absolute URL on the bot's own server (PUBLIC_BASE_URL, or the local address)."""
    settings = ctx.settings
    base = settings.public_base_url or f"http://{settings.host}:{settings.port}"
    return f"{base.rstrip('/')}/{path.lstrip('/')}"


def when_text(ctx: ServiceCtx, employee: Employee | None, moment: datetime | None) -> str:
    """A session time in the reader's language ('Senin, 7 April 2025 pukul 09.00 WIB')."""
    if moment is None:
        return "-"
    language = employee.language if employee else (ctx.actor.language if ctx.actor else "id")
    return format_datetime(moment, language)
