"""The catalog's markup, shown the way each channel renders it.

Catalog texts (and the values put into them) are written in WhatsApp's markup: `*bold*`,
`_italic_`, `~strike~`. WhatsApp shows that as it is. Telegram shows it raw unless it is
converted: `telegram_html` escapes the text for Telegram's HTML parse mode and turns the
markers into tags. The console and button labels show `plain` text, the markers removed.

A marker counts only as WhatsApp reads it: it opens at the start or after a non-word
character, is followed by a non-space, closes after a non-space and is followed by the end or
a non-word character; so `snake_case`, `5 * 3` and `*` alone stay as they are.
"""

from __future__ import annotations

import html
import re

_MARKS = {"*": "b", "_": "i", "~": "s"}
_SPAN = {
    mark: re.compile(rf"(?<![\w{re.escape(mark)}]){re.escape(mark)}(?=\S)(.+?)(?<=\S)"
                     rf"{re.escape(mark)}(?![\w{re.escape(mark)}])")
    for mark in _MARKS
}  # fmt: skip


def plain(text: str) -> str:
    """The text with its markers removed (console, button labels, logs)."""
    for pattern in _SPAN.values():
        text = pattern.sub(r"\1", text)
    return text


def telegram_html(text: str) -> str:
    """The text for Telegram's HTML parse mode: escaped, with markers turned into tags."""
    escaped = html.escape(text, quote=False)
    out = escaped
    for mark, tag in _MARKS.items():
        out = _SPAN[mark].sub(rf"<{tag}>\1</{tag}>", out)
    return out if _nested(out) else plain(escaped)  # crossed spans: Telegram would refuse


def _nested(tagged: str) -> bool:
    stack: list[str] = []
    for closing, tag in re.findall(r"<(/?)(b|i|s)>", tagged):
        if not closing:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            return False
    return not stack


def visible_telegram(html_text: str) -> str:
    """What a Telegram user sees of `telegram_html` output (tags dropped, entities read)."""
    return html.unescape(re.sub(r"</?(?:b|i|s)>", "", html_text))
