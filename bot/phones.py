"""One phone-number normaliser for every number from a user, an import or a webhook.

Numbers are read with `phonenumbers` (Google's libphonenumber) in region ID, so `0812…`,
`812…`, `+62 0812…`, `62812…` and `0062 812…` all become `+62812…` (E.164), and a number that
is not a possible number of its country is refused instead of stored as something else.
"""

from __future__ import annotations

import re

import phonenumbers

REGION = "ID"
_SEPARATORS = re.compile(r"[\s\-().]")


def normalise(raw: str) -> str | None:
    """The number in E.164 (`+62812…`), or None when it cannot be a phone number."""
    text = _SEPARATORS.sub("", raw.strip()).removeprefix("whatsapp:")
    if text.startswith("00"):
        text = "+" + text[2:]  # the international prefix, as people type it
    if not text.lstrip("+").isdigit():
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_possible_number(number) or not 11 <= len(e164) <= 16:
        return None  # E.164 holds 10 to 15 digits; shorter ones are extensions or typos
    return e164
