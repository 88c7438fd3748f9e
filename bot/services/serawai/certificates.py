"""Serawai certificates: issued with a number and an unguessable verification code, verified
in chat and on the public page, revoked by CAN.

Numbers follow the rendering layer's documented format `SRW/<year>/<session, 3 digits>/<serial,
4 digits>` (e.g. SRW/2025/007/0042); the serial counts a session's certificates from 1. The
verification code is `secrets.token_urlsafe(16)` (128 random bits); the QR code on the
certificate opens `PUBLIC_BASE_URL/verifikasi/<code>`. A code that is not in the table (a
forged or mistyped one) is simply unknown.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.calendar import BULAN, MONTHS_EN, to_wib
from bot.flows.serawai.codes import Verify
from bot.i18n import Translator
from bot.messages import Document, Image, Reply, Text
from bot.registry import Outcome
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.common import media_folder, public_url, require_can
from storage.models import Employee
from storage.serawai import SerawaiCertificate, SerawaiSession

TEMPLATE = "standar"
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
VERIFY_PATH = "verifikasi"


def long_date(day: date, lang: str = "id") -> str:
    """'7 April 2025' (the date on a certificate and the verification page)."""
    months = MONTHS_EN if lang == "en" else BULAN
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _signer(ctx: ServiceCtx) -> tuple[str, str]:
    ccs = ctx.holders("cc")
    if not ccs:
        return "", ""
    return ccs[0].name, ctx.catalog.t("serawai.cert_signer_title", "id")


def issue(
    ctx: ServiceCtx, sesi: SerawaiSession, employee: Employee, role: str
) -> SerawaiCertificate:
    """The person's certificate for the session, rendered once (PNG and PDF)."""
    existing = ctx.session.scalar(
        select(SerawaiCertificate).where(
            SerawaiCertificate.session_id == sesi.id,
            SerawaiCertificate.employee_id == employee.id,
        )
    )
    if existing is not None:
        return existing
    # Pillow and qrcode load with the first certificate, not when the bot starts.
    from bot.rendering.certificate import (
        CertificateData,
        format_certificate_number,
        render_certificate,
    )

    assert sesi.starts_at is not None
    day = to_wib(sesi.starts_at).date()
    serial = 1 + (
        ctx.session.scalar(
            select(func.max(SerawaiCertificate.serial)).where(
                SerawaiCertificate.session_id == sesi.id
            )
        )
        or 0
    )
    number = format_certificate_number(day.year, sesi.id, serial)
    code = secrets.token_urlsafe(16)
    signer_name, signer_title = _signer(ctx)
    data = CertificateData(
        holder_name=employee.name,
        role=ctx.catalog.t(f"serawai.cert_role_{role}", "id"),
        session_title=ctx.catalog.t("serawai.cert_session", "id", title=sesi.title),
        date_text=long_date(day),
        number=number,
        verify_url=public_url(ctx, f"{VERIFY_PATH}/{code}"),
        signer_name=signer_name,
        signer_title=signer_title,
    )
    folder = media_folder(ctx, "sertifikat", f"sesi-{sesi.id}")
    result = render_certificate(TEMPLATE, data, folder, stem=f"sertifikat-{sesi.id}-{serial:04d}")
    certificate = SerawaiCertificate(
        session_id=sesi.id,
        employee_id=employee.id,
        role=role,
        holder_name=employee.name,
        serial=serial,
        number=number,
        code=code,
        png_path=str(result.png_path),
        pdf_path=str(result.pdf_path),
        issued_at=ctx.now,
    )
    ctx.session.add(certificate)
    ctx.session.flush()  # the (session, employee) and (session, serial) constraints apply here
    ctx.audit("serawai_certificate", number, employee=employee.nip, role=role)
    return certificate


def replies(ctx: ServiceCtx, employee: Employee, certificate: SerawaiCertificate) -> list[Reply]:
    """The certificate as the holder receives it: the picture, then the PDF to print."""
    caption = ctx.t_for(employee, "serawai.cert_caption", number=certificate.number)
    filename = Path(certificate.pdf_path).name
    return [
        Image(certificate.png_path, caption),
        Document(certificate.pdf_path, filename, ctx.t_for(employee, "serawai.cert_pdf_caption")),
    ]


def send(ctx: ServiceCtx, sesi: SerawaiSession, employee: Employee, role: str) -> None:
    """Issue and deliver a certificate (once: the message key is the certificate's)."""
    certificate = issue(ctx, sesi, employee, role)
    ctx.notify(
        employee,
        replies(ctx, employee, certificate),
        key=f"serawai:s{sesi.id}:certificate:{employee.id}",
    )


# -- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What a verification code says about its certificate."""

    status: str  # valid | revoked | unknown
    holder: str = ""
    role: str = ""
    session_title: str = ""
    day: date | None = None
    number: str = ""
    reason: str = ""


def clean_code(raw: str) -> str | None:
    """The code from what a person typed or scanned (a bare code or the whole link)."""
    text = raw.strip().rstrip("/")
    if f"/{VERIFY_PATH}/" in text:
        text = text.rsplit("/", 1)[-1]
    return text if CODE_RE.match(text) else None


def verify(session: Session, raw: str) -> Verification:
    """Valid, revoked or unknown; anything not issued by us is unknown."""
    code = clean_code(raw)
    if code is None:
        return Verification("unknown")
    found = session.execute(
        select(SerawaiCertificate, SerawaiSession)
        .join(SerawaiSession, SerawaiSession.id == SerawaiCertificate.session_id)
        .where(SerawaiCertificate.code == code)
    ).first()
    if found is None:
        return Verification("unknown")
    certificate, sesi = found
    return Verification(
        status="revoked" if certificate.revoked_at else "valid",
        holder=certificate.holder_name,
        role=certificate.role,
        session_title=sesi.title,
        day=to_wib(sesi.starts_at).date() if sesi.starts_at else None,
        number=certificate.number,
        reason=certificate.revoke_reason or "",
    )


def verification_text(t: Translator, found: Verification, lang: str) -> str:
    """The answer in chat (and the page's words come from the same catalog keys)."""
    if found.status == "unknown":
        return t("serawai.verify_unknown")
    return t(
        f"serawai.verify_{found.status}",
        name=found.holder,
        role=t(f"serawai.cert_role_{found.role}"),
        title=found.session_title,
        date=long_date(found.day, lang) if found.day else "-",
        number=found.number,
        reason=found.reason or "-",
    )


def verify_command(ctx: ServiceCtx, args: str) -> Outcome:
    """`/verifikasi CODE`; without a code, ask for it."""
    if not args.strip():
        return Outcome(start_flow="serawai_verifikasi")
    return Outcome([Text(answer(ctx, args))])


def answer(ctx: ServiceCtx, raw: str) -> str:
    """The chat answer for a typed code."""
    language = ctx.actor.language if ctx.actor else "id"
    return verification_text(ctx.t, verify(ctx.session, raw), language)


def revoke_command(ctx: ServiceCtx, args: str) -> Outcome:
    """`/cabutsertifikat NOMOR ALASAN` (CAN): the certificate verifies as revoked from now on."""
    require_can(ctx)
    number, _, reason = args.strip().partition(" ")
    reason = " ".join(reason.split())
    if not number or not reason:
        return Outcome([Text(ctx.t("serawai.revoke_usage"))])
    certificate = ctx.session.scalar(
        select(SerawaiCertificate).where(SerawaiCertificate.number == number.upper())
    )
    if certificate is None:
        raise UserError(ctx.t("serawai.revoke_unknown", number=number))
    if certificate.revoked_at is not None:
        return Outcome([Text(ctx.t("serawai.revoke_already", number=certificate.number))])
    certificate.revoked_at = ctx.now
    certificate.revoke_reason = reason[:1000]
    ctx.audit("serawai_revoke_certificate", certificate.number, reason=reason)
    return Outcome([Text(ctx.t("serawai.revoked", number=certificate.number))])


def verify_typed(ctx: ServiceCtx, cmd: Verify) -> list[Reply]:
    """A code typed after /verifikasi without one."""
    return [Text(answer(ctx, cmd.code))]
