"""Mentors answer goals and to-dos too: a reply's subject is a reflection, a goal or a to-do (issue #14, E.6.2).

Revision ID: 0022_feedback_subjects
Revises: 0021_resources
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_feedback_subjects"
down_revision: str | None = "0021_resources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Exactly one subject: a reply names a reflection, a goal or a to-do; an answer names the reply.
SUBJECT_NOW = ("(CASE WHEN reflection_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN goal_id IS NULL THEN 0 ELSE 1 END)"
               " + (CASE WHEN todo_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN answer_to_id IS NULL THEN 0 ELSE 1 END)"
               " = 1")
SUBJECT_BEFORE = "(reflection_id IS NULL) <> (answer_to_id IS NULL)"


def upgrade() -> None:
    with op.batch_alter_table("feedback_messages") as table:
        table.add_column(sa.Column("goal_id", sa.Integer(), nullable=True))
        table.add_column(sa.Column("todo_id", sa.Integer(), nullable=True))
        table.create_foreign_key(op.f("fk_feedback_messages_goal_id_plan_goals"), "plan_goals", ["goal_id"], ["id"],
                                 ondelete="CASCADE")
        table.create_foreign_key(op.f("fk_feedback_messages_todo_id_todos"), "todos", ["todo_id"], ["id"],
                                 ondelete="CASCADE")
        table.drop_constraint(op.f("ck_feedback_messages_subject"), type_="check")
        table.create_check_constraint(op.f("ck_feedback_messages_subject"), SUBJECT_NOW)
    op.create_index("ix_feedback_messages_goal", "feedback_messages", ["goal_id"], unique=False)
    op.create_index("ix_feedback_messages_todo", "feedback_messages", ["todo_id"], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM feedback_messages WHERE answer_to_id IN "
               "(SELECT id FROM feedback_messages WHERE goal_id IS NOT NULL OR todo_id IS NOT NULL)")
    op.execute("DELETE FROM feedback_messages WHERE goal_id IS NOT NULL OR todo_id IS NOT NULL")
    op.drop_index("ix_feedback_messages_todo", table_name="feedback_messages")
    op.drop_index("ix_feedback_messages_goal", table_name="feedback_messages")
    with op.batch_alter_table("feedback_messages") as table:
        table.drop_constraint(op.f("ck_feedback_messages_subject"), type_="check")
        table.create_check_constraint(op.f("ck_feedback_messages_subject"), SUBJECT_BEFORE)
        table.drop_constraint(op.f("fk_feedback_messages_todo_id_todos"), type_="foreignkey")
        table.drop_constraint(op.f("fk_feedback_messages_goal_id_plan_goals"), type_="foreignkey")
        table.drop_column("todo_id")
        table.drop_column("goal_id")
