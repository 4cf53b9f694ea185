"""Sessions close properly: members acknowledge the minutes; to-dos set in a session are linked to it (issue #14, E.1.6, E.5.1).

Revision ID: 0023_session_minutes
Revises: 0022_feedback_subjects
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_session_minutes"
down_revision: str | None = "0022_feedback_subjects"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("group_sessions") as table:
        table.add_column(sa.Column("minutes_version", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("minutes_by", sa.Integer(), nullable=True))
        table.create_foreign_key(op.f("fk_group_sessions_minutes_by_people"), "people", ["minutes_by"], ["id"],
                                 ondelete="SET NULL")
    # Minutes written before this revision count as their first version.
    op.execute("UPDATE group_sessions SET minutes_version = 1 WHERE minutes IS NOT NULL")
    with op.batch_alter_table("session_feedback") as table:
        table.add_column(sa.Column("spoke_freely", sa.SmallInteger(), nullable=True))
        table.create_check_constraint(op.f("ck_session_feedback_spoke_freely"), "spoke_freely BETWEEN 1 AND 5")
    with op.batch_alter_table("todos") as table:
        table.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        table.create_foreign_key(op.f("fk_todos_session_id_group_sessions"), "group_sessions", ["session_id"],
                                 ["id"], ondelete="SET NULL")
        table.create_index(op.f("ix_todos_session_id"), ["session_id"], unique=False)
    op.create_table(
        "session_minutes_acks",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("minutes_version", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["group_sessions.id"],
                                name=op.f("fk_session_minutes_acks_session_id_group_sessions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_session_minutes_acks_person_id_people"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "person_id", name=op.f("pk_session_minutes_acks")),
    )
    op.create_index(op.f("ix_session_minutes_acks_person_id"), "session_minutes_acks", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_session_minutes_acks_person_id"), table_name="session_minutes_acks")
    op.drop_table("session_minutes_acks")
    with op.batch_alter_table("todos") as table:
        table.drop_index(op.f("ix_todos_session_id"))
        table.drop_constraint(op.f("fk_todos_session_id_group_sessions"), type_="foreignkey")
        table.drop_column("session_id")
    with op.batch_alter_table("session_feedback") as table:
        table.drop_constraint(op.f("ck_session_feedback_spoke_freely"), type_="check")
        table.drop_column("spoke_freely")
    with op.batch_alter_table("group_sessions") as table:
        table.drop_constraint(op.f("fk_group_sessions_minutes_by_people"), type_="foreignkey")
        table.drop_column("minutes_by")
        table.drop_column("minutes_version")
