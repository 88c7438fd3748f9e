"""WhatsApp content: the ContentSid of each set of buttons created through the Content API

Revision ID: 0009_content
Revises: 0007_health
Create Date: 2026-12-06 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0009_content"
down_revision = "0007_health"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_contents",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("content_sid", sa.String(length=34), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_whatsapp_contents")),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_contents")
