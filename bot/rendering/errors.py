"""Exceptions of the rendering layer; their messages are Indonesian and safe to show in chat."""

from __future__ import annotations


class RenderError(Exception):
    """Base class of every rendering failure."""


class TemplateError(RenderError):
    """A template folder or layout.toml is missing or malformed (a staff/deploy problem)."""


class EmptyText(RenderError):
    """The text is empty once emoji, control characters and spaces are removed."""

    def __init__(self, field: str = "text") -> None:
        self.field = field
        super().__init__("Teks kosong. Tulis teks dengan huruf biasa (emoji tidak bisa dicetak).")


class TextTooLong(RenderError):
    """The text cannot fit its box even at the template's minimum font size.

    `max_chars` is what the template accepts (say "maksimal N karakter"); `max_lines` is set
    when the problem is the number of explicit lines rather than the length.
    """

    def __init__(
        self, *, max_chars: int, length: int, max_lines: int | None = None, field: str = "text"
    ) -> None:
        self.max_chars = max_chars
        self.length = length
        self.max_lines = max_lines
        self.field = field
        if max_lines is not None:
            message = (
                f"Teks terlalu banyak baris: maksimal {max_lines} baris dan {max_chars} karakter."
            )
        else:
            message = f"Teks terlalu panjang: maksimal {max_chars} karakter (sekarang {length})."
        super().__init__(message)


class InvalidImage(RenderError):
    """An uploaded file is not a usable image (not an image, too small, too big, odd shape)."""

    def __init__(self, message: str, *, reason: str) -> None:
        self.reason = reason  # machine-readable: not_image | too_small | too_large | ...
        super().__init__(message)
