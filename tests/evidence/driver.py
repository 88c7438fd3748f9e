"""A checked driver for the evidence suites: talks to the bot as anyone and inspects each step.

Every message the bot queues (to the speaker or anyone else) must be a clear text from the
catalog; every stored conversation must still validate against its flow; nothing may be
logged as an error or answered with "core.crashed". `Move`s are abstract inputs (press the
k-th offered button, type a plausible answer, send a photo, press a stale button...) that a
random walk or hypothesis draws and the driver turns into real messages for the current state.
"""

from __future__ import annotations

import logging
import random
import re
import shutil
import sqlite3
import uuid
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.config import Settings
from bot.dispatch import dispatch
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
from storage.db import make_engine
from storage.models import Conversation, Employee, OutboxMessage
from storage.seed import DEMO_ADMIN_NIP
from tests.support import Clock

ADMIN = DEMO_ADMIN_NIP

# Answers a person might type in a text state: dates and times relative to the test clock
# (Wednesday 26 March 2025), titles, places, numbers, names, yes/no.
CORPUS = (
    "30/4/2025 09.00",
    "7 Mei 2025 jam 9",
    "14/5/2025 09.00-11.00",
    "besok 13:00",
    "Senin depan",
    "09.00-11.00",
    "17/4/2025",
    "2/6/2025",
    "Rapat Koordinasi Statistik Sektoral",
    "Ruang Rapat Lantai 2",
    "Bagian Umum",
    "Mohon dukungan dokumentasi dan MC untuk kegiatan ini.",
    "Data adalah dasar kebijakan yang baik.",
    "1",
    "2",
    "3",
    "5",
    "10",
    "ya",
    "tidak",
    "Andi",
    "Dewi",
    "Irfan",
    "199109092015031021",
    "Libur kantor",
    "-",
    "https://contoh.bps.go.id/kegiatan",
)
WORDS = ("kembali", "batal", "menu", "lanjut", "selesai", "ok")
MOVE_KINDS = (
    # (kind, weight): mostly press what is offered
    ("press", 12),
    ("number", 2),
    ("label", 2),
    ("corpus", 5),
    ("text", 2),
    ("payload", 1),
    ("stale", 2),
    ("media", 1),
    ("word", 1),
    ("command", 1),
)
WEIGHTED_KINDS = tuple(kind for kind, weight in MOVE_KINDS for _ in range(weight))
MEDIA_KINDS = ("photo", "document", "missing", "sticker", "audio", "video")


@dataclass(frozen=True)
class Move:
    """One abstract input; `n` picks among what the state offers, `text` is free text."""

    kind: str
    n: int = 0
    text: str = ""


def random_move(rng: random.Random) -> Move:
    """A move for a seeded random walk (hypothesis draws its own; see test_flow_property)."""
    kind = rng.choice(WEIGHTED_KINDS)
    text = "".join(rng.choice("abcdefghij 0123456789:/.-é🙂") for _ in range(rng.randrange(12)))
    return Move(kind, rng.randrange(10**6), text)


@dataclass(frozen=True)
class Said:
    """One message a person sends: text, a button's payload, files."""

    text: str | None = None
    payload: str | None = None
    media: tuple[Media, ...] = ()


class CatalogTexts:
    """Tells whether a text was made from catalog entries (their fixed words, in order)."""

    def __init__(self, entries: dict[str, dict[str, str]]) -> None:
        self.templates: list[list[str]] = []
        # Templates whose fixed words are all short ("({n}/{total}) {aspect}"): the whole text
        # must be made of one of them.
        self.shapes: list[re.Pattern[str]] = []
        for texts in entries.values():
            for template in texts.values():
                raw = re.split(r"\{[^{}]*\}", template)
                pieces = [p.strip() for p in raw]
                fixed = [p for p in pieces if len(p) >= 3]
                if fixed:
                    self.templates.append(fixed)
                elif any(pieces):
                    shape = "(?:.+?)".join(map(re.escape, raw))
                    self.shapes.append(re.compile(shape, re.DOTALL))
        self._known: dict[str, bool] = {}

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str):
            return False
        if text not in self._known:
            self._known[text] = any(self._in_order(text, t) for t in self.templates) or any(
                shape.fullmatch(text) for shape in self.shapes
            )
        return self._known[text]

    @staticmethod
    def _in_order(text: str, fixed: list[str]) -> bool:
        at = 0
        for piece in fixed:
            found = text.find(piece, at)
            if found < 0:
                return False
            at = found + len(piece)
        return True


class ErrorTrap(logging.Handler):
    """Collects every record logged at ERROR or above, or carrying an exception."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)

    def __enter__(self) -> ErrorTrap:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)


@dataclass
class Delivered:
    """A message the bot queued, as its recipient got it."""

    employee_id: int | None
    recipient: str
    reply: Reply
    kind: str


@dataclass
class Driver:
    """Sends messages as anyone (console channel) and checks everything each step caused."""

    app: App
    clock: Clock
    problems: list[str] = field(default_factory=list)
    seen_payloads: list[str] = field(default_factory=list)
    steps: int = 0
    inbox: dict[str, list[Choices]] = field(default_factory=dict)  # buttons each person got
    last_outbox_id: int = 0
    # The speaker's conversation as checked after their last message: (nip, flow, state, choices)
    _last: tuple[str, str | None, str | None, list[Any]] | None = None

    def __post_init__(self) -> None:
        self.catalog = CatalogTexts(self.app.catalog.entries)
        self.crashed = set(self.app.catalog.entries["core.crashed"].values())
        self.files = _sample_files(self.app.settings.media_dir)
        with self.app.sessions() as session:
            self.nips = {e.id: e.nip for e in session.scalars(select(Employee))}
        self.ids = {nip: employee_id for employee_id, nip in self.nips.items()}
        self.reset()

    def reset(self, *, problems: bool = True) -> None:
        """Forget what earlier walks saw (after the database was put back), and (unless told
        not to) the problems found."""
        if problems:
            self.problems.clear()
        self.seen_payloads.clear()
        self.inbox.clear()
        self._last = None
        with self.app.sessions() as session:
            self.last_outbox_id = session.scalar(select(func.max(OutboxMessage.id))) or 0

    # -- sending --------------------------------------------------------------------------

    def send(
        self,
        nip: str,
        text: str | None = None,
        *,
        payload: str | None = None,
        media: tuple[Media, ...] = (),
    ) -> list[Delivered]:
        """One message from `nip`; returns what `nip` got back (everything is checked)."""
        inbound = Inbound(
            channel=Channel.CONSOLE,
            sender=nip,
            received_at=self.clock(),
            text=text,
            payload=payload,
            media=media,
            message_id=f"ev-{uuid.uuid4().hex}",
        )
        what = f"{nip[-4:]} sent {text!r} payload={payload!r} media={len(media)}"
        dispatch(self.app, inbound)
        self.steps += 1
        delivered = self.collect(what)
        self.check_conversations(what, nip)
        # A refusal is answered to the address that wrote (the console's is the NIP).
        return [
            d for d in delivered if d.recipient == nip or self.nips.get(d.employee_id or -1) == nip
        ]

    def collect(self, what: str = "") -> list[Delivered]:
        """Every message queued since the last look, checked (reading only)."""
        with self.app.sessions() as session:
            rows = list(
                session.execute(
                    select(
                        OutboxMessage.id,
                        OutboxMessage.employee_id,
                        OutboxMessage.recipient,
                        OutboxMessage.payload,
                        OutboxMessage.kind,
                    )
                    .where(OutboxMessage.id > self.last_outbox_id)
                    .order_by(OutboxMessage.id)
                )
            )
        out: list[Delivered] = []
        for row in rows:
            self.last_outbox_id = max(self.last_outbox_id, row.id)
            reply = reply_from_dict(row.payload)
            self._check_reply(reply, what)
            out.append(Delivered(row.employee_id, row.recipient, reply, row.kind))
            if isinstance(reply, Choices):
                self.seen_payloads += [o.payload for o in reply.options]
                nip = self.nips.get(row.employee_id or -1)
                if nip is not None:
                    self.inbox.setdefault(nip, []).append(reply)
        return out

    def _check_reply(self, reply: Reply, what: str) -> None:
        match reply:
            case Text(text=words) | Choices(text=words) | ContactRequest(text=words):
                if not words.strip():
                    self.problems.append(f"empty message after {what}")
                elif words in self.crashed:
                    self.problems.append(f"core.crashed after {what}")
                elif words not in self.catalog:
                    self.problems.append(f"not a catalog text after {what}: {words[:120]!r}")
            case Image() | Document():
                pass  # a file; its caption may be the file's own words (a poster's quote)

    def check_conversations(self, what: str = "", nip: str | None = None) -> None:
        """Stored conversations (all, or `nip`'s) name a known flow and state and validate."""
        flows = self.app.registry.flows
        query = select(Conversation)
        if nip is not None:
            query = query.where(Conversation.employee_id == self.ids[nip])
        self._last = None
        with self.app.sessions() as session:
            for conv in session.scalars(query):
                if nip is not None:
                    self._last = (nip, conv.flow, conv.state, list(conv.last_choices or []))
                if conv.flow is None:
                    continue
                flow = flows.get(conv.flow)
                if flow is None or conv.state not in flow.states:
                    self.problems.append(f"unknown flow/state {conv.flow}/{conv.state} ({what})")
                    continue
                try:
                    flow.load(conv.data)
                    for state, data in conv.history:
                        assert state in flow.states, state
                        flow.load(data)
                except (ValidationError, AssertionError, ValueError, TypeError) as exc:
                    self.problems.append(f"invalid {conv.flow} data after {what}: {exc}")

    # -- what the current state offers ------------------------------------------------------

    def _seen(self, nip: str) -> tuple[str | None, str | None, list[Any]]:
        if self._last is not None and self._last[0] == nip:
            return self._last[1], self._last[2], self._last[3]
        with self.app.sessions() as session:
            conv = session.scalar(
                select(Conversation).where(Conversation.employee_id == self.ids[nip])
            )
            if conv is None:
                return None, None, []
            return conv.flow, conv.state, list(conv.last_choices or [])

    def stored(self, nip: str) -> tuple[Any, ...]:
        """`nip`'s flow, state and data as stored now (to see whether an answer was taken)."""
        with self.app.sessions() as session:
            conv = session.scalar(
                select(Conversation).where(Conversation.employee_id == self.ids[nip])
            )
            return (conv.flow, conv.state, conv.data) if conv else (None, None, None)

    def offered(self, nip: str) -> list[tuple[str, str]]:
        """(label, payload) of the buttons last shown to `nip`."""
        return [(str(a), str(b)) for a, b in self._seen(nip)[2]]

    def flow_of(self, nip: str) -> tuple[str | None, str | None]:
        """(flow, state) `nip` is in."""
        flow, state, _choices = self._seen(nip)
        return flow, state

    def play(self, nip: str, move: Move, stale: Sequence[str] = ()) -> list[Delivered]:
        """Turn an abstract move into a real message from `nip` in its current state."""
        said = self.choose(nip, move, stale)
        return self.send(nip, said.text, payload=said.payload, media=said.media)

    def choose(self, nip: str, move: Move, stale: Sequence[str] = ()) -> Said:
        """What `nip` says for `move`, given the buttons their state offers."""
        offered = self.offered(nip)
        pool = [*stale, *self.seen_payloads]
        kind = move.kind
        if kind in ("press", "number", "label") and not offered:
            kind = "corpus"
        if kind == "press":
            return Said(payload=offered[move.n % len(offered)][1])
        if kind == "number":
            return Said(str(move.n % (len(offered) + 2)))
        if kind == "label":
            return Said(offered[move.n % len(offered)][0])
        if kind == "corpus":
            return Said(CORPUS[move.n % len(CORPUS)])
        if kind == "text":
            return Said(move.text)
        if kind == "payload":
            return Said(payload=self._crafted(move))
        if kind == "stale" and pool:
            return Said(payload=pool[move.n % len(pool)])
        if kind == "media":
            return Said(move.text or None, media=(self._media(move.n),))
        if kind == "command":
            names = [*sorted(self.app.registry.commands), "tidakada"]
            return Said("/" + names[move.n % len(names)])
        return Said(WORDS[move.n % len(WORDS)])

    def _crafted(self, move: Move) -> str:
        """A payload a person could forge: random, or a known prefix with odd parts."""
        prefixes = ["f", "cmd", *sorted(self.app.registry.prefixes), "zz"]
        prefix = prefixes[move.n % len(prefixes)]
        forms = [
            move.text,
            f"{prefix}:{move.text}",
            f"{prefix}:{move.n}",
            f"{prefix}:x:{move.n}",
            f"{prefix}:{move.n}:{move.n}",
            f"f:{move.text}:{move.n}",
            prefix,
        ]
        return forms[(move.n // 7) % len(forms)][:70]

    def _media(self, n: int) -> Media:
        kind = MEDIA_KINDS[n % len(MEDIA_KINDS)]
        if kind == "photo":
            return Media(str(self.files["photo"]), "image/png", "photo")
        if kind == "document":
            return Media(str(self.files["document"]), "application/pdf", "document", "berkas.pdf")
        if kind == "missing":  # a download that failed: the handler passes an empty path
            return Media("", "image/jpeg", "photo")
        return Media("", f"{kind}/x", kind)

    # -- time -----------------------------------------------------------------------------

    def advance(self, **delta: float) -> None:
        """Move the clock and run the scheduler's turn (recurring work kept scheduled, then the
        tick), checking what it sent."""
        from bot.tick import ensure_recurring, tick

        self.clock.advance(**delta)
        self._last = None  # reminders may have changed anyone's buttons
        ensure_recurring(self.app)
        tick(self.app)
        self.collect(f"tick at {self.clock()}")
        self.check_conversations("tick")


def _sample_files(folder: Path) -> dict[str, Path]:
    from PIL import Image as PILImage

    folder.mkdir(parents=True, exist_ok=True)
    photo = folder / "evidence-photo.png"
    if not photo.exists():
        PILImage.new("RGB", (640, 480), (30, 90, 160)).save(photo)
    document = folder / "evidence-berkas.pdf"
    if not document.exists():
        PILImage.new("RGB", (200, 100), "white").save(document, "PDF")
    return {"photo": photo, "document": document}


def sqlite_app(path: Path, folder: Path, clock: Clock) -> App:
    """The application over the SQLite file `path`, on the console channel."""
    settings = Settings(
        _env_file=None,
        database_url="sqlite:///unused",
        data_dir=folder / "data",
        public_base_url="https://canbot.example.test",
    )
    return build_app(
        settings,
        engine=make_engine(f"sqlite:///{path}"),
        clock=clock,
        channels={Channel.CONSOLE},
        run_migrations=False,
    )


# -- SQLite snapshots ---------------------------------------------------------------------------


def copy_database(src: Path, dest: Path) -> None:
    """Copy a closed SQLite database file (and its WAL, when there is one)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dest)
    if Path(f"{src}-wal").exists():
        shutil.copyfile(f"{src}-wal", f"{dest}-wal")


def snapshot(app: App, dest: Path) -> None:
    """Copy the SQLite database as it is now (all connections closed first)."""
    app.engine.dispose()
    copy_database(_db_path(app), dest)


def restore(app: App, src: Path | sqlite3.Connection) -> None:
    """Put a snapshot (a file, or one held in memory by `held`) back in place of the SQLite
    database, with SQLite's backup API through one of the app's own pooled connections: the
    others see the new content at their next transaction, and nothing has to reconnect."""
    raw = app.engine.raw_connection()
    try:
        target = raw.driver_connection
        assert isinstance(target, sqlite3.Connection), "snapshots are of SQLite databases"
        if isinstance(src, sqlite3.Connection):
            src.backup(target)
        else:
            with closing(sqlite3.connect(src)) as source:
                source.backup(target)
    finally:
        raw.close()
    app.reload_calendar()


def held(src: Path) -> sqlite3.Connection:
    """A snapshot read once into memory, to be put back many times."""
    memory = sqlite3.connect(":memory:", check_same_thread=False)
    with closing(sqlite3.connect(src)) as source:
        source.backup(memory)
    return memory


def _db_path(app: App) -> Path:
    database = app.engine.url.database
    assert database, "snapshots need a SQLite file"
    return Path(database)
