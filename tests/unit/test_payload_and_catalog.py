"""Button payloads stay within Telegram's limit; every text exists in both languages."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import Catalog
from bot.payload import MAX_BYTES, decode, encode


def test_payload_round_trip_with_separators_in_parts() -> None:
    raw = encode("vote", 12, "a:b", "50%")
    decoded = decode(raw)
    assert decoded is not None
    assert decoded.prefix == "vote"
    assert decoded.parts == ("12", "a:b", "50%")
    assert decoded.int_part(0) == 12
    assert decoded.int_part(1) is None


def test_payload_longer_than_64_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="64"):
        encode("x", "y" * 80)


@given(st.text(max_size=200))
def test_decode_never_raises_on_anything_a_user_sends(raw: str) -> None:
    result = decode(raw)
    if result is not None:
        assert len(raw.encode()) <= MAX_BYTES


def test_every_text_has_indonesian_and_english_with_the_same_placeholders() -> None:
    catalog = Catalog.load()
    assert catalog.entries
    for key, texts in catalog.entries.items():
        assert texts.get("id"), f"{key} has no Indonesian text"
        assert texts.get("en"), f"{key} has no English text"
        assert catalog.placeholders(key, "id") == catalog.placeholders(key, "en"), key
