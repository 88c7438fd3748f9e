"""WhatsApp content: the ContentSid of each set of buttons made through the Content API, and
the filename a media link shows

Revision ID: 0009_content
Revises: 0008_hold
Create Date: 2026-12-06 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0009_content"
down_revision = "0008_hold"
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
    with op.batch_alter_table("media_links") as batch:
        batch.add_column(
            sa.Column("filename", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("media_links") as batch:
        batch.drop_column("filename")
    op.drop_table("whatsapp_contents")
