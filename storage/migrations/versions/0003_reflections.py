"""Weekly reflections: versioned question sets, reflections and their answers.

Revision ID: 0003_reflections
Revises: 0002_spine
Create Date: 2026-11-22 17:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_reflections"
down_revision: str | None = "0002_spine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reflection_question_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from_week", sa.Integer(), nullable=False),
        sa.Column(
            "questions", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("created_at", _utc(), nullable=False),
        sa.CheckConstraint(
            "effective_from_week >= 1", name=op.f("ck_reflection_question_sets_effective_from_week")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_reflection_question_sets_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflection_question_sets")),
        sa.UniqueConstraint("programme_id", "version", name="uq_reflection_question_sets_version"),
    )
    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("question_set_id", sa.Integer(), nullable=False),
        sa.Column("closes_at", _utc(), nullable=False),
        sa.Column("started_at", _utc(), nullable=False),
        sa.Column("submitted_at", _utc(), nullable=True),
        sa.Column("numbers_only", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_reflections_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_reflections_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_set_id"],
            ["reflection_question_sets.id"],
            name=op.f("fk_reflections_question_set_id_reflection_question_sets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflections")),
        sa.UniqueConstraint(
            "person_id", "group_id", "week", name="uq_reflections_person_group_week"
        ),
    )
    op.create_index("ix_reflections_group_week", "reflections", ["group_id", "week"], unique=False)
    op.create_table(
        "reflection_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reflection_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("scale_value", sa.SmallInteger(), nullable=True),
        sa.Column("choice_value", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("file_kind", sa.String(length=8), nullable=True),
        sa.Column("file_id", sa.String(length=256), nullable=True),
        sa.Column("file_duration", sa.Integer(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("answered_at", _utc(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('text', 'scale', 'choice')", name=op.f("ck_reflection_answers_kind")
        ),
        sa.CheckConstraint(
            "scale_value IS NULL OR scale_value BETWEEN 1 AND 5",
            name=op.f("ck_reflection_answers_scale_value"),
        ),
        sa.CheckConstraint(
            "file_kind IS NULL OR file_kind IN ('voice', 'photo')",
            name=op.f("ck_reflection_answers_file_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["reflection_id"],
            ["reflections.id"],
            name=op.f("fk_reflection_answers_reflection_id_reflections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflection_answers")),
        sa.UniqueConstraint("reflection_id", "question_key", name="uq_reflection_answers_question"),
    )


def downgrade() -> None:
    op.drop_table("reflection_answers")
    op.drop_index("ix_reflections_group_week", table_name="reflections")
    op.drop_table("reflections")
    op.drop_table("reflection_question_sets")
