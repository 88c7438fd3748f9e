"""The SM hears "the lead and the CC were told" only once they were, and the truth otherwise."""

from __future__ import annotations

import threading

from sqlalchemy import select, update

from bot.outbox import mark_sent
from bot.services import notices
from storage.db import transaction
from storage.models import OutboxMessage, RoleGrant
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


def test_the_lead_and_the_cc_marked_sent_at_once_release_one_claim(bot: Harness) -> None:
    """Two senders mark the two notifications sent in overlapping transactions."""
    request_in_chat(bot)
    with bot.app.sessions() as session:
        rows = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.notice_id.is_not(None))
                .order_by(OutboxMessage.id)
            )
        )
    assert len(rows) == 2  # the lead's and the CC's
    overlap = bot.app.engine.dialect.name == "postgresql"  # SQLite runs them one by one
    barrier = threading.Barrier(2)

    def sender(row_id: int) -> None:
        with transaction(bot.app.sessions) as session:
            mark_sent(session, row_id, f"p{row_id}", bot.clock())
            if overlap:
                barrier.wait(timeout=30)  # both rows marked, neither committed
            notices.settle(session, bot.app.env, row_id, bot.clock())

    threads = [threading.Thread(target=sender, args=(row_id,)) for row_id in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert texts(bot.inbox(SM)) == (
        "📨 Ketua Event Team dan CC sudah diberi tahu tentang permintaan #1."
    )
