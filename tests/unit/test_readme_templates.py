"""The WhatsApp templates the README asks operators to register would pass WhatsApp's review.

WhatsApp rejects a template body that starts or ends with a variable; every kind the sender
sends as a template (the opener, the admin alert) must be in the table.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.handlers.whatsapp import TEMPLATE_KINDS

README = Path(__file__).resolve().parents[2] / "README.md"
VARIABLE = re.compile(r"\{\{\d+\}\}")


def _template_rows() -> dict[str, str]:
    """kind -> suggested body, from the README's table of templates to register."""
    rows: dict[str, str] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`") and "{{" in cells[2]:
            body = re.search(r"`([^`]*\{\{[^`]*)`", cells[2])
            assert body is not None, line
            for kind in re.findall(r"`([a-z_0-9]+)`", cells[0]):
                rows[kind] = body.group(1)
    return rows


def test_every_template_kind_the_sender_uses_is_listed() -> None:
    assert set(_template_rows()) >= TEMPLATE_KINDS


def test_no_suggested_body_starts_or_ends_with_a_variable() -> None:
    for kind, body in sorted(_template_rows().items()):
        assert not VARIABLE.match(body), kind
        assert not re.search(r"\{\{\d+\}\}\W*$", body), kind
