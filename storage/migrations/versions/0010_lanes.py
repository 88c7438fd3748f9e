"""Outbox lanes (answers, personal, bulk) and the send slots instances share

Revision ID: 0010_lanes
Revises: 0013_truth
Create Date: 2026-12-06 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_lanes"
down_revision = "0013_truth"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("lane", sa.SmallInteger(), server_default="1", nullable=False))
    # What was queued as a reply to someone's own message is an answer; broadcasts and the
    # office post are bulk; everything else stays personal.
    op.execute("UPDATE outbox SET lane = 0 WHERE kind = 'reply'")
    op.execute("UPDATE outbox SET lane = 2 WHERE kind IN ('broadcast', 'post')")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_due", sqlite_where=PENDING, postgresql_where=PENDING)
        batch_op.create_index(
            "ix_outbox_lane_due",
            ["channel", "lane", "next_attempt_at", "id"],
            unique=False,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )
    op.create_table(
        "send_rates",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("next_at", sa.Float(precision=53), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_send_rates")),
    )


def downgrade() -> None:
    op.drop_table("send_rates")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_lane_due", sqlite_where=PENDING, postgresql_where=PENDING)
        batch_op.create_index(
            "ix_outbox_due",
            ["channel", "next_attempt_at"],
            unique=False,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )
        batch_op.drop_column("lane")
