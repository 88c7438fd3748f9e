"""Every catalog text, filled in and shown on every channel: no raw markup, no doubled marks.

Values are the awkward ones real people have: names with a degree that ends in a full stop
("Andi Pratama, S.Si."), titles with `<`, `&` and an underscore.
"""

from __future__ import annotations

import re

import pytest

from bot.handlers.console import render
from bot.i18n import Catalog
from bot.markup import plain, telegram_html
from bot.messages import Text
from tests.fakes.bot_api import parse_html

CATALOG = Catalog.load()
NAME = "Andi Pratama, S.Si."
TITLE = "Rapat <Evaluasi> & Data_2026"
RAW_MARK = re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")  # an asterisk left as markup
DOUBLED = re.compile(r"(?<![.])\.\.(?![.])|,,|;;|::")


def _values(key: str, lang: str) -> dict[str, object]:
    values: dict[str, object] = {}
    template = CATALOG.entries[key][lang]
    for name in CATALOG.placeholders(key, lang):
        if f"}}*{{{name}}}" in template:  # a suffix the code builds with its own space
            values[name] = " (BPS Kota Bengkulu)"
        elif any(
            word in name for word in ("count", "total", "n", "days", "hours", "limit", "max")
        ):
            values[name] = 3
        elif "title" in name or "theme" in name:
            values[name] = TITLE
        else:
            values[name] = NAME
    return values


ENTRIES = [
    pytest.param(key, lang, id=f"{key}[{lang}]")
    for key in sorted(CATALOG.entries)
    for lang in sorted(CATALOG.entries[key])
]


def _filled(key: str, lang: str) -> str:
    values = _values(key, lang)
    try:
        return CATALOG.t(key, lang, **values)
    except (ValueError, TypeError):  # a numeric format spec: give numbers everywhere
        return CATALOG.t(key, lang, **dict.fromkeys(values, 3))


def test_the_catalog_is_large() -> None:
    assert len(ENTRIES) > 1000


@pytest.mark.parametrize(("key", "lang"), ENTRIES)
def test_an_entry_on_every_channel(key: str, lang: str) -> None:
    text = _filled(key, lang)
    shown = {
        "whatsapp": text,  # WhatsApp renders the markup itself
        "telegram": parse_html(telegram_html(text))[0],  # what Telegram shows (parses, too)
        "console": render(Text(text)),
    }
    for channel, visible in shown.items():
        assert not DOUBLED.search(visible), (channel, visible)
        if channel != "whatsapp":
            assert not RAW_MARK.search(visible), (channel, visible)
            assert plain(visible) == visible, (channel, visible)  # no marker pair left
    assert not RAW_MARK.search(plain(text)), text  # every asterisk in WhatsApp is a pair


def test_tidy_keeps_what_people_wrote() -> None:
    from bot.i18n import tidy

    assert tidy("Terima kasih, Andi Pratama, S.Si.. Akun aktif.") == (
        "Terima kasih, Andi Pratama, S.Si. Akun aktif."
    )
    assert tidy("Tunggu sebentar...") == "Tunggu sebentar..."
    assert tidy("📚 *Serawai: Serawai Triwulan I 2027*") == "📚 *Serawai Triwulan I 2027*"
    assert tidy("Tema: Data untuk Semua") == "Tema: Data untuk Semua"
    assert tidy("22 pegawai komunitas Komunitas A") == "22 pegawai Komunitas A"
    assert tidy("22 pegawai komunitas profstat") == "22 pegawai komunitas profstat"
