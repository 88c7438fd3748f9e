"""The one process of `python -m bot run`: the ASGI server, the channels, sender and scheduler."""

from __future__ import annotations

import asyncio
import logging
import signal

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.app import App, build_app
from bot.config import Settings

log = logging.getLogger(__name__)


async def healthz(_request: Request) -> JSONResponse:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


def routes(app: App) -> list[BaseRoute]:
    """Every HTTP route the bot serves."""
    return [Route("/healthz", healthz, methods=["GET"])]


def asgi_app(app: App) -> Starlette:
    """The Starlette application for `app`."""
    return Starlette(routes=routes(app))


async def run_server(app: App) -> None:
    """Serve until SIGTERM or SIGINT, with the scheduler running beside the server."""
    from scheduler import make_scheduler

    config = uvicorn.Config(
        asgi_app(app), host=app.settings.host, port=app.settings.port, log_level="warning"
    )
    server = uvicorn.Server(config)
    scheduler = make_scheduler(app, background=True)
    scheduler.start()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
    try:
        await server.serve()
    finally:
        scheduler.shutdown(wait=True)


def serve(settings: Settings) -> int:
    """Build the application and serve it."""
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(run_server(build_app(settings)))
    return 0
