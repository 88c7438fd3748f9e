"""SOP-321 buttons: one class per kind, each packing to the `et:<verb>:<id>` payload that
buttons already in people's chats carry. The id is never trusted: each handler re-reads the
request or assignment and checks the presser against it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.buttons import Button


@dataclass(frozen=True)
class AssignButton(Button, prefix="et", verb="assign"):
    """The lead's "Bagi peran" (or "Isi ulang" after a decline): assign the request's slots."""

    request_id: int


@dataclass(frozen=True)
class DeclineButton(Button, prefix="et", verb="decline"):
    """A member's "Tidak bisa hadir" on an assignment."""

    assignment_id: int


@dataclass(frozen=True)
class DocumentationButton(Button, prefix="et", verb="doc"):
    """A member's "Kirim dokumentasi" for an event that ended."""

    request_id: int


@dataclass(frozen=True)
class EvaluationButton(Button, prefix="et", verb="eval"):
    """The SM's "Isi evaluasi" for their event."""

    request_id: int


@dataclass(frozen=True)
class InternalEvaluationButton(Button, prefix="et", verb="internal"):
    """The lead's "Evaluasi tim" for an event that ended."""

    request_id: int


@dataclass(frozen=True)
class RescheduleButton(Button, prefix="et", verb="resched"):
    """The SM's "Ubah jadwal" on their request (from /permintaan)."""

    request_id: int


@dataclass(frozen=True)
class CancelButton(Button, prefix="et", verb="cancel"):
    """The SM's "Batalkan" on their request (from /permintaan)."""

    request_id: int
