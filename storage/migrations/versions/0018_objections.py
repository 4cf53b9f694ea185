"""Objections and correction requests: `objections` (issue #15, rights in chat).

A person objects to an automated flag or asks for a correction; the programme's
coordinators answer within 30 days. `text` and `answer` are personal (cleared
with the person and by retention).

Revision ID: 0018_objections
Revises: 0017_safeguarding
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_objections"
down_revision: str | None = "0017_safeguarding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("flag_group_id", sa.Integer(), nullable=True),
        sa.Column("flag_kind", sa.String(length=32), nullable=True),
        sa.Column("flag_week", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"],
            name=op.f("fk_objections_person_id_people"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"],
            name=op.f("fk_objections_programme_id_programmes"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flag_group_id"], ["groups.id"],
            name=op.f("fk_objections_flag_group_id_groups"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["people.id"],
            name=op.f("fk_objections_answered_by_people"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
    )
    op.create_index(op.f("ix_objections_person_id"), "objections", ["person_id"], unique=False)
    op.create_index(
        "ix_objections_programme_due", "objections", ["programme_id", "answered_at", "due_on"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_objections_programme_due", table_name="objections")
    op.drop_index(op.f("ix_objections_person_id"), table_name="objections")
    op.drop_table("objections")
