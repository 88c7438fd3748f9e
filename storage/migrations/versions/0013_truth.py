"""Notices: a "they were told" sentence waits for the messages it speaks of

Revision ID: 0013_truth
Revises: 0007_health
Create Date: 2026-12-06 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import storage.base

revision = "0013_truth"
down_revision = "0007_health"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("about", sa.String(length=200), nullable=False),
        sa.Column(
            "confirm",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "instead",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("settled_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_notices_employee_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index(op.f("ix_notices_group_id"), "notices", ["group_id"])
    # A plain column (no foreign key): SQLite adds it without rebuilding the outbox table.
    op.add_column("outbox", sa.Column("notice_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_outbox_notice_id"), "outbox", ["notice_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_notice_id"), table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("notice_id")
    op.drop_index(op.f("ix_notices_group_id"), table_name="notices")
    op.drop_table("notices")
