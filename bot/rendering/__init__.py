"""Pure rendering layer: plain inputs in, PNG/PDF files out (no database, no chat code).

Modules: `textfit` (fitting text in boxes), `poster` (Pegasus quote posters), `certificate`
(PNG + PDF certificates with QR), `roster` (weekly duty roster pages), `chart` (vote bar
charts). Fonts and templates come only from the repository's `templates/` folder.

Importing the package (or its `errors`) loads no Pillow or fontTools: the bot imports its
services at start and renders only on demand, so the imaging libraries wait for first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.rendering.errors import EmptyText, InvalidImage, RenderError, TemplateError, TextTooLong

if TYPE_CHECKING:
    from bot.rendering.textfit import Box, TextLayout, fit_text, sanitize_text

_TEXTFIT = frozenset({"Box", "TextLayout", "fit_text", "sanitize_text"})

__all__ = [
    "Box",
    "EmptyText",
    "InvalidImage",
    "RenderError",
    "TemplateError",
    "TextLayout",
    "TextTooLong",
    "fit_text",
    "sanitize_text",
]


def __getattr__(name: str) -> Any:
    """The text-fitting names, imported (with Pillow) when first asked for."""
    if name in _TEXTFIT:
        from bot.rendering import textfit

        return getattr(textfit, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
