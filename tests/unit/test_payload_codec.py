"""The button payload codec: round trips, the 64-byte limit, never raising on user input."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.payload import MAX_BYTES, Payload, decode, encode

prefixes = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)
parts = st.lists(st.text(max_size=12), max_size=4)


def test_round_trip_with_separators_and_non_ascii() -> None:
    raw = encode("vote", 12, "a:b", "50%", "Sabtu ✓")
    assert raw.isascii()
    assert decode(raw) == Payload("vote", ("12", "a:b", "50%", "Sabtu ✓"))
    decoded = decode(raw)
    assert decoded is not None
    assert decoded.int_part(0) == 12
    assert decoded.int_part(1) is None
    assert decoded.part(9) is None


def test_no_parts_and_empty_parts_are_told_apart() -> None:
    assert decode(encode("menu")) == Payload("menu", ())
    assert decode(encode("menu", "")) == Payload("menu", ("",))


def test_over_64_bytes_is_refused() -> None:
    assert len(encode("x", "y" * 62)) == MAX_BYTES
    with pytest.raises(ValueError, match="64"):
        encode("x", "y" * 63)
    with pytest.raises(ValueError, match="64"):
        encode("x", "é" * 15)  # 15 chars, 90 bytes escaped


@pytest.mark.parametrize("prefix", ["", "Menu", "a:b", "1x", "x" * 17, "é"])
def test_bad_prefix_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        encode(prefix, "1")


@pytest.mark.parametrize(
    "raw",
    [
        None,
        42,
        "",
        ":",
        "Menu:1",
        "menu:a b",
        "menu:%ZZ",
        "menu:%e9",
        "menu:%61",
        "menu:%3a",
        "x" * 65,
        "menu:é",
        "menu:\x00",
        "menu:%C3",
    ],
)
def test_malformed_payloads_decode_to_none(raw: object) -> None:
    assert decode(raw) is None


@given(prefixes, parts)
def test_encode_then_decode_round_trips(prefix: str, values: list[str]) -> None:
    expected = ":".join([prefix, *(quote(v, safe="") for v in values)])  # RFC 3986 escaping
    if len(expected) > MAX_BYTES:
        with pytest.raises(ValueError, match="64"):
            encode(prefix, *values)
        return
    raw = encode(prefix, *values)
    assert raw == expected
    assert raw.isascii()
    assert decode(raw) == Payload(prefix, tuple(values))


@given(st.one_of(st.text(max_size=80), st.binary(max_size=80).map(lambda b: b.decode("latin-1"))))
def test_decode_never_raises_and_accepts_only_canonical_payloads(raw: str) -> None:
    result = decode(raw)
    if result is not None:
        assert len(raw.encode()) <= MAX_BYTES
        assert encode(result.prefix, *result.parts) == raw
