"""The one process of `python -m bot run`: ASGI server, channels, sender and scheduler.

One event loop runs uvicorn (WhatsApp webhooks, the Telegram webhook when configured,
media links, /healthz), the python-telegram-bot application (long polling by default), and
the outbox sender; the APScheduler tick runs beside it in a thread. SIGTERM stops the server
and the Telegram application, then lets the sender deliver what is already due.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot import alerts, health, held
from bot.app import App, build_app
from bot.config import Settings
from bot.dispatch import dispatch
from bot.handlers.base import ChannelSender
from bot.logs import configure_logging
from bot.markup import plain
from bot.media import media_route, media_url
from bot.messages import Channel, Inbound
from bot.outbox import record_status
from bot.sender import Sender
from bot.services import notices
from bot.web import verify
from storage.db import transaction

if TYPE_CHECKING:
    from bot.handlers.whatsapp import InboundJobs

log = logging.getLogger(__name__)

TEMPLATED = (held.OPENER_KIND, alerts.ALERT_KIND)
RouteFactory = Callable[[App], list[BaseRoute]]
# Features that serve pages of their own (certificate verification) add a factory here.
EXTRA_ROUTES: list[RouteFactory] = [verify.routes]


async def healthz(_request: Request) -> JSONResponse:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
WHATSAPP_DRAIN_SECONDS = 20.0  # a media download gives up after 15 s


def metrics_allowed(request: Request, token: str) -> bool:
    """A bearer token that matches, or a direct request from loopback (not through a proxy).

    A reverse proxy on the same machine connects from loopback too: a request it forwarded
    carries a forwarding header, and then only the token lets it in.
    """
    given = request.headers.get("authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    host = request.client.host if request.client else ""
    return host in LOOPBACK and not any(h in request.headers for h in PROXY_HEADERS)


@dataclass
class Runtime:
    """The running parts of the bot around one `App`."""

    app: App
    telegram: object | None = None  # telegram.ext.Application when Telegram is on
    sender: Sender | None = None
    whatsapp_jobs: InboundJobs | None = None  # messages handled after the webhook answered
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _telegram_threads: ThreadPoolExecutor | None = None

    async def sink(self, inbound: Inbound) -> None:
        """Hand one inbound message to dispatch (a thread: dispatch talks to the database)."""
        await asyncio.to_thread(dispatch, self.app, inbound)

    async def telegram_sink(self, inbound: Inbound) -> None:
        """Dispatch a Telegram update in a thread of its own pool.

        The Telegram application hands over up to CONCURRENT_UPDATES updates at once; each gets
        a thread, and none waits behind the sender's or WhatsApp's work in the default pool.
        """
        from bot.handlers.telegram import CONCURRENT_UPDATES

        if self._telegram_threads is None:
            self._telegram_threads = ThreadPoolExecutor(
                CONCURRENT_UPDATES, thread_name_prefix="telegram-dispatch"
            )
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._telegram_threads, dispatch, self.app, inbound)

    async def readyz(self, _request: Request) -> JSONResponse:
        """Readiness: the database answers, the scheduler ticks, the sender keeps up."""
        app = self.app
        channels = set(self.sender.channels) if self.sender is not None else set()
        job = asyncio.to_thread(
            health.readiness,
            app.engine,
            app.sessions,
            app.clock(),
            app.settings.scheduler_interval_seconds,
            channels,
        )
        try:
            checks = await asyncio.wait_for(job, timeout=2 * health.DATABASE_TIMEOUT_SECONDS)
        except TimeoutError:
            checks = [health.Check("database", False, "no answer in time")]
        body = health.report(checks)
        return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)

    async def metrics(self, request: Request) -> Response:
        """Prometheus text format, to loopback or a bearer of METRICS_TOKEN."""
        secret = self.app.settings.metrics_token
        if not metrics_allowed(request, secret.get_secret_value() if secret else ""):
            return Response("forbidden\n", status_code=403, media_type="text/plain")
        body = await asyncio.to_thread(self.app.metrics.exposition)
        return Response(body, media_type=METRICS_CONTENT_TYPE)

    async def status(self, provider_id: str, status: str, error: str | None) -> None:
        """Record a Twilio delivery report on its outbox row; a failure is told like a send
        failure. A proactive message that met the closed 24-hour window (63016) is held."""
        from bot.handlers.whatsapp import twilio_reason

        def write() -> None:
            now = self.app.clock()
            with transaction(self.app.sessions) as session:
                reason = twilio_reason(error) if error else "refused"
                row = record_status(session, provider_id, status, error, now, reason)
                notices.settle_reported(session, self.app.env, provider_id, now)
                if row is None:
                    return
                if reason == "window_closed" and row.kind not in ("reply", *TEMPLATED):
                    held.hold(session, self.app.catalog, row.id, now)
                else:
                    alerts.tell_admins(self.app.env, session, row, now)
            self.app.on_queued()

        await asyncio.to_thread(write)

    def build(self) -> Starlette:
        """Create the channels and the sender, and return the ASGI application."""
        settings = self.app.settings
        routes: list[BaseRoute] = [
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", self.readyz, methods=["GET"]),
            Route("/metrics", self.metrics, methods=["GET"]),
            media_route(self.app),
        ]
        senders: dict[Channel, ChannelSender] = {}
        if Channel.WHATSAPP in self.app.channels:
            from bot.handlers.wa_content import DbContentCache
            from bot.handlers.whatsapp import InboundJobs, WhatsAppSender, whatsapp_routes

            self.whatsapp_jobs = InboundJobs()
            routes += whatsapp_routes(settings, self.sink, self.status, self.whatsapp_jobs)
            senders[Channel.WHATSAPP] = WhatsAppSender(
                settings,
                lambda path, filename="": media_url(self.app, path, filename),
                clock=lambda: self.app.clock().timestamp(),
                content_cache=DbContentCache(self.app.sessions, lambda: self.app.clock()),
                list_button=self.app.catalog.t("core.wa_list_button", settings.default_language),
            )
        if Channel.TELEGRAM in self.app.channels:
            from bot.handlers.telegram import (
                TelegramSender,
                build_application,
                telegram_webhook_route,
            )

            # The outbox sender paces Telegram (overall, per chat, per group); a second
            # limiter inside python-telegram-bot would only cap it lower.
            telegram = build_application(settings, self.telegram_sink, rate_limit=False)
            self.telegram = telegram
            # The outbox sender paces chats itself, so the Telegram sender need not wait.
            senders[Channel.TELEGRAM] = TelegramSender(telegram.bot, per_chat_interval=0)
            if settings.telegram_webhook_url and settings.telegram_webhook_secret:
                routes.append(telegram_webhook_route(telegram, settings.telegram_webhook_secret))
        for factory in EXTRA_ROUTES:
            routes += factory(self.app)
        self.sender = Sender(self.app, senders)
        return Starlette(routes=routes)

    async def start(self) -> None:
        """Start Telegram (polling or webhook) and the sender."""
        if self.telegram is not None:
            await self._start_telegram()
        if self.sender is not None and self.sender.channels:
            self._tasks.append(asyncio.create_task(self.sender.run(self.stop)))

    async def _start_telegram(self) -> None:
        from telegram.ext import Application

        from bot.handlers.telegram import ALLOWED_UPDATES, set_public_commands, set_webhook

        telegram = self.telegram
        assert isinstance(telegram, Application)
        settings = self.app.settings
        await telegram.initialize()
        await set_public_commands(telegram, public_menus(self.app))
        await telegram.start()
        if settings.telegram_webhook_url and settings.telegram_webhook_secret:
            await set_webhook(
                telegram, settings.telegram_webhook_url, settings.telegram_webhook_secret
            )
        elif telegram.updater is not None:
            await telegram.updater.start_polling(allowed_updates=ALLOWED_UPDATES)

    async def shutdown(self) -> None:
        """Stop taking updates, then let the sender deliver what is due, then close."""
        from telegram.ext import Application

        telegram = self.telegram
        if isinstance(telegram, Application):
            if telegram.updater is not None and telegram.updater.running:
                await telegram.updater.stop()
            if telegram.running:
                await telegram.stop()
        if self.whatsapp_jobs is not None:  # messages whose files are still being fetched
            try:
                await asyncio.wait_for(self.whatsapp_jobs.idle(), timeout=WHATSAPP_DRAIN_SECONDS)
            except TimeoutError:
                log.warning("stopping with whatsapp messages still being fetched")
        self.stop.set()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=30)
        if isinstance(telegram, Application):
            await telegram.shutdown()
        if self._telegram_threads is not None:
            self._telegram_threads.shutdown(wait=False)  # idle: telegram.stop() waited


async def run_server(app: App) -> None:
    """Serve until SIGTERM or SIGINT, with the scheduler running beside the server."""
    from scheduler import make_scheduler

    runtime = Runtime(app)
    config = uvicorn.Config(
        runtime.build(),
        host=app.settings.host,
        port=app.settings.port,
        log_level="warning",
        log_config=None,  # uvicorn's records go through our handler (JSON when asked)
    )
    server = uvicorn.Server(config)
    scheduler = make_scheduler(app, background=True)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
    scheduler.start()
    await runtime.start()
    log.info(
        "CAN Bot serving on %s:%s (channels: %s)",
        app.settings.host,
        app.settings.port,
        ", ".join(sorted(c.value for c in app.channels)),
    )
    try:
        await server.serve()
    finally:
        scheduler.shutdown(wait=True)
        await runtime.shutdown()
        log.info("CAN Bot stopped")


def serve(settings: Settings) -> int:
    """Build the application and serve it until told to stop."""
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(run_server(build_app(settings)))
    return 0


def public_menus(app: App) -> dict[str, list[tuple[str, str]]]:
    """The Telegram menu of people not linked yet, per language (the default one first): the
    commands for everyone. Each linked person gets their own (bot/services/command_menu.py)."""
    everyone = [
        c
        for c in sorted(app.registry.commands.values(), key=lambda c: (c.order, c.name))
        if c.in_menu and c.roles is None
    ]
    return {
        language: [(c.name, plain(app.catalog.t(c.description_key, language))) for c in everyone]
        for language in dict.fromkeys((app.settings.default_language, "id", "en"))
    }
