"""Mentors' replies to reflections and mentees' answers to them (issue #14, E.6.2).

Revision ID: 0020_feedback
Revises: 0019_notices_consents
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_feedback"
down_revision: str | None = "0019_notices_consents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("to_person_id", sa.Integer(), nullable=False),
        sa.Column("reflection_id", sa.Integer(), nullable=True),
        sa.Column("answer_to_id", sa.Integer(), nullable=True),
        sa.Column("reaction", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(reflection_id IS NULL) <> (answer_to_id IS NULL)",
                           name=op.f("ck_feedback_messages_subject")),
        sa.CheckConstraint("reaction IS NULL OR reaction IN ('well_done', 'in_session', 'help')",
                           name=op.f("ck_feedback_messages_reaction")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"],
            name=op.f("fk_feedback_messages_person_id_people"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_person_id"], ["people.id"],
            name=op.f("fk_feedback_messages_to_person_id_people"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reflection_id"], ["reflections.id"],
            name=op.f("fk_feedback_messages_reflection_id_reflections"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answer_to_id"], ["feedback_messages.id"],
            name=op.f("fk_feedback_messages_answer_to_id_feedback_messages"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_messages")),
    )
    op.create_index(op.f("ix_feedback_messages_person_id"), "feedback_messages", ["person_id"], unique=False)
    op.create_index("ix_feedback_messages_reflection", "feedback_messages", ["reflection_id"], unique=False)
    op.create_index("ix_feedback_messages_answer_to", "feedback_messages", ["answer_to_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_feedback_messages_answer_to", table_name="feedback_messages")
    op.drop_index("ix_feedback_messages_reflection", table_name="feedback_messages")
    op.drop_index(op.f("ix_feedback_messages_person_id"), table_name="feedback_messages")
    op.drop_table("feedback_messages")
