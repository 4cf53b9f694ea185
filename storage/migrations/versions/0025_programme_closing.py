"""The programme ends: the closing sequence, recommendations, the pair's choice and the end-of-programme survey (issue #14, E.6, E.7).

Revision ID: 0025_programme_closing
Revises: 0024_agenda_proposals
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_programme_closing"
down_revision: str | None = "0024_agenda_proposals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _person(table: str, column: str = "person_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["people.id"], name=op.f(f"fk_{table}_{column}_people"),
                                   ondelete="CASCADE")


def _programme(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                   name=op.f(f"fk_{table}_programme_id_programmes"), ondelete="CASCADE")


def _group(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name=op.f(f"fk_{table}_group_id_groups"),
                                   ondelete="SET NULL")


def upgrade() -> None:
    op.create_table(
        "closing_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("pair_choice", sa.String(length=8), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("pair_choice IN ('yes', 'no', 'unsure')", name=op.f("ck_closing_progress_pair_choice")),
        _person("closing_progress"), _programme("closing_progress"), _group("closing_progress"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_progress")),
        sa.UniqueConstraint("person_id", "programme_id", name="uq_closing_progress_person_programme"),
    )
    op.create_index(op.f("ix_closing_progress_person_id"), "closing_progress", ["person_id"], unique=False)
    op.create_table(
        "closing_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        _person("closing_answers"), _programme("closing_answers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_answers")),
        sa.UniqueConstraint("person_id", "programme_id", "question", name="uq_closing_answers_question"),
    )
    op.create_index(op.f("ix_closing_answers_person_id"), "closing_answers", ["person_id"], unique=False)
    op.create_table(
        "closing_recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _person("closing_recommendations", "mentee_id"), _programme("closing_recommendations"),
        _person("closing_recommendations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_recommendations")),
    )
    op.create_index(op.f("ix_closing_recommendations_person_id"), "closing_recommendations", ["person_id"],
                    unique=False)
    op.create_index("ix_closing_recommendations_mentee", "closing_recommendations", ["mentee_id", "programme_id"],
                    unique=False)
    op.create_table(
        "closing_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("facilitation", sa.SmallInteger(), nullable=True),
        sa.Column("climate", sa.SmallInteger(), nullable=True),
        sa.Column("pairs", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("facilitation BETWEEN 1 AND 5", name=op.f("ck_closing_surveys_facilitation")),
        sa.CheckConstraint("climate BETWEEN 1 AND 5", name=op.f("ck_closing_surveys_climate")),
        sa.CheckConstraint("pairs BETWEEN 1 AND 5", name=op.f("ck_closing_surveys_pairs")),
        _person("closing_surveys"), _programme("closing_surveys"), _group("closing_surveys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_surveys")),
        sa.UniqueConstraint("person_id", "programme_id", name="uq_closing_surveys_person_programme"),
    )
    op.create_index(op.f("ix_closing_surveys_person_id"), "closing_surveys", ["person_id"], unique=False)
    op.create_index("ix_closing_surveys_group_id", "closing_surveys", ["group_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_closing_surveys_group_id", table_name="closing_surveys")
    op.drop_index(op.f("ix_closing_surveys_person_id"), table_name="closing_surveys")
    op.drop_table("closing_surveys")
    op.drop_index("ix_closing_recommendations_mentee", table_name="closing_recommendations")
    op.drop_index(op.f("ix_closing_recommendations_person_id"), table_name="closing_recommendations")
    op.drop_table("closing_recommendations")
    op.drop_index(op.f("ix_closing_answers_person_id"), table_name="closing_answers")
    op.drop_table("closing_answers")
    op.drop_index(op.f("ix_closing_progress_person_id"), table_name="closing_progress")
    op.drop_table("closing_progress")
