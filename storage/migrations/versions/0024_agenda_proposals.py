"""From practice to the group: agenda proposals from reflections and mentees, and roles on agenda topics (issue #14).

Revision ID: 0024_agenda_proposals
Revises: 0023_session_minutes
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_agenda_proposals"
down_revision: str | None = "0023_session_minutes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "agenda_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reflection_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'declined')", name=op.f("ck_agenda_proposals_status")),
        _fk("agenda_proposals", "group_id", "groups", "CASCADE"),
        _fk("agenda_proposals", "person_id", "people", "CASCADE"),
        _fk("agenda_proposals", "reflection_id", "reflections", "SET NULL"),
        _fk("agenda_proposals", "decided_by", "people", "SET NULL"),
        _fk("agenda_proposals", "topic_id", "agenda_topics", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_proposals")),
    )
    op.create_index(op.f("ix_agenda_proposals_person_id"), "agenda_proposals", ["person_id"], unique=False)
    op.create_index("ix_agenda_proposals_group_status", "agenda_proposals", ["group_id", "status"], unique=False)
    op.create_index("ix_agenda_proposals_reflection", "agenda_proposals", ["reflection_id"], unique=True)
    op.create_table(
        "agenda_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("asked_by", sa.Integer(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('presenter', 'role_play', 'case')", name=op.f("ck_agenda_roles_role")),
        sa.CheckConstraint("status IN ('asked', 'accepted', 'declined')", name=op.f("ck_agenda_roles_status")),
        _fk("agenda_roles", "topic_id", "agenda_topics", "CASCADE"),
        _fk("agenda_roles", "person_id", "people", "CASCADE"),
        _fk("agenda_roles", "asked_by", "people", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_roles")),
    )
    op.create_index(op.f("ix_agenda_roles_person_id"), "agenda_roles", ["person_id"], unique=False)
    op.create_index("ix_agenda_roles_topic_person_role", "agenda_roles", ["topic_id", "person_id", "role"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_agenda_roles_topic_person_role", table_name="agenda_roles")
    op.drop_index(op.f("ix_agenda_roles_person_id"), table_name="agenda_roles")
    op.drop_table("agenda_roles")
    op.drop_index("ix_agenda_proposals_reflection", table_name="agenda_proposals")
    op.drop_index("ix_agenda_proposals_group_status", table_name="agenda_proposals")
    op.drop_index(op.f("ix_agenda_proposals_person_id"), table_name="agenda_proposals")
    op.drop_table("agenda_proposals")
