"""Pure rendering layer: plain inputs in, PNG/PDF files out (no database, no chat code).

Modules: `textfit` (fitting text in boxes), `poster` (Pegasus quote posters), `certificate`
(PNG + PDF certificates with QR), `roster` (weekly duty roster pages), `chart` (vote bar
charts). Fonts and templates come only from the repository's `templates/` folder.
"""

from bot.rendering.errors import EmptyText, InvalidImage, RenderError, TemplateError, TextTooLong
from bot.rendering.textfit import Box, TextLayout, fit_text, sanitize_text

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
