"""Message catalogs: every user-facing sentence lives in templates/messages/*.toml.

Each file is a namespace (`core.toml` gives keys `core.<name>`); each entry has an `id`
(Bahasa Indonesia, the default) and an `en` text, with `{placeholders}` filled by `t()`.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import ROOT

MESSAGES_DIR = ROOT / "templates" / "messages"
LANGUAGES = ("id", "en")

Translator = Callable[..., str]

# A value that ends with the punctuation its text puts after it ("Andi, S.Si." + ".") must not
# show it twice; an ellipsis ("...") is left alone.
_DOUBLED = re.compile(r"(?<![.])(?:([.,;:])\1|([!?])\.)(?![.])")


# "Serawai: {name}" with a name that starts with "Serawai", or "komunitas {community}" with
# "Komunitas A" (the capital shows the value is a name), says the word once.
_LABEL_REPEATED = re.compile(r"\b(\w+)(:?) (?=(\w+)\b)")


def _once(match: re.Match[str]) -> str:
    first, colon, second = match[1], match[2], match[3]
    named = first.islower() and second[0].isupper()
    return "" if first.casefold() == second.casefold() and (colon or named) else match[0]


def tidy(text: str) -> str:
    """The text with punctuation doubled by a filled-in value shown once, and a label that the
    value repeats ("Serawai: Serawai Triwulan I") given once."""
    return _LABEL_REPEATED.sub(_once, _DOUBLED.sub(lambda m: m[1] or m[2], text))


class Catalog:
    """All message texts, by key and language."""

    def __init__(self, entries: dict[str, dict[str, str]]) -> None:
        self.entries = entries

    @classmethod
    def load(cls, directory: Path = MESSAGES_DIR) -> Catalog:
        """Read every catalog file in the directory."""
        entries: dict[str, dict[str, str]] = {}
        for path in sorted(directory.glob("*.toml")):
            with path.open("rb") as handle:
                data = tomllib.load(handle)
            for name, texts in data.items():
                entries[f"{path.stem}.{name}"] = {k: str(v) for k, v in texts.items()}
        return cls(entries)

    def t(self, key: str, lang: str = "id", /, **values: Any) -> str:
        """The text for `key` in `lang` (Indonesian when missing), placeholders filled."""
        texts = self.entries[key]
        template = texts.get(lang) or texts["id"]
        return tidy(template.format(**values)) if values else template

    def translator(self, lang: str) -> Translator:
        """A `t(key, **values)` bound to one language."""

        def t(key: str, /, **values: Any) -> str:
            return self.t(key, lang, **values)

        return t

    def placeholders(self, key: str, lang: str) -> set[str]:
        """The placeholder names a text uses (for catalog consistency checks)."""
        return {
            field for _, field, _, _ in string.Formatter().parse(self.entries[key][lang]) if field
        }
