"""The floor of WhatsApp inbound: the bot's server stack with an endpoint that only checks.

Same uvicorn configuration as `python -m bot run` (bot/server.py), same Starlette, same
signature check (`bot.handlers.whatsapp._signed_form`), then the same empty TwiML answer;
no dispatch, no database.

    python -m bench.bare_server   (settings from the environment, as the bot reads them)
"""

from __future__ import annotations

import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.config import Settings, load_settings
from bot.handlers.whatsapp import EMPTY_TWIML, INBOUND_PATH, _signed_form


def bare_app(settings: Settings) -> Starlette:
    """POST /whatsapp/inbound: 403 unless signed, else the empty TwiML."""

    async def inbound(request: Request) -> Response:
        form = await _signed_form(settings, request)
        if form is None:
            return Response(status_code=403)
        return Response(EMPTY_TWIML, media_type="text/xml")

    async def healthz(_request: Request) -> Response:
        return Response("ok")

    return Starlette(
        routes=[
            Route(INBOUND_PATH, inbound, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def main() -> int:
    """Serve on HOST:PORT until SIGTERM."""
    settings = load_settings()
    config = uvicorn.Config(
        bare_app(settings), host=settings.host, port=settings.port, log_level="warning"
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
