"""Media links: unguessable, expiring public URLs for files WhatsApp must fetch by URL."""

from __future__ import annotations

import asyncio
import mimetypes
import secrets
from datetime import timedelta
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.app import App
from storage.db import transaction
from storage.models import MediaLink


def media_url(app: App, path: str) -> str:
    """A public link to a file under the data folder, valid for MEDIA_LINK_TTL_HOURS.

    It writes to the database: async code calls it in a thread, never on the event loop."""
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(app.settings.data_dir.resolve()):
        raise ValueError(f"refusing to publish a file outside the data folder: {path}")
    token = secrets.token_urlsafe(24)
    content_type = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
    with transaction(app.sessions) as session:
        session.add(
            MediaLink(
                token=token,
                path=str(resolved),
                content_type=content_type,
                expires_at=app.clock() + timedelta(hours=app.settings.media_link_ttl_hours),
            )
        )
    return f"{app.settings.public_base_url.rstrip('/')}/media/{token}{resolved.suffix}"


def media_route(app: App) -> Route:
    """GET /media/<token>: the file while the link is valid, 404 otherwise."""

    def find(token: str) -> MediaLink | None:
        """The link while it is valid and its file is there (a thread: it reads the database)."""
        with app.sessions() as session:
            link = session.get(MediaLink, token)
        if link is None or link.expires_at < app.clock() or not Path(link.path).is_file():
            return None
        return link

    async def serve(request: Request) -> Response:
        token = str(request.path_params["token"]).split(".", 1)[0]
        link = await asyncio.to_thread(find, token)
        if link is None:
            return PlainTextResponse("Tautan tidak ditemukan atau sudah kedaluwarsa.", 404)
        return FileResponse(link.path, media_type=link.content_type)

    return Route("/media/{token}", serve, methods=["GET"])
