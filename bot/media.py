"""Media links: unguessable, expiring public URLs for files WhatsApp must fetch by URL."""

from __future__ import annotations

import asyncio
import mimetypes
import re
import secrets
from datetime import timedelta
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.app import App
from storage.db import transaction
from storage.models import MediaLink

MAX_FILENAME = 20
MAX_SUFFIX = 6
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# Types WhatsApp does not take as documents, served as the accepted type they are read as.
_WHATSAPP_TYPES = {"text/csv": "text/plain", "text/tab-separated-values": "text/plain"}


def download_name(filename: str, path: str) -> str:
    """The name a recipient's app shows: ASCII, no spaces, at most 20 characters (Twilio's
    advice for WhatsApp documents), the extension kept."""
    name = Path(filename or Path(path).name)
    suffix = _UNSAFE_NAME.sub("", name.suffix.lower())[:MAX_SUFFIX]
    stem = _UNSAFE_NAME.sub("_", name.stem).strip("._-") or "berkas"
    return stem[: MAX_FILENAME - len(suffix)].rstrip("._-") + suffix


def served_type(content_type: str) -> str:
    """The Content-Type a file is served with: one WhatsApp accepts where one fits."""
    return _WHATSAPP_TYPES.get(content_type, content_type)


def media_url(app: App, path: str, filename: str = "") -> str:
    """A public link to a file under the data folder, valid for MEDIA_LINK_TTL_HOURS.

    `filename` is the name the recipient sees (the file's own name when empty). It writes to
    the database: async code calls it in a thread, never on the event loop.
    """
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
                filename=download_name(filename, str(resolved)),
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
        name = link.filename or download_name("", link.path)
        # A calendar file is opened by a link in the text, so the phone hands it to the
        # calendar; everything else is media WhatsApp fetches and shows inline.
        disposition = "attachment" if link.content_type == "text/calendar" else "inline"
        return FileResponse(
            link.path,
            media_type=served_type(link.content_type),
            headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
        )

    return Route("/media/{token}", serve, methods=["GET"])
