"""The SM hears "the lead and the CC were told" only once they were, and the truth otherwise."""

from __future__ import annotations

from sqlalchemy import update

from storage.db import transaction
from storage.models import RoleGrant
from tests.event_team.helpers import CC, LEAD, SM, request_in_chat
from tests.support import Harness, texts

ADMIN = "Andi Pratama"


def test_the_claim_waits_for_both_the_lead_and_the_cc(bot: Harness) -> None:
    saved = texts(request_in_chat(bot))
    assert "Permintaan #1 tersimpan" in saved
    assert "diberi tahu" not in saved
    bot.inbox(LEAD)
    assert texts(bot.inbox(SM)) == ""  # the CC has not got it yet
    bot.inbox(CC)
    assert texts(bot.inbox(SM)) == (
        "📨 Ketua Event Team dan CC sudah diberi tahu tentang permintaan #1."
    )


def test_with_nobody_holding_the_roles_nobody_is_said_to_be_told(bot: Harness) -> None:
    with transaction(bot.app.sessions) as session:
        session.execute(
            update(RoleGrant)
            .where(RoleGrant.role.in_(("et_lead", "cc")))
            .values(revoked_at=bot.clock())
        )
    got = texts(request_in_chat(bot))
    assert "diberi tahu" not in got
    assert "Permintaan #1: belum ada penerima untuk pemberitahuan ini" in got
    assert "Kami juga melaporkannya kepada admin." in got
    assert "Permintaan #1 (Irfan Maulana): tidak ada penerima" in texts(bot.inbox(ADMIN))
