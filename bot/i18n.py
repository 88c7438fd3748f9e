"""Message catalogs: every user-facing sentence lives in templates/messages/*.toml.

Each file is a namespace (`core.toml` gives keys `core.<name>`); each entry has an `id`
(Bahasa Indonesia, the default) and an `en` text, with `{placeholders}` filled by `t()`.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import ROOT

MESSAGES_DIR = ROOT / "templates" / "messages"
LANGUAGES = ("id", "en")

Translator = Callable[..., str]


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
        return template.format(**values) if values else template

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
