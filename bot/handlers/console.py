"""The console channel: one line in is one message; every bot message is printed.

Choices print numbered and are answered by number or label (dispatch maps them). `/foto PATH`
and `/berkas PATH` send a file. Messages queued for this person while they were away are
printed when the session starts.
"""

from __future__ import annotations

import mimetypes
import shutil
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.app import App
from bot.dispatch import dispatch
from bot.markup import plain
from bot.messages import (
    Channel,
    Choices,
    ContactRequest,
    Document,
    Image,
    Inbound,
    Media,
    Reply,
    Text,
    reply_from_dict,
)
from bot.outbox import claim, mark_sent
from storage.db import transaction


def render(reply: Reply) -> str:
    """A reply as the console shows it (plain text: the catalog's markers removed)."""
    return plain(_render(reply))


def _render(reply: Reply) -> str:
    match reply:
        case Text(text=text):
            return text
        case Choices(text=text, options=options):
            lines = [text, *(f"  {i}. {o.label}" for i, o in enumerate(options, 1))]
            return "\n".join(lines)
        case ContactRequest(text=text, button=button):
            return f"{text}\n  [{button}]"
        case Image(path=path, caption=caption):
            return f"[gambar: {path}]" + (f"\n{caption}" if caption else "")
        case Document(filename=filename, path=path, caption=caption):
            return f"[berkas: {filename} — {path}]" + (f"\n{caption}" if caption else "")
    return str(reply)


class Console:
    """A terminal conversation as one employee."""

    def __init__(self, app: App, identity: str, out: Callable[[str], None] | None = None) -> None:
        self.app = app
        self.identity = identity
        self.out = out or print
        self.counter = 0

    def drain(self) -> list[Reply]:
        """Print (and mark sent) every console message waiting for this person."""
        shown: list[Reply] = []
        while True:
            with transaction(self.app.sessions) as session:
                # Others' messages stay queued for their own console session.
                rows = claim(
                    session, Channel.CONSOLE, self.app.clock(), "console", 200, self.identity
                )
                for row in rows:
                    reply = reply_from_dict(row.payload)
                    self.out(render(reply))
                    shown.append(reply)
                    mark_sent(session, row.id, f"console-{row.id}", self.app.clock())
            if not rows:
                return shown

    def inbound(self, line: str) -> Inbound:
        """Turn a typed line into an inbound message."""
        self.counter += 1
        message_id = f"console-{uuid.uuid4().hex}"
        stripped = line.strip()
        for command, kind in (("/foto", "photo"), ("/berkas", "document")):
            if stripped.startswith(command + " "):
                return self._file(stripped[len(command) + 1 :].strip(), kind, message_id)
        return Inbound(
            channel=Channel.CONSOLE,
            sender=self.identity,
            received_at=self.app.clock(),
            text=line.rstrip("\n"),
            message_id=message_id,
        )

    def _file(self, raw_path: str, kind: str, message_id: str) -> Inbound:
        source = Path(raw_path).expanduser()
        media: tuple[Media, ...] = ()
        if source.is_file():
            target_dir = self.app.settings.media_dir / "inbound"
            target_dir.mkdir(parents=True, exist_ok=True)
            target = target_dir / f"{uuid.uuid4().hex}{source.suffix.lower()}"
            shutil.copyfile(source, target)
            content_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
            media = (Media(str(target), content_type, kind, source.name),)
        return Inbound(
            channel=Channel.CONSOLE,
            sender=self.identity,
            received_at=self.app.clock(),
            text=None if media else f"(berkas tidak ditemukan: {raw_path})",
            media=media,
            message_id=message_id,
        )

    def say(self, line: str) -> list[Reply]:
        """Send one line as the user and return (after printing) the bot's answers."""
        dispatch(self.app, self.inbound(line))
        return self.drain()

    def loop(self, stream: TextIO = sys.stdin) -> None:
        """Read lines until end of input (prompting when on a terminal)."""
        interactive = stream.isatty()
        self.drain()
        while True:
            if interactive:
                print("> ", end="", flush=True)
            line = stream.readline()
            if not line:
                break
            if not line.strip() and not interactive:
                continue
            self.say(line)
