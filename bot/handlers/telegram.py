"""Telegram: turn updates into `Inbound` values, and deliver `Reply` values through the Bot API.

`build_application` wires a python-telegram-bot `Application` (pointed at
`telegram_api_base_url`, so tests can use a fake server) to an inbound sink. Polling is the
default and is run by the caller (`app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)`);
`telegram_webhook_route` serves webhook mode. `TelegramSender` is the channel's sender.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import logging
import mimetypes
import os
import re
import time
import warnings
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Opt in now to PTB's coming behaviour (time periods as timedelta, e.g. RetryAfter.retry_after):
# without it PTB 22 emits a deprecation warning each time it builds a RetryAfter. Set before PTB
# is imported so tests and production run PTB the same way.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    PhotoSize,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram import (
    Document as TgDocument,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import phones
from bot.config import Settings
from bot.filelimits import MAX_BYTES, too_big
from bot.handlers.base import (
    Delivery,
    InboundSink,
    PermanentSendError,
    SendError,
    TransientSendError,
)
from bot.markup import plain, telegram_html
from bot.messages import (
    Channel,
    Choices,
    CommandMenu,
    ContactRequest,
    Document,
    Image,
    Inbound,
    Media,
    Option,
    Reply,
    Text,
)

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
"""The Application type `build_application` returns."""

ALLOWED_UPDATES = ["message", "callback_query"]
"""Update types the bot handles; pass to start_polling / set_webhook."""

MAX_TEXT = 4096  # UTF-16 code units, Telegram's limit for a message
MAX_CAPTION = 1024
HTML = "HTML"  # parse mode: catalog markup goes as <b>/<i>/<s> (bot/markup.py)
MAX_CALLBACK_DATA = 64  # bytes
MAX_DOWNLOAD = MAX_BYTES[Channel.TELEGRAM]  # getFile refuses bigger files
OVERALL_PER_SECOND = 25  # messages/s across all chats (Telegram's limit is about 30)
SHORT_LABEL = 14  # labels up to this long go two to a row
WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CONCURRENT_UPDATES = 16
"""Updates of different chats handled at once (bot/server.py gives dispatch as many threads)."""
BACKLOG = 10_000  # updates taken from the queue and waiting for their chat or a free slot

_SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")


# -- text helpers ----------------------------------------------------------------------------


def _units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """Split text into chunks of at most `limit` UTF-16 units, preferring paragraph/line/word ends."""
    if _units(text) <= limit:
        return [text]
    chunks: list[str] = []
    rest = text
    while _units(rest) > limit:
        cut, used = 0, 0
        for char in rest:
            used += 2 if ord(char) > 0xFFFF else 1
            if used > limit:
                break
            cut += 1
        window = rest[:cut]
        end, skip = cut, 0
        for sep in ("\n\n", "\n", " "):
            index = window.rfind(sep)
            if index >= cut // 2:
                end, skip = index, len(sep)
                break
        chunk = rest[:end].rstrip()
        if chunk:
            chunks.append(chunk)
        rest = rest[end + skip :].lstrip("\n")
    if rest.strip():
        chunks.append(rest)
    return chunks


def _command_text(text: str) -> str:
    """ "/start@can_bot CODE" -> "/start CODE"."""
    head, sep, tail = text.partition(" ")
    return head.split("@", 1)[0] + sep + tail


# -- inbound ---------------------------------------------------------------------------------


class _Translator:
    """PTB callbacks that translate updates and pass them to the sink."""

    def __init__(self, sink: InboundSink, media_dir: Path) -> None:
        self._sink = sink
        self._media_dir = media_dir

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A private-chat message of any kind."""
        message = update.message
        if message is None or message.from_user is None:
            return
        await self._sink(await self._translate(message))

    async def _translate(self, message: Message) -> Inbound:
        user = message.from_user
        assert user is not None
        text = message.text if message.text is not None else message.caption
        if message.text and message.text.startswith("/"):
            text = _command_text(message.text)
        contact_phone: str | None = None
        media: tuple[Media, ...] = ()
        if message.contact is not None:
            if message.contact.user_id is not None and message.contact.user_id == user.id:
                contact_phone = phones.normalise(message.contact.phone_number)
            else:
                log.info("ignoring a contact that is not the sender's own (user %s)", user.id)
        elif message.photo:
            media = (await self._photo(message.photo),)
        elif message.document is not None:
            media = (await self._document(message.document),)
        elif message.sticker is not None:
            sticker = message.sticker
            mime = (
                "video/webm"
                if sticker.is_video
                else "application/x-tgsticker"
                if sticker.is_animated
                else "image/webp"
            )
            media = (Media("", mime, "sticker"),)
        elif message.voice is not None:
            media = (Media("", message.voice.mime_type or "audio/ogg", "audio"),)
        elif message.audio is not None:
            audio = message.audio
            media = (Media("", audio.mime_type or "audio/mpeg", "audio", audio.file_name or ""),)
        elif message.video is not None:
            video = message.video
            media = (Media("", video.mime_type or "video/mp4", "video", video.file_name or ""),)
        elif message.video_note is not None:
            media = (Media("", "video/mp4", "video"),)
        elif message.animation is not None:
            media = (Media("", message.animation.mime_type or "video/mp4", "video"),)
        elif text is None:
            media = (Media("", "", "other"),)  # location, poll, dice, venue, story ...
        return Inbound(
            channel=Channel.TELEGRAM,
            sender=str(user.id),
            received_at=message.date.astimezone(UTC),
            text=text,
            media=media,
            message_id=f"msg:{message.chat.id}:{message.message_id}",
            contact_phone=contact_phone,
            sender_name=user.full_name,
        )

    async def _download(self, holder: PhotoSize | TgDocument, suffix: str) -> str:
        """Save a file in the media dir; return its path, or "" when it cannot be fetched."""
        if too_big(Channel.TELEGRAM, holder.file_size):  # dispatch tells the sender the limit
            log.warning("telegram file %s too big to download", holder.file_unique_id)
            return ""
        name = f"tg-{_SAFE_NAME.sub('_', holder.file_unique_id)}{suffix}"
        path = self._media_dir / name
        try:
            self._media_dir.mkdir(parents=True, exist_ok=True)
            tg_file = await holder.get_file()
            await tg_file.download_to_drive(path)
        except (TelegramError, OSError) as exc:
            log.warning("could not download telegram file %s: %s", holder.file_unique_id, exc)
            return ""
        return str(path)

    async def _photo(self, sizes: tuple[PhotoSize, ...]) -> Media:
        largest = max(sizes, key=lambda p: (p.width * p.height, p.file_size or 0))
        path = await self._download(largest, ".jpg")
        return Media(path, "image/jpeg", "photo", size=largest.file_size or 0)

    async def _document(self, document: TgDocument) -> Media:
        mime = document.mime_type or "application/octet-stream"
        file_name = document.file_name or ""
        suffix = Path(file_name).suffix.lower()
        if not _SAFE_SUFFIX.fullmatch(suffix):
            suffix = mimetypes.guess_extension(mime) or ""
        path = await self._download(document, suffix)
        return Media(path, mime, "document", file_name, size=document.file_size or 0)

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: answer it, remove the keyboard, then pass it on (once)."""
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except TelegramError as exc:
            log.warning("could not answer callback query %s: %s", query.id, exc)
        message = query.message
        if isinstance(message, Message):
            try:
                await message.edit_reply_markup(reply_markup=None)
            except BadRequest as exc:
                if "not modified" in exc.message.lower():
                    log.info("dropping a repeated press on message %s", message.message_id)
                    return
                log.warning("could not remove keyboard of %s: %s", message.message_id, exc)
            except TelegramError as exc:
                log.warning("could not remove keyboard of %s: %s", message.message_id, exc)
        if query.data is None:
            return
        await self._sink(
            Inbound(
                channel=Channel.TELEGRAM,
                sender=str(query.from_user.id),
                received_at=datetime.now(UTC),
                text=_pressed_label(query),
                payload=query.data,
                message_id=f"cb:{query.id}",
                sender_name=query.from_user.full_name,
            )
        )


def _pressed_label(query: CallbackQuery) -> str | None:
    """The label of the pressed button, read from the message's keyboard."""
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None


# -- concurrency -----------------------------------------------------------------------------


def chat_key(update: object) -> int | None:
    """The chat whose updates must stay in order: a button press counts in its message's chat."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:  # a press on an inline-mode message has no chat
        return update.effective_user.id  # in a private chat, the chat id is the user id
    return None


class _Chat:
    """One chat's turn: its lock, and how many of its updates hold or wait for it."""

    __slots__ = ("lock", "updates")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.updates = 0


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently; each chat's run one by one, in order.

    PTB's own bound (`backlog`) counts updates taken from the queue, including those waiting
    for an earlier update of their chat, so a burst from one chat never fills the slots other
    chats need; `workers` bounds the updates actually being handled.
    """

    def __init__(self, workers: int = CONCURRENT_UPDATES, backlog: int = BACKLOG) -> None:
        super().__init__(max(backlog, workers, 2))  # > 1: PTB hands updates over concurrently
        self.workers = workers
        self._slots = asyncio.Semaphore(workers)
        self._chats: dict[int | None, _Chat] = {}

    @property
    def waiting_chats(self) -> int:
        """Chats with an update being handled or waiting (idle chats are forgotten)."""
        return len(self._chats)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates, then for a free slot, then handle the update."""
        # No await before the lock is asked for: PTB starts these calls in the order the
        # updates arrived, and asyncio.Lock serves its waiters first come, first served.
        key = chat_key(update)
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = _Chat()
        chat.updates += 1
        started = False
        try:
            async with chat.lock, self._slots:
                started = True
                await coroutine
        finally:
            chat.updates -= 1
            if chat.updates == 0:
                del self._chats[key]
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: never started, never awaited

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: `Application.stop` has already waited for every update."""


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling a telegram update", exc_info=context.error)


def build_application(
    settings: Settings,
    sink: InboundSink,
    *,
    request_timeout: float = 10.0,
    rate_limit: bool = True,
    workers: int = CONCURRENT_UPDATES,
) -> TelegramApp:
    """A PTB Application pointed at the configured Bot API, translating updates into `sink`.

    Updates of different chats reach `sink` concurrently (up to `workers` at once); those of
    one chat one at a time, in the order Telegram sent them.
    """
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .connect_timeout(request_timeout)
        .read_timeout(request_timeout)
        .write_timeout(request_timeout)
        .media_write_timeout(max(request_timeout, 20.0))
        .pool_timeout(request_timeout)
        .job_queue(None)
        .concurrent_updates(ChatOrderedProcessor(workers))
    )
    if rate_limit:
        # Telegram allows about 30 messages/s overall; stay at 25 so jitter never trips it.
        # Groups: 20/min. RetryAfter is raised, not retried: the outbox decides when to retry.
        limiter = AIORateLimiter(overall_max_rate=OVERALL_PER_SECOND, max_retries=0)
        builder = builder.rate_limiter(limiter)
    app: TelegramApp = builder.build()
    translator = _Translator(sink, settings.media_dir)
    app.add_handler(CallbackQueryHandler(translator.on_callback))
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE, translator.on_message
        )
    )
    app.add_error_handler(_log_error)
    return app


def _bot_commands(commands: Iterable[tuple[str, str]]) -> list[BotCommand]:
    checked = []
    for name, description in commands:
        if not re.fullmatch(r"[a-z0-9_]{1,32}", name) or not 1 <= len(description) <= 256:
            raise ValueError(f"invalid bot command: {name!r}")
        checked.append(BotCommand(name, description))
    return checked


async def set_commands(
    app: TelegramApp,
    commands: list[tuple[str, str]],
    *,
    scope: BotCommandScope | None = None,
    language_code: str | None = None,
) -> None:
    """Publish a command menu (setMyCommands); descriptions come from the caller."""
    await app.bot.set_my_commands(
        _bot_commands(commands), scope=scope, language_code=language_code
    )


async def set_public_commands(
    app: TelegramApp, by_language: dict[str, list[tuple[str, str]]]
) -> None:
    """At start: no menu by default (so none in groups); private chats of people not linked
    yet get the commands for everyone, in each language (the first is the fallback)."""
    await app.bot.delete_my_commands()
    for index, (language, commands) in enumerate(by_language.items()):
        await set_commands(
            app,
            commands,
            scope=BotCommandScopeAllPrivateChats(),
            language_code=None if index == 0 else language,
        )


async def set_webhook(app: TelegramApp, url: str, secret: str | SecretStr) -> None:
    """Ask Telegram to deliver updates to `url`, signed with `secret` (setWebhook)."""
    token = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    await app.bot.set_webhook(url=url, secret_token=token, allowed_updates=ALLOWED_UPDATES)


def telegram_webhook_route(
    app: TelegramApp, secret: str | SecretStr, path: str = "/telegram/webhook"
) -> Route:
    """A POST route that checks Telegram's secret header and feeds updates to `app`."""
    expected = (secret.get_secret_value() if isinstance(secret, SecretStr) else secret).encode()

    async def endpoint(request: Request) -> Response:
        given = request.headers.get(WEBHOOK_SECRET_HEADER, "").encode()
        if not expected or not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        try:
            data = await request.json()
            if not isinstance(data, dict):
                raise ValueError("not an object")
            update = Update.de_json(data, app.bot)
        except Exception:  # any malformed body is the sender's problem
            return Response(status_code=400)
        if app.running:
            await app.update_queue.put(update)
        else:
            await app.process_update(update)
        return Response(status_code=200)

    return Route(path, endpoint, methods=["POST"])


# -- outbound --------------------------------------------------------------------------------


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: int | float | timedelta = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _send_error(exc: Exception) -> SendError:
    """Sort a PTB failure into transient or permanent."""
    if isinstance(exc, RetryAfter):
        return TransientSendError(str(exc), retry_after=_retry_seconds(exc), reason="rate_limited")
    if isinstance(exc, Forbidden):
        return PermanentSendError(f"telegram refused: {exc.message}", reason="blocked_bot")
    if isinstance(exc, ChatMigrated):
        return PermanentSendError(f"chat migrated to {exc.new_chat_id}")
    if isinstance(exc, BadRequest):
        return PermanentSendError(f"telegram bad request: {exc.message}")
    if isinstance(exc, InvalidToken):
        # A configuration problem: keep the messages until the token is fixed.
        return TransientSendError(f"telegram token rejected: {exc.message}", reason="credentials")
    if isinstance(exc, NetworkError):  # includes TimedOut and 5xx answers
        return TransientSendError(f"telegram unreachable: {exc.message}", reason="offline")
    if isinstance(exc, TelegramError):
        return TransientSendError(f"telegram error: {exc.message}")
    return TransientSendError(f"telegram send failed: {type(exc).__name__}", reason="offline")


def _chat_id(recipient: str) -> int | str:
    if re.fullmatch(r"-?[0-9]{1,20}", recipient):
        return int(recipient)
    if re.fullmatch(r"@[A-Za-z0-9_]{5,32}", recipient):
        return recipient
    raise PermanentSendError(f"not a telegram chat id: {recipient!r}")


def _keyboard(options: tuple[Option, ...]) -> InlineKeyboardMarkup:
    """One button per row, or two per row when every label is short."""
    for option in options:
        if not 1 <= len(option.payload.encode()) <= MAX_CALLBACK_DATA:
            raise PermanentSendError(f"button payload not 1-64 bytes: {option.payload!r}")
    buttons = [InlineKeyboardButton(plain(o.label), callback_data=o.payload) for o in options]
    per_row = 2 if all(len(o.label) <= SHORT_LABEL for o in options) else 1
    return InlineKeyboardMarkup(
        [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    )


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class TelegramSender:
    """Delivers replies through the Bot API; paces sends to one chat (1/s by default)."""

    channel = Channel.TELEGRAM

    def __init__(self, bot: Bot, *, per_chat_interval: float = 1.0) -> None:
        self._bot = bot
        self._interval = per_chat_interval
        self._locks: dict[int | str, asyncio.Lock] = {}
        self._last_sent: dict[int | str, float] = {}
        self._reply_keyboard: set[int | str] = set()  # chats showing a contact button

    def holds(self, delivery: Delivery) -> bool:
        """Telegram has no window: nothing is held."""
        return False

    async def send(self, delivery: Delivery) -> str:
        """Deliver one reply; return the (last) Telegram message id."""
        chat_id = _chat_id(delivery.recipient)
        self._prune()
        if isinstance(delivery.reply, CommandMenu):  # this person's own command menu
            try:
                await self._bot.set_my_commands(
                    _bot_commands(delivery.reply.commands), scope=BotCommandScopeChat(chat_id)
                )
            except ValueError as exc:
                raise PermanentSendError(str(exc)) from exc
            except (TelegramError, OSError) as exc:
                raise _send_error(exc) from exc
            return f"commands:{chat_id}"
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            try:
                message = await self._render(chat_id, delivery.reply)
            except SendError:
                raise
            except (TelegramError, OSError) as exc:
                raise _send_error(exc) from exc
        return str(message.message_id)

    def _prune(self) -> None:
        if len(self._last_sent) < 10_000:
            return
        horizon = time.monotonic() - self._interval
        for chat, last in list(self._last_sent.items()):
            lock = self._locks.get(chat)
            if last < horizon and (lock is None or not lock.locked()):
                self._last_sent.pop(chat, None)
                self._locks.pop(chat, None)

    async def _paced(self, chat_id: int | str, call: Callable[[], Awaitable[Message]]) -> Message:
        wait = self._last_sent.get(chat_id, float("-inf")) + self._interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            return await call()
        finally:
            self._last_sent[chat_id] = time.monotonic()

    def _take_removal(self, chat_id: int | str) -> ReplyKeyboardRemove | None:
        """Hide a leftover contact keyboard with the next plain message."""
        if chat_id in self._reply_keyboard:
            self._reply_keyboard.discard(chat_id)
            return ReplyKeyboardRemove()
        return None

    async def _texts(self, chat_id: int | str, text: str, markup: Markup | None = None) -> Message:
        """Send text in as many messages as needed; `markup` goes on the last one."""
        if not text.strip():
            raise PermanentSendError("refusing to send an empty message")
        chunks = split_text(text, MAX_TEXT)
        removal = self._take_removal(chat_id) if markup is None else None
        message: Message | None = None
        for index, chunk in enumerate(chunks):
            chunk_markup: Markup | None = markup if index == len(chunks) - 1 else None
            if index == 0 and removal is not None:
                chunk_markup = removal

            async def send(
                chunk: str = chunk, chunk_markup: Markup | None = chunk_markup
            ) -> Message:
                return await self._bot.send_message(
                    chat_id, telegram_html(chunk), parse_mode=HTML, reply_markup=chunk_markup
                )

            message = await self._paced(chat_id, send)
        assert message is not None
        return message

    async def _render(self, chat_id: int | str, reply: Reply) -> Message:
        match reply:
            case Text(text=text):
                return await self._texts(chat_id, text)
            case Choices(text=text, options=options):
                if not options:
                    return await self._texts(chat_id, text)
                return await self._texts(chat_id, text, _keyboard(options))
            case ContactRequest(text=text, button=button):
                keyboard = ReplyKeyboardMarkup(
                    [[KeyboardButton(button, request_contact=True)]],
                    one_time_keyboard=True,
                    resize_keyboard=True,
                )
                message = await self._texts(chat_id, text, keyboard)
                self._reply_keyboard.add(chat_id)
                return message
            case Image(path=path, caption=caption):
                return await self._file(chat_id, "photo", Path(path), caption, "")
            case Document(path=path, filename=filename, caption=caption):
                return await self._file(chat_id, "document", Path(path), caption, filename)
        raise PermanentSendError(f"cannot render {type(reply).__name__} on telegram")

    async def _file(
        self, chat_id: int | str, kind: str, path: Path, caption: str, filename: str
    ) -> Message:
        if not path.is_file():
            raise PermanentSendError(f"file to send is missing: {path}")
        fits = _units(plain(caption)) <= MAX_CAPTION
        first_caption = telegram_html(caption) if fits and caption else None
        removal = self._take_removal(chat_id)

        async def upload() -> Message:
            if kind == "photo":
                return await self._bot.send_photo(
                    chat_id, path, caption=first_caption, parse_mode=HTML, reply_markup=removal
                )
            return await self._bot.send_document(
                chat_id,
                path,
                caption=first_caption,
                parse_mode=HTML,
                filename=filename or path.name,
                reply_markup=removal,
            )

        message = await self._paced(chat_id, upload)
        if caption and not fits:
            message = await self._texts(chat_id, caption)
        return message
