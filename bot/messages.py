"""Channel-neutral messages: what comes in (`Inbound`) and what goes out (`Reply`).

Handlers translate platform updates into `Inbound` and render `Reply` values their own way;
flows and services only ever see these types. Replies are stored in the outbox as JSON, so each
type round-trips through `reply_to_dict` / `reply_from_dict`.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Channel(enum.StrEnum):
    """A way to reach a person."""

    CONSOLE = "console"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"


@dataclass(frozen=True)
class Media:
    """A file the user sent, already saved in media storage."""

    path: str
    content_type: str
    kind: str = "photo"  # photo | document | audio | video | sticker | other
    filename: str = ""
    size: int = 0  # bytes, when the platform says; a file over the channel's limit has no path


def clean_text(text: str) -> str:
    """`text` without control characters (NUL, escapes, lone surrogates): a line break and a
    tab stay (a tab as a space); what nobody can type and no document can hold goes."""
    if text.isprintable():
        return text
    kept = []
    for ch in text.replace("\r\n", "\n").replace("\t", " "):
        if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs", "Cn", "Co"):
            kept.append(ch)
    return "".join(kept)


@dataclass(frozen=True)
class Inbound:
    """One message or button press from a user, whatever the platform."""

    channel: Channel
    sender: str  # WhatsApp: E.164 phone; Telegram: user id; console: NIP or phone
    received_at: datetime
    text: str | None = None
    payload: str | None = None  # a button's payload, never trusted
    media: tuple[Media, ...] = ()
    message_id: str | None = None  # platform id, for dropping redeliveries
    contact_phone: str | None = None  # Telegram: a shared contact's phone (own contact only)
    sender_name: str = ""

    def __post_init__(self) -> None:
        # Cleaned here, once, for every channel: nothing from a user is stored with a NUL.
        if self.text is not None:
            object.__setattr__(self, "text", clean_text(self.text))
        if self.sender_name:
            object.__setattr__(self, "sender_name", clean_text(self.sender_name))


@dataclass(frozen=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True)
class Option:
    """One button: the label shown and the payload it sends back."""

    label: str
    payload: str


@dataclass(frozen=True)
class Choices:
    """A question with buttons (inline keyboard, quick replies or a numbered list)."""

    text: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class ContactRequest:
    """Ask the user to share their own phone number (Telegram's request_contact button)."""

    text: str
    button: str


@dataclass(frozen=True)
class Image:
    """A picture from media storage, with an optional caption."""

    path: str
    caption: str = ""


@dataclass(frozen=True)
class Document:
    """A file from media storage (report, calendar file, certificate PDF)."""

    path: str
    filename: str
    caption: str = ""


@dataclass(frozen=True)
class CommandMenu:
    """The slash commands one person sees in Telegram's menu (setMyCommands for their chat):
    (name, description) pairs. Queued for Telegram only; other channels have no such menu."""

    commands: tuple[tuple[str, str], ...]


Reply = Text | Choices | ContactRequest | Image | Document | CommandMenu


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """Serialise a reply for the outbox."""
    match reply:
        case Text(text=text):
            return {"type": "text", "text": text}
        case Choices(text=text, options=options):
            return {
                "type": "choices",
                "text": text,
                "options": [{"label": o.label, "payload": o.payload} for o in options],
            }
        case ContactRequest(text=text, button=button):
            return {"type": "contact_request", "text": text, "button": button}
        case Image(path=path, caption=caption):
            return {"type": "image", "path": path, "caption": caption}
        case Document(path=path, filename=filename, caption=caption):
            return {"type": "document", "path": path, "filename": filename, "caption": caption}
        case CommandMenu(commands=commands):
            return {"type": "command_menu", "commands": [list(c) for c in commands]}
    raise TypeError(f"not a reply: {reply!r}")


def reply_from_dict(data: dict[str, Any]) -> Reply:
    """Read a reply back from the outbox."""
    kind = data.get("type")
    if kind == "text":
        return Text(str(data["text"]))
    if kind == "choices":
        return Choices(
            str(data["text"]),
            tuple(Option(str(o["label"]), str(o["payload"])) for o in data["options"]),
        )
    if kind == "contact_request":
        return ContactRequest(str(data["text"]), str(data["button"]))
    if kind == "image":
        return Image(str(data["path"]), str(data.get("caption", "")))
    if kind == "document":
        return Document(str(data["path"]), str(data["filename"]), str(data.get("caption", "")))
    if kind == "command_menu":
        return CommandMenu(tuple((str(n), str(d)) for n, d in data["commands"]))
    raise ValueError(f"unknown reply type: {kind!r}")


def reply_text(reply: Reply) -> str:
    """The words of a reply, for transcripts and logs."""
    match reply:
        case Text(text=text) | Choices(text=text) | ContactRequest(text=text):
            return text
        case Image(caption=caption) | Document(caption=caption):
            return caption
    return ""


@dataclass(frozen=True)
class Outgoing:
    """A reply addressed to an employee, as it sits in the outbox."""

    employee_id: int | None
    channel: Channel
    recipient: str
    reply: Reply
    kind: str = "reply"  # reply | notification | reminder | broadcast ...
    key: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
