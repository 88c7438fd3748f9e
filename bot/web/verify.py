"""The public certificate verification page: `GET /verifikasi/<code>`.

The QR code on every Serawai certificate opens this page. It says, in plain and accessible
Indonesian HTML, whether the certificate is valid (with the holder's name, the session and its
date), revoked, or unknown; a code that was never issued is unknown (HTTP 404).
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

from bot.app import App
from bot.services.serawai.certificates import Verification, long_date, verify

HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f9;color:#1f2933}"
    "main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}"
    "h1{font-size:1.4rem;color:#0b3c74}.status{font-size:1.2rem;padding:.75rem;border-radius:6px}"
    ".valid{background:#e3f4e8;color:#14532d}.revoked{background:#fde8e8;color:#7f1d1d}"
    ".unknown{background:#fff4d6;color:#713f12}dt{font-weight:bold;margin-top:.5rem}"
    "dd{margin:0}footer{margin-top:1.5rem;font-size:.9rem;color:#4a5b70}"
)


def page(app: App, found: Verification) -> str:
    """The page for one verification result, in Indonesian."""

    def t(key: str, /, **values: object) -> str:
        return escape(app.catalog.t(f"serawai.{key}", "id", **values))

    details = ""
    if found.status != "unknown":
        rows = [
            (t("page_holder"), escape(found.holder)),
            (t("page_role"), t(f"cert_role_{found.role}")),
            (t("page_session"), escape(found.session_title)),
            (t("page_date"), escape(long_date(found.day)) if found.day else "-"),
            (t("page_number"), escape(found.number)),
        ]
        if found.status == "revoked":
            rows.append((t("page_reason"), escape(found.reason or "-")))
        details = "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{t('page_title')}</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{t('page_title')}</h1>"
        f'<p class="status {found.status}" role="status" id="status">'
        f"{t(f'page_{found.status}')}</p>{details}"
        f"<footer>{t('page_footer')}</footer></main></body></html>"
    )


def routes(app: App) -> list[BaseRoute]:
    """The verification route, bound to the application's database."""

    def verification(request: Request) -> HTMLResponse:
        # A plain function: Starlette runs it in its thread pool, off the event loop.
        with app.sessions() as session:
            found = verify(session, str(request.path_params["code"]))
        status = 404 if found.status == "unknown" else 200
        return HTMLResponse(page(app, found), status_code=status, headers=HEADERS)

    return [Route("/verifikasi/{code}", verification, methods=["GET"])]
