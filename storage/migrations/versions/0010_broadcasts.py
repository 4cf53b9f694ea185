"""Coordinator broadcasts: drafts, audience, progress message.

Revision ID: 0010_broadcasts
Revises: 0002_spine
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_broadcasts"
down_revision: str | None = "0002_spine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=True),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("group_ids", JSON, nullable=False),
        sa.Column("audience_role", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("progress_chat_id", sa.String(length=64), nullable=True),
        sa.Column("progress_message_id", sa.Integer(), nullable=True),
        sa.Column("shown_counts", JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'sending', 'done', 'cancelled')", name=op.f("ck_broadcasts_status")
        ),
        sa.CheckConstraint(
            "scope IS NULL OR scope IN ('programme', 'province', 'groups')", name=op.f("ck_broadcasts_scope")
        ),
        sa.CheckConstraint(
            "audience_role IS NULL OR audience_role IN ('all', 'mentor', 'mentee')",
            name=op.f("ck_broadcasts_audience_role"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_broadcasts_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_broadcasts_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_broadcasts_province_id_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.create_index("ix_broadcasts_status", ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_broadcasts_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_broadcasts_programme_id"), ["programme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcasts_programme_id"))
        batch_op.drop_index(batch_op.f("ix_broadcasts_person_id"))
        batch_op.drop_index("ix_broadcasts_status")
    op.drop_table("broadcasts")
