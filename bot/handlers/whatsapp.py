"""WhatsApp through Twilio: signed webhooks in, the Messages API out.

`whatsapp_routes` serves Twilio's webhooks (incoming messages and delivery statuses), refusing
any request whose `X-Twilio-Signature` does not match. `WhatsAppSender` delivers replies with
the official `twilio` client; outside WhatsApp's 24-hour customer-service window it sends an
approved template for openers and admin alerts, and holds everything else (bot/held.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.config import Settings
from bot.handlers.base import (
    Delivery,
    HoldSendError,
    InboundSink,
    PermanentSendError,
    SendError,
    TransientSendError,
)
from bot.handlers.telegram import split_text
from bot.handlers.wa_content import (
    ContentCache,
    ContentStore,
    MemoryContentCache,
    interactive_types,
)
from bot.messages import (
    Channel,
    Choices,
    ContactRequest,
    Document,
    Image,
    Inbound,
    Media,
    Option,
    Reply,
    Text,
    reply_text,
)

log = logging.getLogger(__name__)

StatusSink = Callable[[str, str, str | None], Awaitable[None]]
"""Receives (message_sid, status, error_code) from Twilio's status callbacks."""


class MediaUrlFor(Protocol):
    """Turns a media-storage path into a public URL Twilio can fetch."""

    def __call__(self, path: str, filename: str = "", /) -> str:
        """The URL; `filename` is the name the recipient sees (the file's own when empty)."""
        ...


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SIGNATURE_HEADER = "X-Twilio-Signature"
INBOUND_PATH = "/whatsapp/inbound"
STATUS_PATH = "/whatsapp/status"
FORWARDED_STATUSES = frozenset({"sent", "delivered", "read", "failed", "undelivered"})
CHOICES_HINT = "Balas dengan angka atau teks pilihan."

MAX_BODY = 1600  # Twilio's limit for Body
MAX_MEDIA = 10
MAX_MEDIA_BYTES = 25 * 1024 * 1024
MAX_TEMPLATE_VARIABLE = 1000
WINDOW_SECONDS = 24 * 3600
QUICK_REPLY_MAX_OPTIONS = 3
QUICK_REPLY_MAX_LABEL = 20
QUICK_REPLY_MAX_BODY = 1024
QUICK_REPLY_MAX_ID = 200
# 400-level Twilio codes that are worth retrying: queue full, too many requests.
TRANSIENT_CODES = frozenset({20429, 21611, 63018, 30001, 30008})
# Every Twilio error code the bot may meet, as the key of the sentence people are shown
# (`delivery.reason_<key>`); an unknown code reads "refused" and keeps its number in `error`.
TWILIO_REASONS: dict[int, str] = {
    20003: "credentials",
    20429: "rate_limited",
    21211: "invalid_number",
    21408: "region_blocked",
    21610: "unsubscribed",
    21611: "rate_limited",
    21612: "invalid_number",
    21614: "invalid_number",
    21617: "too_long",
    21656: "bad_template",
    30001: "rate_limited",
    30003: "unreachable_phone",
    30004: "blocked",
    30005: "invalid_number",
    30006: "unreachable_phone",
    30007: "filtered",
    30008: "platform_error",
    63003: "not_on_whatsapp",
    63005: "sender_problem",
    63007: "sender_problem",
    63013: "policy",
    63016: "window_closed",
    63018: "rate_limited",
    63021: "bad_template",
    63024: "not_on_whatsapp",
    63027: "bad_template",
    63030: "bad_template",
    63032: "not_on_whatsapp",
    63049: "filtered",
    63051: "policy",
    21655: "bad_template",
}
# Kinds that go out as their own template when the window is closed; everything else (but
# replies) is held until the person opens the window (bot/held.py).
TEMPLATE_KINDS = frozenset({"opener", "admin_alert"})
ERR_CONTENT_SID = 21655  # "The ContentSid is Invalid"

_PHOTO_TYPES = frozenset({"image/jpeg", "image/jpg", "image/png"})
_DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "text/plain",
        "text/csv",
    }
)
_SAFE = re.compile(r"[^A-Za-z0-9]")
# Keys of a rendered message whose buttons are made real (a Content API SID) when it is sent.
_INTERACTIVE = "_interactive"
_FALLBACK = "_numbered"


# -- inbound ---------------------------------------------------------------------------------


def media_kind(content_type: str) -> str:
    """photo | document | sticker | audio | video | other, from a MIME type."""
    if content_type in _PHOTO_TYPES:
        return "photo"
    if content_type in _DOCUMENT_TYPES:
        return "document"
    if content_type == "image/webp":
        return "sticker"
    if content_type.startswith("audio/"):
        return "audio"
    if content_type.startswith("video/"):
        return "video"
    return "other"


def _secret(settings: Settings) -> str:
    token = settings.twilio_auth_token
    return token.get_secret_value() if token is not None else ""


def _public_url(settings: Settings, request: Request) -> str:
    """The URL Twilio signed: PUBLIC_BASE_URL + path (the app may sit behind a proxy)."""
    if not settings.public_base_url:
        return str(request.url)
    url = settings.public_base_url.rstrip("/") + request.url.path
    return f"{url}?{request.url.query}" if request.url.query else url


async def _signed_form(settings: Settings, request: Request) -> dict[str, str] | None:
    """The form fields when the Twilio signature is valid, else None."""
    token = _secret(settings)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        return None
    body = await request.body()
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        return None
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    if not RequestValidator(token).validate(_public_url(settings, request), form, signature):
        return None
    return form


def _trusted_host(settings: Settings, url: str) -> bool:
    """Only Twilio (or the configured stand-in) gets our credentials."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and (host == "twilio.com" or host.endswith(".twilio.com")):
        return True
    if settings.twilio_api_base_url:
        base = urlsplit(settings.twilio_api_base_url)
        return (parts.scheme, parts.netloc) == (base.scheme, base.netloc)
    return False


async def _download(client: httpx.AsyncClient, settings: Settings, url: str, path: Path) -> bool:
    """Fetch one media file to `path`; False when it could not be fetched."""
    auth = None
    if _trusted_host(settings, url):
        auth = httpx.BasicAuth(settings.twilio_account_sid, _secret(settings))
    partial = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        async with client.stream("GET", url, auth=auth) as response:
            if response.status_code != 200:
                log.warning("twilio media %s answered %s", url, response.status_code)
                return False
            size = 0
            with open(partial, "wb") as fh:
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_MEDIA_BYTES:
                        log.warning("twilio media %s is over %d bytes", url, MAX_MEDIA_BYTES)
                        break
                    fh.write(chunk)
        if size > MAX_MEDIA_BYTES:
            partial.unlink(missing_ok=True)
            return False
        partial.replace(path)
        return True
    except (httpx.HTTPError, OSError) as exc:
        log.warning("could not download twilio media %s: %s", url, exc)
        partial.unlink(missing_ok=True)
        return False


async def _media(settings: Settings, form: Mapping[str, str]) -> tuple[Media, ...]:
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    if count <= 0:
        return ()
    sid = _SAFE.sub("", form.get("MessageSid", ""))[:40] or str(time.time_ns())
    media: list[Media] = []
    async with httpx.AsyncClient(timeout=15.0, follow_redirects=True) as client:
        for index in range(count):
            url = form.get(f"MediaUrl{index}", "")
            content_type = form.get(f"MediaContentType{index}", "").split(";")[0].strip().lower()
            kind = media_kind(content_type)
            path = ""
            if url and kind in ("photo", "document"):
                suffix = mimetypes.guess_extension(content_type) or ""
                target = settings.media_dir / f"wa-{sid}-{index}{suffix}"
                if await _download(client, settings, url, target):
                    path = str(target)
            media.append(Media(path, content_type, kind))
    return tuple(media)


def _needs_download(form: Mapping[str, str]) -> bool:
    try:
        return int(form.get("NumMedia") or 0) > 0
    except ValueError:
        return False


def _inbound_sender(form: Mapping[str, str]) -> str | None:
    """The WhatsApp number a message is from; None for another channel (SMS, Messenger)."""
    address = form.get("From", "").strip()
    if not address.startswith("whatsapp:"):
        return None
    return address.removeprefix("whatsapp:").strip() or None


async def _inbound(settings: Settings, form: Mapping[str, str]) -> Inbound:
    """The message in a webhook whose sender was checked: media downloaded, buttons read."""
    # A quick-reply press carries ButtonPayload; a list-picker choice, ListId.
    payload = form.get("ButtonPayload") or form.get("ListId") or None
    text = form.get("Body") or form.get("ButtonText") or form.get("ListTitle") or None
    return Inbound(
        channel=Channel.WHATSAPP,
        sender=_inbound_sender(form) or "",
        received_at=datetime.now(UTC),
        text=text,
        payload=payload,
        media=await _media(settings, form),
        message_id=f"wa:{form.get('MessageSid', '')}",
        sender_name=form.get("ProfileName", ""),
    )


class InboundJobs:
    """Messages handled after the webhook has answered, one sender's in the order they came.

    A message with media is downloaded here, so a slow or dead media URL never holds
    Twilio's request; a later message of the same sender waits for it.
    """

    def __init__(self) -> None:
        self._last: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def busy(self, sender: str) -> bool:
        """True while a message of `sender` is still being handled."""
        task = self._last.get(sender)
        return task is not None and not task.done()

    def add(self, sender: str, job: Callable[[], Awaitable[None]]) -> None:
        """Run `job` after the sender's earlier jobs."""
        before = self._last.get(sender)

        async def run() -> None:
            if before is not None:
                await asyncio.gather(before, return_exceptions=True)
            try:
                await job()
            except Exception:
                log.exception("a whatsapp message from the background failed")

        task = asyncio.create_task(run())
        self._tasks.add(task)
        self._last[sender] = task

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            if self._last.get(sender) is finished:
                del self._last[sender]

        task.add_done_callback(done)

    async def idle(self) -> None:
        """Wait until every job (and any job they started) has ended."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


def whatsapp_routes(
    settings: Settings,
    sink: InboundSink,
    status_sink: StatusSink,
    jobs: InboundJobs | None = None,
) -> list[Route]:
    """POST /whatsapp/inbound and /whatsapp/status, both checking Twilio's signature."""
    background = jobs or InboundJobs()

    async def handle(form: Mapping[str, str]) -> None:
        await sink(await _inbound(settings, form))

    async def inbound(request: Request) -> Response:
        form = await _signed_form(settings, request)
        if form is None:
            return Response(status_code=403)
        sender = _inbound_sender(form)
        if not form.get("MessageSid"):
            return Response(status_code=400)
        if sender is None:  # SMS or Messenger to the same number: not this bot's channel
            prefix, colon, _address = form.get("From", "").partition(":")
            log.info(
                "ignoring a message that is not from whatsapp (%s)",
                _SAFE.sub("", prefix) if colon else "sms",
            )
            return Response(EMPTY_TWIML, media_type="text/xml")
        if _needs_download(form) or background.busy(sender):
            background.add(sender, lambda: handle(form))
            return Response(EMPTY_TWIML, media_type="text/xml")
        try:
            await handle(form)
        except Exception:
            log.exception("inbound sink failed for wa:%s", form.get("MessageSid", ""))
            return Response(status_code=500)
        return Response(EMPTY_TWIML, media_type="text/xml")

    async def status(request: Request) -> Response:
        form = await _signed_form(settings, request)
        if form is None:
            return Response(status_code=403)
        sid = form.get("MessageSid", "")
        state = form.get("MessageStatus", "")
        if sid and state in FORWARDED_STATUSES:
            await status_sink(sid, state, form.get("ErrorCode") or None)
        return Response(status_code=204)

    return [
        Route(INBOUND_PATH, inbound, methods=["POST"]),
        Route(STATUS_PATH, status, methods=["POST"]),
    ]


# -- outbound --------------------------------------------------------------------------------


class _RateLimited(Exception):
    def __init__(self, retry_after: float | None) -> None:
        super().__init__("twilio answered 429 Too Many Requests")
        self.retry_after = retry_after


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class _RoutedHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Twilio's HTTP client, sending twilio.com requests to `base_url` when one is set."""

    def __init__(self, base_url: str | None, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._base = urlsplit(base_url) if base_url else None

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if self._base is not None:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            if host == "twilio.com" or host.endswith(".twilio.com"):
                path = self._base.path.rstrip("/") + parts.path
                url = urlunsplit((self._base.scheme, self._base.netloc, path, parts.query, ""))
        response = super().request(method, url, *args, **kwargs)
        if response.status_code == 429:
            raise _RateLimited(_retry_after(response.headers))
        return response


def twilio_reason(code: object) -> str:
    """The reason key for a Twilio error code (from an API answer or a status callback)."""
    try:
        number = int(str(code))
    except ValueError:
        return "refused"
    return TWILIO_REASONS.get(number, "refused")


def _send_error(exc: Exception) -> SendError:
    """Sort a Twilio failure into transient or permanent, with the reason people are told."""
    if isinstance(exc, _RateLimited):
        return TransientSendError(str(exc), retry_after=exc.retry_after, reason="rate_limited")
    if isinstance(exc, TwilioRestException):
        status = int(exc.status)
        described = f"twilio {status} (code {exc.code}): {exc.msg}"
        if status >= 500:
            return TransientSendError(described, reason="twilio_down")
        reason = twilio_reason(exc.code) if exc.code else "refused"
        if status == 401:
            reason = "credentials"
        if status == 429 or exc.code in TRANSIENT_CODES:
            return TransientSendError(described, reason=reason)
        return PermanentSendError(described, reason=reason)
    if isinstance(exc, OSError | TwilioException):  # requests' errors are OSErrors
        return TransientSendError(f"twilio unreachable: {type(exc).__name__}", reason="offline")
    return TransientSendError(f"twilio send failed: {type(exc).__name__}", reason="offline")


def _whatsapp_address(number: str) -> str:
    number = number.strip()
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


def template_value(text: str) -> str:
    """A template variable: no newlines/tabs or long space runs (WhatsApp refuses them)."""
    value = re.sub(r"\s+", " ", text).strip()[:MAX_TEMPLATE_VARIABLE].strip()
    return value or "-"


def _is_calendar(path: str, filename: str) -> bool:
    return any(name.lower().endswith(".ics") for name in (path, filename))


def numbered_choices(text: str, options: tuple[Option, ...]) -> str:
    """Choices as text: the question, a numbered list of labels, and how to answer."""
    if not options:
        return text
    lines = "\n".join(f"{i}. {option.label}" for i, option in enumerate(options, 1))
    return f"{text}\n\n{lines}\n\n{CHOICES_HINT}"


class WhatsAppSender:
    """Delivers replies with the twilio client (in a worker thread, it is synchronous)."""

    channel = Channel.WHATSAPP

    def __init__(
        self,
        settings: Settings,
        media_url_for: MediaUrlFor,
        *,
        timeout: float = 15.0,
        clock: Callable[[], float] = time.time,
        window_margin: float = 300.0,
        content_cache: ContentCache | None = None,
        list_button: str = "Pilih",
    ) -> None:
        self._http = _RoutedHttpClient(settings.twilio_api_base_url or None, timeout)
        self._client = Client(
            settings.twilio_account_sid, _secret(settings), http_client=self._http
        )
        self._from = _whatsapp_address(settings.twilio_whatsapp_from)
        self._templates = settings.template_sids()
        self._media_url_for = media_url_for
        self._clock = clock
        self._window = WINDOW_SECONDS - window_margin
        base = settings.public_base_url.rstrip("/")
        self._status_callback = f"{base}{STATUS_PATH}" if base else None
        self._contents = ContentStore(self._client, content_cache or MemoryContentCache())
        self._list_button = list_button

    async def send(self, delivery: Delivery) -> str:
        """Deliver one reply (several messages when long); return the last message SID."""
        to = _whatsapp_address(delivery.recipient)
        sid = ""
        # Rendering may publish a media link (a database write): off the event loop.
        for params in await asyncio.to_thread(self._render, delivery):
            try:
                sid = await asyncio.to_thread(self._create, to, params)
            except Exception as exc:
                raise _send_error(exc) from exc
        return sid

    def _create(self, to: str, params: dict[str, Any]) -> str:
        if _INTERACTIVE in params:
            return self._create_interactive(to, params)
        extra: dict[str, Any] = {}
        if self._status_callback:
            extra["status_callback"] = self._status_callback
        message = self._client.messages.create(to=to, from_=self._from, **extra, **params)
        return str(message.sid)

    def _outside_window(self, delivery: Delivery) -> bool:
        if delivery.kind == "reply":
            return False
        last = delivery.last_inbound_at
        return last is None or self._clock() - last > self._window

    def holds(self, delivery: Delivery) -> bool:
        """Outside the window, everything but a template kind waits for the person."""
        return delivery.kind not in TEMPLATE_KINDS and self._outside_window(delivery)

    def _render(self, delivery: Delivery) -> list[dict[str, Any]]:
        reply = delivery.reply
        if self.holds(delivery):
            raise HoldSendError("outside the 24-hour window: held until it opens")
        if delivery.kind == "opener" or self._outside_window(delivery):
            content_sid = self._templates.get(delivery.kind)
            if not content_sid:
                raise PermanentSendError(
                    f"outside 24h window, no approved template for {delivery.kind}",
                    reason="no_template",
                )
            text = reply_text(reply)
            if not text and isinstance(reply, Document):
                text = reply.filename
            variables = {"1": template_value(text)}
            return [{"content_sid": content_sid, "content_variables": json.dumps(variables)}]
        return self._render_session(reply)

    def _render_session(self, reply: Reply) -> list[dict[str, Any]]:
        match reply:
            case Text(text=text) | ContactRequest(text=text):
                return self._bodies(text)
            case Choices(text=text, options=options):
                quick = self._quick_reply(text, options)
                if quick:
                    return [quick]
                numbered = numbered_choices(text, options)
                types = interactive_types(text, options, self._list_button)
                if types is not None and len(numbered) <= MAX_BODY:
                    return [{_INTERACTIVE: types, _FALLBACK: numbered}]
                return self._bodies(numbered)
            case Document(path=path, filename=filename, caption=caption) if _is_calendar(
                path, filename
            ):
                return self._calendar_link(path, filename, caption)
            case Document(path=path, filename=filename, caption=caption):
                return self._media(path, caption, filename)
            case Image(path=path, caption=caption):
                return self._media(path, caption)
        raise PermanentSendError(f"cannot render {type(reply).__name__} on whatsapp")

    def _create_interactive(self, to: str, params: dict[str, Any]) -> str:
        """Real buttons: the ContentSid of the choices, created once; else the numbered list.

        Runs in the worker thread, as creating a content is a (synchronous) Twilio request.
        """
        types, numbered = params[_INTERACTIVE], {"body": params[_FALLBACK]}
        try:
            sid = self._contents.sid_for(types)
        except Exception as exc:  # any failure of the Content API leaves the numbered list
            log.warning("whatsapp buttons unavailable, sending a numbered list: %r", exc)
            return self._create(to, numbered)
        try:
            return self._create(to, {"content_sid": sid})
        except TwilioRestException as exc:
            if exc.code != ERR_CONTENT_SID:
                raise
            # The content is gone from Twilio (deleted in the console): made anew next time.
            log.warning("whatsapp content %s refused, sending a numbered list", sid)
            self._contents.forget(types)
            return self._create(to, numbered)

    def _bodies(self, text: str) -> list[dict[str, Any]]:
        if not text.strip():
            raise PermanentSendError("refusing to send an empty message")
        return [{"body": chunk} for chunk in split_text(text, MAX_BODY)]

    def _public_url(self, path: str, filename: str) -> str:
        try:
            return self._media_url_for(path, filename)
        except Exception as exc:
            raise PermanentSendError(f"no public URL for {path}: {exc}") from exc

    def _calendar_link(self, path: str, filename: str, caption: str) -> list[dict[str, Any]]:
        """A calendar entry as its caption and a link to the .ics: WhatsApp takes no
        text/calendar document, and a tapped link hands the file to the phone's calendar."""
        url = self._public_url(path, filename)
        return self._bodies(f"{caption.strip() or filename}\n{url}")

    def _media(self, path: str, caption: str, filename: str = "") -> list[dict[str, Any]]:
        url = self._public_url(path, filename)
        chunks = split_text(caption, MAX_BODY) if caption.strip() else []
        first: dict[str, Any] = {"media_url": [url]}
        if chunks:
            first["body"] = chunks[0]
        return [first, *({"body": chunk} for chunk in chunks[1:])]

    def _quick_reply(self, text: str, options: tuple[Option, ...]) -> dict[str, Any] | None:
        """A quick-reply content template "choices<n>" when one is configured and fits.

        Its variables: {{1}} the text, then label and payload of each option in turn
        ({{2}}/{{3}} for the first button, {{4}}/{{5}} for the second ...).
        """
        content_sid = self._templates.get(f"choices{len(options)}")
        fits = (
            1 <= len(options) <= QUICK_REPLY_MAX_OPTIONS
            and 0 < len(text) <= QUICK_REPLY_MAX_BODY
            and all(
                0 < len(o.label) <= QUICK_REPLY_MAX_LABEL
                and 0 < len(o.payload) <= QUICK_REPLY_MAX_ID
                for o in options
            )
        )
        if not content_sid or not fits:
            return None
        variables = {"1": text}
        for index, option in enumerate(options):
            variables[str(2 + 2 * index)] = option.label
            variables[str(3 + 2 * index)] = option.payload
        return {"content_sid": content_sid, "content_variables": json.dumps(variables)}
