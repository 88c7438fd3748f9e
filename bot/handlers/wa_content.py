"""Real WhatsApp buttons: choices as Content API quick replies (up to 3) or list pickers (10).

`interactive_types` turns a question and its options into the Content API's `types` object,
or None when WhatsApp's limits leave only the numbered list. `ContentStore` creates each
distinct content once through Twilio's Content API and keeps its ContentSid by a hash of the
content, so the same choices reuse the same ContentSid (across restarts with `DbContentCache`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker
from twilio.rest import Client
from twilio.rest.content.v1.content import ContentList

from bot.messages import Option
from storage.db import transaction
from storage.wa_content import content_sid, forget_content, remember_content

log = logging.getLogger(__name__)

QUICK_REPLY_MAX_OPTIONS = 3
QUICK_REPLY_MAX_TITLE = 20
LIST_MAX_OPTIONS = 10
LIST_MAX_ITEM = 24
LIST_MAX_DESCRIPTION = 72
LIST_MAX_BUTTON = 20
MAX_BODY = 1024
MAX_ID = 200
LANGUAGE = "id"


def _fits(text: str, options: tuple[Option, ...]) -> bool:
    return (
        0 < len(text) <= MAX_BODY
        and all(0 < len(o.payload) <= MAX_ID and o.label.strip() for o in options)
        and len({o.payload for o in options}) == len(options)
    )


def interactive_types(
    text: str, options: tuple[Option, ...], list_button: str
) -> dict[str, Any] | None:
    """The Content API `types` for these choices, or None when they must stay a numbered list."""
    if not options or not _fits(text, options):
        return None
    titles = [o.label.strip() for o in options]
    if (
        len(options) <= QUICK_REPLY_MAX_OPTIONS
        and all(len(t) <= QUICK_REPLY_MAX_TITLE for t in titles)
        and len(set(titles)) == len(titles)  # WhatsApp wants distinct button titles
    ):
        actions = [
            {"type": "QUICK_REPLY", "title": title, "id": option.payload}
            for title, option in zip(titles, options, strict=True)
        ]
        return {"twilio/quick-reply": {"body": text, "actions": actions}}
    button = list_button.strip()[:LIST_MAX_BUTTON]
    if len(options) > LIST_MAX_OPTIONS or not button:
        return None
    if any(len(t) > LIST_MAX_DESCRIPTION for t in titles):
        return None
    items = [
        # A long label is cut on the item and shown whole in its description.
        {"id": option.payload, "item": _cut(title, LIST_MAX_ITEM), "description": title}
        for title, option in zip(titles, options, strict=True)
    ]
    return {"twilio/list-picker": {"body": text, "button": button, "items": items}}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def content_key(types: dict[str, Any]) -> str:
    """A stable name for a content: the SHA-256 of its canonical JSON."""
    canonical = json.dumps(types, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ContentCache(Protocol):
    """Where ContentSids are kept by content key."""

    def get(self, key: str) -> str | None:
        """The ContentSid kept for `key`, or None."""
        ...

    def put(self, key: str, sid: str) -> str:
        """Keep `sid` for `key` (unless one is kept already); return the one kept."""
        ...

    def forget(self, key: str) -> None:
        """Drop what is kept for `key`."""
        ...


class MemoryContentCache:
    """ContentSids for this process only."""

    def __init__(self) -> None:
        self._sids: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        """The ContentSid kept for `key`, or None."""
        with self._lock:
            return self._sids.get(key)

    def put(self, key: str, sid: str) -> str:
        """Keep `sid` for `key` (unless one is kept already); return the one kept."""
        with self._lock:
            return self._sids.setdefault(key, sid)

    def forget(self, key: str) -> None:
        """Drop what is kept for `key`."""
        with self._lock:
            self._sids.pop(key, None)


class DbContentCache:
    """ContentSids in the database: reused across restarts and by every sender."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] | None = None
    ) -> None:
        self._sessions = sessions
        self._clock = clock or (lambda: datetime.now(UTC))

    def get(self, key: str) -> str | None:
        """The ContentSid kept for `key`, or None."""
        with self._sessions() as session:
            return content_sid(session, key)

    def put(self, key: str, sid: str) -> str:
        """Keep `sid` for `key` (unless one is kept already); return the one kept."""
        with transaction(self._sessions) as session:
            return remember_content(session, key, sid, self._clock())

    def forget(self, key: str) -> None:
        """Drop what is kept for `key`."""
        with transaction(self._sessions) as session:
            forget_content(session, key)


class ContentStore:
    """Creates content through Twilio's Content API once per distinct content (synchronous)."""

    def __init__(self, client: Client, cache: ContentCache) -> None:
        self._client = client
        self._cache = cache
        self._lock = threading.Lock()

    def sid_for(self, types: dict[str, Any]) -> str:
        """The ContentSid showing `types`, created now when none is kept; raises on failure."""
        key = content_key(types)
        found = self._cache.get(key)
        if found:
            return found
        with self._lock:  # two sends of new choices at once create them once
            found = self._cache.get(key)
            if found:
                return found
            request = ContentList.ContentCreateRequest(
                {
                    "friendly_name": f"canbot_{key[:16]}",
                    "language": LANGUAGE,
                    "variables": {},
                    "types": types,
                }
            )
            created = self._client.content.v1.contents.create(content_create_request=request)
            sid = str(created.sid or "")
            if not sid:
                raise ValueError("the Content API answered without a sid")
            log.info("created whatsapp content %s (%s)", sid, next(iter(types)))
            return self._cache.put(key, sid)

    def forget(self, types: dict[str, Any]) -> None:
        """Forget the ContentSid of `types` (Twilio refused it), so it is created anew."""
        self._cache.forget(content_key(types))
