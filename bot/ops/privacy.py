"""Personal data (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi).

`forget`: a person who left keeps their rows (so every count of past reports stays the
same) under a stable pseudonym; their name, phone, Telegram id and NIP are replaced wherever
the database holds them (audit entries, conversation text, sent messages, certificates), and
the files they sent are removed.

`apply_retention`: received files older than RETENTION_DAYS_FILES are removed; sent
messages older than RETENTION_DAYS_LOGS lose their text and address, and the inbound
ledger's old entries (platform message ids, which carry chat ids) are deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bot.ops.rewrite import replace_everywhere
from storage.event_team import EventDocumentation
from storage.models import Conversation, Employee, InboundLedger, OutboxMessage, OutboxStatus
from storage.pegasus import Duty, Proof
from storage.serawai import SerawaiCertificate, SerawaiDocument

log = logging.getLogger(__name__)

SCRUBBED = "[dihapus]"
# Names the channel handlers give the files people send (bot/handlers/*): received files.
RECEIVED = ("wa-*", "tg-*", "inbound/*")


class ForgetRefused(Exception):
    """No such person, or they were already forgotten."""


@dataclass
class Forgotten:
    """What `forget` did."""

    pseudonym: str
    rows_scrubbed: int
    files_removed: list[str] = field(default_factory=list)


def pseudonym(employee_id: int) -> str:
    """The stable stand-in for a forgotten person's NIP (18 characters, like a NIP)."""
    return f"ANON{employee_id:014d}"


def _phone_forms(phone: str | None) -> list[str]:
    if not phone:
        return []
    digits = phone.removeprefix("+")
    forms = [phone, digits]
    if digits.startswith("62"):
        forms.append("0" + digits[2:])
    return forms


def _remove(path: str | None, removed: list[str]) -> None:
    if not path:
        return
    target = Path(path)
    if target.is_file():
        target.unlink()
        removed.append(path)


def forget(session: Session, nip: str, now: datetime) -> Forgotten:
    """Anonymise one person in this transaction; reports' figures are left as they were."""
    person = session.scalar(select(Employee).where(Employee.nip == nip.strip()))
    if person is None:
        raise ForgetRefused(f"Tidak ada pegawai dengan NIP {nip}.")
    alias = pseudonym(person.id)
    removed: list[str] = []
    for doc in session.scalars(
        select(EventDocumentation).where(EventDocumentation.member_id == person.id)
    ):
        _remove(doc.path, removed)
        doc.path = ""
    for sdoc in session.scalars(
        select(SerawaiDocument).where(
            SerawaiDocument.uploaded_by_id == person.id, SerawaiDocument.kind == "photo"
        )
    ):
        _remove(sdoc.path, removed)
        sdoc.path = ""
    for duty in session.scalars(select(Duty).where(Duty.employee_id == person.id)):
        _remove(duty.photo_path, removed)
        duty.photo_path = None
    for proof in session.scalars(select(Proof).where(Proof.by_id == person.id)):
        if proof.media_path:
            _remove(proof.media_path, removed)
            proof.media_path = "" if proof.link is None else None
    for cert in session.scalars(
        select(SerawaiCertificate).where(SerawaiCertificate.employee_id == person.id)
    ):
        _remove(cert.png_path, removed)
        _remove(cert.pdf_path, removed)
        cert.png_path = cert.pdf_path = ""
    # Their own conversation and the messages sent to them: nothing of it is kept.
    session.execute(
        update(Conversation)
        .where(Conversation.employee_id == person.id)
        .values(flow=None, state=None, data={}, history=[], last_choices=[], notice_choices=[])
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.employee_id == person.id)
        .values(recipient=alias, payload={"type": "text", "text": SCRUBBED})
        .execution_options(synchronize_session=False)
    )
    name, phone, telegram_id, old_nip = person.name, person.phone, person.telegram_id, person.nip
    label = f"Pegawai {alias}"
    person.name = label
    person.nip = alias
    person.phone = None
    person.telegram_id = None
    person.preferred_channel = None
    person.wa_last_inbound_at = None
    session.flush()
    # Everywhere else (audit entries, messages to others, certificates' holder names).
    needles = [(name, label), (name.split(",")[0].strip(), label), (old_nip, alias)]
    needles += [(form, alias) for form in _phone_forms(phone)]
    if telegram_id and len(telegram_id) >= 5:  # short ids would match unrelated numbers
        needles.append((telegram_id, alias))
    scrubbed = 0
    for old, new in sorted(set(needles), key=lambda pair: -len(pair[0])):
        if old and old != new:
            scrubbed += replace_everywhere(session, old, new)
    log.info("forgot employee %s (%d rows, %d files)", alias, scrubbed, len(removed))
    return Forgotten(pseudonym=alias, rows_scrubbed=scrubbed, files_removed=sorted(removed))


@dataclass
class RetentionReport:
    """What one retention run removed."""

    files: int = 0
    messages: int = 0
    ledger: int = 0


def apply_retention(
    session: Session, media_dir: Path, now: datetime, *, files_days: int, logs_days: int
) -> RetentionReport:
    """Remove received files and message text past their retention (0 days: keep)."""
    report = RetentionReport()
    if files_days > 0 and media_dir.is_dir():
        cutoff = (now - timedelta(days=files_days)).timestamp()
        for pattern in RECEIVED:
            for path in sorted(media_dir.glob(pattern)):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    report.files += 1
    if logs_days > 0:
        cutoff_at = now - timedelta(days=logs_days)
        done = [
            s.value for s in OutboxStatus if s not in (OutboxStatus.PENDING, OutboxStatus.SENDING)
        ]
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.created_at < cutoff_at,
                OutboxMessage.status.in_(done),
                or_(OutboxMessage.recipient != "", OutboxMessage.error.is_not(None)),
            )
            .values(recipient="", payload={"type": "text", "text": SCRUBBED}, error=None)
            .execution_options(synchronize_session=False)
        )
        report.messages = int(result.rowcount)  # type: ignore[attr-defined]
        gone = session.execute(delete(InboundLedger).where(InboundLedger.received_at < cutoff_at))
        report.ledger = int(gone.rowcount)  # type: ignore[attr-defined]
    return report
