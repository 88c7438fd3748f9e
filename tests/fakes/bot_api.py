"""A fake Telegram Bot API server for tests: real HTTP on 127.0.0.1, no Telegram.

Point python-telegram-bot at it with `base_url=fake.base_url` and
`base_file_url=fake.base_file_url`. It implements the methods the bot uses, answers with
realistic JSON, records every call, and can inject failures (429 with retry_after, 5xx,
delays) and enforce flood limits (30 messages/s overall, 1/s per chat).

    with FakeBotAPI() as fake:
        fake.user_text(111, "halo")          # queued for getUpdates
        fake.fail("sendMessage", 429, retry_after=5)
        ...
        fake.calls_to("sendMessage")[0].params["text"]
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes._server import (
    Failure,
    FailureQueue,
    RateEnforcer,
    ThreadedServer,
    UploadedFile,
    read_params,
)

DEFAULT_TOKEN = "123456789:fake-token-for-tests-only"

# Telegram's HTML parse mode: these tags, these four entities, anything else is refused.
_HTML_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre"})
_HTML_TOKEN = re.compile(r"<(/?)([a-z-]+)>|&(lt|gt|amp|quot);|[<>&]")
_ENTITY_TYPE = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
                "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
                "del": "strikethrough", "code": "code", "pre": "pre"}  # fmt: skip


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """What Telegram makes of `text` in HTML parse mode: the visible text and its entities.

    Raises ApiError 400 "can't parse entities" as the Bot API does for an unknown tag, a bare
    `<`/`&`, or tags that do not nest.
    """
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, int]] = []
    position = 0
    for match in _HTML_TOKEN.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        closing, tag, entity = match[1], match[2], match[3]
        if entity:
            out.append({"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[entity])
        elif tag is None or tag not in _HTML_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: unsupported {match[0]!r}")
        elif not closing:
            stack.append((tag, _utf16_len("".join(out))))
        else:
            if not stack or stack[-1][0] != tag:
                raise ApiError(400, f"Bad Request: can't parse entities: unmatched </{tag}>")
            _, start = stack.pop()
            length = _utf16_len("".join(out)) - start
            entities.append({"type": _ENTITY_TYPE[tag], "offset": start, "length": length})
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: <{stack[-1][0]}> not closed")
    out.append(text[position:])
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
    }
)
_INT_FIELDS = frozenset({"message_id", "offset", "limit", "timeout", "cache_time"})
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_content_type_detection",
        "allow_sending_without_reply",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_DOWNLOAD = 20 * 1024 * 1024


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class Call:
    """One recorded API call."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    at: float
    status: int = 0


@dataclass
class StoredFile:
    """A file the fake can serve through getFile and /file/bot<token>/<path>."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    size: int


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _normalise(params: dict[str, Any]) -> dict[str, Any]:
    """Decode PTB's form values: JSON-encoded objects, ints and booleans."""
    result: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _JSON_FIELDS or key in _BOOL_FIELDS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif key in _INT_FIELDS or key == "chat_id":
                with contextlib.suppress(ValueError):
                    value = int(value)
        result[key] = value
    return result


class FakeBotAPI:
    """The fake server and its state; thread-safe (the server runs in its own thread)."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, long_poll_cap: float = 0.2) -> None:
        self.token = token
        self.long_poll_cap = long_poll_cap
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "CAN Bot",
            "username": "can_bot_test",
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._server = ThreadedServer(
            Starlette(
                routes=[
                    Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                    Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
                ]
            )
        )
        self._handlers = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "answercallbackquery": self._answer_callback_query,
            "editmessagereplymarkup": self._edit_reply_markup,
            "editmessagetext": self._edit_text,
            "getfile": self._get_file,
        }
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeBotAPI:
        """Start serving on a free port."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.stop()

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """http://127.0.0.1:<port>"""
        return self._server.url

    @property
    def base_url(self) -> str:
        """What PTB's `base_url` should be (the token is appended by PTB)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What PTB's `base_file_url` should be."""
        return f"{self.url}/file/bot"

    def reset(self) -> None:
        """Forget all state, calls and injected failures (keep the server running)."""
        with self._lock:
            # Requests still in flight from before a reset (an injected delay outliving its
            # test) see the generation change and touch nothing.
            self.generation = getattr(self, "generation", 0) + 1
            self.calls: list[Call] = []
            self.failures = FailureQueue()
            self.rate: RateEnforcer | None = None
            self.rate_limited = 0
            self.messages: dict[tuple[int, int], dict[str, Any]] = {}
            self.files: dict[str, StoredFile] = {}
            self.webhook: dict[str, Any] | None = None
            self.commands: list[dict[str, Any]] = []  # the default scope, every language
            # Every scope's menu: (scope type, chat id or None, language code or "") -> commands
            self.command_menus: dict[tuple[str, int | None, str], list[dict[str, Any]]] = {}
            self.blocked_chats: set[int] = set()
            self.missing_chats: set[int] = set()
            self.callbacks: dict[str, bool] = {}  # callback id -> answered
            self._updates: list[dict[str, Any]] = []
            # Ids keep growing across resets: a long poll left over from an earlier test
            # confirms by offset, and must not swallow a later test's updates.
            self._next_update_id = getattr(self, "_next_update_id", 1000)
            self._next_message_id = getattr(self, "_next_message_id", 1)

    # -- failure injection ------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` ("*": any) with an error."""
        with self._lock:
            self.failures.add(
                method.lower() if method != "*" else "*",
                Failure(status, description, retry_after, times=times),
            )

    def delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Wait `seconds` before answering the next `times` calls of `method`."""
        with self._lock:
            self.failures.add(
                method.lower() if method != "*" else "*", Failure(delay=seconds, times=times)
            )

    def hold(self, method: str) -> threading.Event:
        """Hold the next call of `method` unanswered until the returned event is set."""
        released = threading.Event()
        with self._lock:
            self.failures.add(method.lower(), Failure(hold=released))
        return released

    def enforce_rate_limits(
        self,
        overall_per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        slack: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Answer 429 to sends over the flood limits; count them in `rate_limited`.

        `slack` is how many seconds' worth of sends may arrive early (bunched by the network or
        a busy machine) before the overall limit answers 429. With a test's driven `clock`
        nothing is bunched by the machine: give it no slack."""
        with self._lock:
            self.rate = RateEnforcer(overall_per_second, per_chat_interval, slack, clock)

    def arrivals(self) -> list[float]:
        """When each send checked against the flood limits arrived, by their clock."""
        with self._lock:
            return list(self.rate.arrivals) if self.rate is not None else []

    # -- building updates --------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates, assigning its update_id."""
        with self._lock:
            self._next_update_id += 1
            update = {"update_id": self._next_update_id, **update}
            self._updates.append(update)
            return update

    @staticmethod
    def user(user_id: int, first_name: str = "Budi") -> dict[str, Any]:
        """A Telegram user object."""
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": "id",
        }

    def _user_message(self, user_id: int, **content: Any) -> dict[str, Any]:
        with self._lock:
            self._next_message_id += 1
            message_id = self._next_message_id
        return {
            "message_id": message_id,
            "from": self.user(user_id),
            "chat": {"id": user_id, "type": "private", "first_name": "Budi"},
            "date": int(time.time()),
            **content,
        }

    def user_text(self, user_id: int, text: str) -> dict[str, Any]:
        """The user sends text (a leading /command gets its bot_command entity)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.push_update({"message": self._user_message(user_id, **content)})

    def user_contact(
        self, user_id: int, phone_number: str, contact_user_id: int | None
    ) -> dict[str, Any]:
        """The user shares a contact (their own when contact_user_id == user_id)."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": "Budi"}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self.push_update({"message": self._user_message(user_id, contact=contact)})

    def add_file(self, data: bytes, file_path: str, *, size: int | None = None) -> StoredFile:
        """Make a file downloadable through getFile."""
        token = secrets.token_hex(8)
        stored = StoredFile(
            file_id=f"AgAD{token}",
            file_unique_id=f"AQAD{token[:8]}",
            file_path=file_path,
            data=data,
            size=len(data) if size is None else size,
        )
        with self._lock:
            self.files[stored.file_id] = stored
        return stored

    def user_photo(self, user_id: int, data: bytes, caption: str | None = None) -> dict[str, Any]:
        """The user sends a photo: a small thumbnail size and the full-size `data`."""
        thumb = self.add_file(b"thumbnail", "photos/thumb.jpg")
        full = self.add_file(data, f"photos/file_{secrets.token_hex(3)}.jpg")
        sizes = [
            {
                "file_id": thumb.file_id,
                "file_unique_id": thumb.file_unique_id,
                "width": 90,
                "height": 67,
                "file_size": thumb.size,
            },
            {
                "file_id": full.file_id,
                "file_unique_id": full.file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": full.size,
            },
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self.push_update({"message": self._user_message(user_id, **content)})

    def user_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str,
        mime_type: str,
        *,
        size: int | None = None,
    ) -> dict[str, Any]:
        """The user sends a file."""
        stored = self.add_file(data, f"documents/file_{secrets.token_hex(3)}", size=size)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": stored.size,
        }
        return self.push_update({"message": self._user_message(user_id, document=document)})

    def user_sticker(self, user_id: int) -> dict[str, Any]:
        """The user sends a sticker."""
        sticker = {
            "file_id": "CAACAgIAAxkBAAI",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self.push_update({"message": self._user_message(user_id, sticker=sticker)})

    def user_voice(self, user_id: int) -> dict[str, Any]:
        """The user sends a voice note."""
        voice = {
            "file_id": "AwACAgIAAxkBAAI",
            "file_unique_id": "AgADvoice",
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_size": 4242,
        }
        return self.push_update({"message": self._user_message(user_id, voice=voice)})

    def user_presses(self, user_id: int, message: dict[str, Any], data: str) -> dict[str, Any]:
        """The user presses an inline button with `data` under `message` (as the bot sent it)."""
        callback_id = str(secrets.randbits(62))
        with self._lock:
            self.callbacks[callback_id] = False
            stored = self.messages.get((message["chat"]["id"], message["message_id"]), message)
            current = json.loads(json.dumps(stored))  # a snapshot, as Telegram sends it
        query = {
            "id": callback_id,
            "from": self.user(user_id),
            "message": current,
            "chat_instance": "-4242424242",
            "data": data,
        }
        return self.push_update({"callback_query": query})

    # -- assertions --------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls of one method (case-insensitive)."""
        with self._lock:
            return [c for c in self.calls if c.method.lower() == method.lower()]

    def sent(self) -> list[Call]:
        """Successful sendMessage/sendPhoto/sendDocument calls, in order."""
        with self._lock:
            return [c for c in self.calls if c.method.lower() in SEND_METHODS and c.status == 200]

    def unanswered_sends(self) -> int:
        """Sends received and not answered yet (a delayed one still waiting out its delay)."""
        with self._lock:
            return sum(1 for c in self.calls if c.method.lower() in SEND_METHODS and not c.status)

    def pending_updates(self) -> int:
        """Updates not yet confirmed by an offset."""
        with self._lock:
            return len(self._updates)

    # -- HTTP --------------------------------------------------------------------------------

    @staticmethod
    def _error(exc: ApiError) -> JSONResponse:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": exc.status,
            "description": exc.description,
        }
        if exc.parameters:
            body["parameters"] = exc.parameters
        return JSONResponse(body, status_code=exc.status)

    async def _api(self, request: Request) -> Response:
        raw, files = await read_params(request)
        params = _normalise(raw)
        method = request.path_params["method"]
        call = Call(method, params, files, time.monotonic())
        with self._lock:
            self.calls.append(call)
            failure = self.failures.take(method.lower())
            generation = self.generation
        try:
            if request.path_params["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if failure is not None:
                if failure.delay or failure.hold is not None:
                    if failure.hold is not None:
                        await asyncio.to_thread(failure.hold.wait, 120)
                    await asyncio.sleep(failure.delay)
                    if generation != self.generation:
                        raise ApiError(503, "Service Unavailable: the fake was reset")
                    if await request.is_disconnected():
                        # The client timed out and left: like a lost request, nothing happens.
                        raise ApiError(499, "Client Closed Request")
                if failure.status is not None:
                    raise self._injected(failure)
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            if method.lower() in SEND_METHODS:
                self._check_rate(params.get("chat_id"))
            result = await handler(params, files)
        except ApiError as exc:
            call.status = exc.status
            return self._error(exc)
        call.status = 200
        return JSONResponse({"ok": True, "result": result})

    @staticmethod
    def _injected(failure: Failure) -> ApiError:
        status = failure.status or 500
        if status == 429:
            retry = failure.retry_after if failure.retry_after is not None else 1
            return ApiError(
                429,
                failure.description or f"Too Many Requests: retry after {int(retry)}",
                {"retry_after": retry},
            )
        default = {
            400: "Bad Request",
            403: "Forbidden: bot was blocked by the user",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }.get(status, "Error")
        return ApiError(status, failure.description or default)

    def _check_rate(self, chat_id: Any) -> None:
        with self._lock:
            if self.rate is None:
                return
            wait = self.rate.check(chat_id)
            if wait is None:
                return
            self.rate_limited += 1
        retry = max(1, int(wait + 0.999))
        raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        path = request.path_params["path"]
        with self._lock:
            self.calls.append(Call("download", {"path": path}, {}, time.monotonic(), 200))
            found = next((f for f in self.files.values() if f.file_path == path), None)
        if found is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return Response(found.data, media_type="application/octet-stream")

    # -- methods -----------------------------------------------------------------------------

    async def _get_me(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self.bot_user

    async def _get_updates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            if self.webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, self.long_poll_cap)
        generation = self.generation
        while True:
            with self._lock:
                if offset:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or time.monotonic() >= deadline or generation != self.generation:
                    return self._updates[:limit]
            await asyncio.sleep(0.01)

    async def _set_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        url = str(params.get("url", ""))
        if not url:
            return await self._delete_webhook(params, files)
        if not url.startswith("https://"):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        with self._lock:
            self.webhook = dict(params)
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    async def _delete_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            self.webhook = None
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    async def _get_webhook_info(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        with self._lock:
            return {
                "url": (self.webhook or {}).get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }

    async def _set_my_commands(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND.fullmatch(
                str(command.get("command", ""))
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: command description is empty or too long")
        key = self._menu_key(params)
        with self._lock:
            if commands:
                self.command_menus[key] = commands
            else:  # an empty list deletes the menu, as deleteMyCommands does
                self.command_menus.pop(key, None)
            self.commands = self.command_menus.get(("default", None, ""), [])
        return True

    @staticmethod
    def _menu_key(params: dict[str, Any]) -> tuple[str, int | None, str]:
        scope = params.get("scope") or {"type": "default"}
        kinds = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")
        if not isinstance(scope, dict) or scope.get("type") not in (*kinds, "chat"):
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        chat = scope.get("chat_id") if scope["type"] == "chat" else None
        if scope["type"] == "chat" and not isinstance(chat, int):
            raise ApiError(400, "Bad Request: chat not found")
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError(400, "Bad Request: invalid language code")
        return str(scope["type"]), chat, language

    async def _delete_my_commands(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        key = self._menu_key(params)
        with self._lock:
            self.command_menus.pop(key, None)
            self.commands = self.command_menus.get(("default", None, ""), [])
        return True

    def menu_seen(self, chat_id: int, language: str = "", group: bool = False) -> list[str]:
        """The commands Telegram would show in a chat, resolved through the scopes as Telegram
        does (a chat's own, then all private or all group chats, then the default; each in the
        user's language first, then for every language)."""
        kind = "all_group_chats" if group else "all_private_chats"
        order = [("chat", chat_id), (kind, None), ("default", None)]
        with self._lock:
            for scope, chat in order:
                for lang in dict.fromkeys((language, "")):
                    found = self.command_menus.get((scope, chat, lang))
                    if found:
                        return [str(c["command"]) for c in found]
        return []

    async def _get_my_commands(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        key = self._menu_key(params)
        with self._lock:
            return self.command_menus.get(key, [])

    def _chat(self, params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        with self._lock:
            if chat_id in self.missing_chats:
                raise ApiError(400, "Bad Request: chat not found")
            if chat_id in self.blocked_chats:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    @staticmethod
    def _check_markup(markup: Any) -> dict[str, Any] | None:
        """Validate reply_markup; return it when it is an inline keyboard (echoed back)."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            for row in markup["inline_keyboard"]:
                for button in row:
                    if not button.get("text"):
                        raise ApiError(400, "Bad Request: text buttons are unallowed")
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode()) <= 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            return markup
        if "keyboard" in markup:
            for row in markup["keyboard"]:
                for button in row:
                    text = button if isinstance(button, str) else button.get("text")
                    if not text:
                        raise ApiError(400, "Bad Request: keyboard button text is empty")
        return None

    def _store(self, chat_id: int, **content: Any) -> dict[str, Any]:
        with self._lock:
            self._next_message_id += 1
            chat: dict[str, Any] = (
                {"id": chat_id, "type": "private", "first_name": "Budi"}
                if chat_id > 0
                else {"id": chat_id, "type": "supergroup", "title": "Kantor"}
            )
            message = {
                "message_id": self._next_message_id,
                "from": self.bot_user,
                "chat": chat,
                "date": int(time.time()),
                **{k: v for k, v in content.items() if v is not None},
            }
            self.messages[(chat_id, message["message_id"])] = message
            return message

    @staticmethod
    def _parsed(params: dict[str, Any], field: str) -> tuple[str, list[dict[str, Any]]]:
        raw = str(params.get(field, ""))
        mode = params.get("parse_mode")
        if mode is None:
            return raw, []
        if mode != "HTML":
            raise ApiError(400, f"Bad Request: unsupported parse_mode {mode!r} in this fake")
        return parse_html(raw)

    def _caption(self, params: dict[str, Any]) -> str | None:
        if params.get("caption") is None:
            return None
        caption, _ = self._parsed(params, "caption")
        if _utf16_len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return None if caption == "" else caption

    async def _send_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._chat(params)
        text, entities = self._parsed(params, "text")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = self._check_markup(params.get("reply_markup"))
        return self._store(chat_id, text=text, entities=entities or None, reply_markup=markup)

    def _input_file(
        self, name: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> tuple[StoredFile, UploadedFile | None]:
        upload = files.get(name)
        value = params.get(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        if upload is not None:
            return self.add_file(upload.data, f"{name}s/{upload.filename}"), upload
        with self._lock:
            known = self.files.get(str(value)) if value else None
        if known is None:
            raise ApiError(400, f"Bad Request: there is no {name} in the request")
        return known, None

    async def _send_photo(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._chat(params)
        caption = self._caption(params)
        stored, _ = self._input_file("photo", params, files)
        markup = self._check_markup(params.get("reply_markup"))
        sizes = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 800,
                "height": 600,
                "file_size": stored.size,
            }
        ]
        return self._store(chat_id, photo=sizes, caption=caption, reply_markup=markup)

    async def _send_document(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._chat(params)
        caption = self._caption(params)
        stored, upload = self._input_file("document", params, files)
        markup = self._check_markup(params.get("reply_markup"))
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": upload.filename if upload else stored.file_path.rsplit("/", 1)[-1],
            "mime_type": upload.content_type if upload else "application/octet-stream",
            "file_size": stored.size,
        }
        return self._store(chat_id, document=document, caption=caption, reply_markup=markup)

    async def _answer_callback_query(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        callback_id = str(params.get("callback_query_id", ""))
        with self._lock:
            if self.callbacks.get(callback_id, True):
                raise ApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired or "
                    "query ID is invalid",
                )
            self.callbacks[callback_id] = True
        return True

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("chat_id"), params.get("message_id"))
        with self._lock:
            message = self.messages.get(key)  # type: ignore[arg-type]
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    async def _edit_reply_markup(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        message = self._editable(params)
        markup = self._check_markup(params.get("reply_markup"))
        with self._lock:
            if message.get("reply_markup") == markup:
                raise ApiError(
                    400,
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message",
                )
            if markup is None:
                message.pop("reply_markup", None)
            else:
                message["reply_markup"] = markup
            message["edit_date"] = int(time.time())
            return dict(message)

    async def _edit_text(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        message = self._editable(params)
        text = str(params.get("text", ""))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        markup = self._check_markup(params.get("reply_markup"))
        with self._lock:
            if message.get("text") == text and message.get("reply_markup") == markup:
                raise ApiError(400, "Bad Request: message is not modified")
            message["text"] = text
            if markup is None:
                message.pop("reply_markup", None)
            else:
                message["reply_markup"] = markup
            message["edit_date"] = int(time.time())
            return dict(message)

    async def _get_file(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            stored = self.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.size > MAX_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }
