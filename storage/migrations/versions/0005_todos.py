"""The to-do list: to-dos, mentors' assignments, and the reasons a to-do was not done.

Revision ID: 0005_todos
Revises: 0004_plans_peers
Create Date: 2026-11-22 17:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_todos"
down_revision: str | None = "0004_plans_peers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "todo_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("whole_group", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_todo_assignments_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["people.id"],
            name=op.f("fk_todo_assignments_mentor_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_todo_assignments")),
    )
    op.create_index(op.f("ix_todo_assignments_group_id"), "todo_assignments", ["group_id"])
    op.create_index(op.f("ix_todo_assignments_mentor_id"), "todo_assignments", ["mentor_id"])
    op.create_table(
        "todos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_kind", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_at", _utc(), nullable=True),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("postponed_count", sa.SmallInteger(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("closed_at", _utc(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'done', 'not_done')", name=op.f("ck_todos_status")),
        sa.CheckConstraint(
            "due_kind IN ('none', 'week', 'session', 'date')", name=op.f("ck_todos_due_kind")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_todos_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_todos_group_id_groups"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["plan_goals.id"],
            name=op.f("fk_todos_goal_id_plan_goals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["todo_assignments.id"],
            name=op.f("fk_todos_assignment_id_todo_assignments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_todos")),
    )
    op.create_index("ix_todos_person_status", "todos", ["person_id", "status"])
    op.create_index(op.f("ix_todos_group_id"), "todos", ["group_id"])
    op.create_index(op.f("ix_todos_assignment_id"), "todos", ["assignment_id"])
    op.create_table(
        "todo_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("todo_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.CheckConstraint(
            "reason IN ('no_time', 'no_chance', 'unclear', 'needed_help', 'other')",
            name=op.f("ck_todo_reasons_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["todo_id"],
            ["todos.id"],
            name=op.f("fk_todo_reasons_todo_id_todos"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_todo_reasons_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_todo_reasons_group_id_groups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_todo_reasons")),
    )
    op.create_index("ix_todo_reasons_group_week", "todo_reasons", ["group_id", "week"])
    op.create_index(op.f("ix_todo_reasons_todo_id"), "todo_reasons", ["todo_id"])
    op.create_index(op.f("ix_todo_reasons_person_id"), "todo_reasons", ["person_id"])


def downgrade() -> None:
    op.drop_table("todo_reasons")
    op.drop_table("todos")
    op.drop_table("todo_assignments")
