"""Hold and open: held WhatsApp messages, their validity and a plain failure reason

Revision ID: 0008_hold
Revises: 0010_lanes
Create Date: 2026-12-06 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0008_hold"
down_revision = "0010_lanes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("expires_at", storage.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("reason", sa.String(length=40), nullable=True))
    op.create_index(
        "ix_outbox_held",
        "outbox",
        ["employee_id"],
        sqlite_where=sa.text("status = 'held'"),
        postgresql_where=sa.text("status = 'held'"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_held", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("reason")
        batch.drop_column("expires_at")
