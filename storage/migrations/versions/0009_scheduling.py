"""The planner's log of weekly waves (planned_waves).

Revision ID: 0009_scheduling
Revises: 0002_spine
Create Date: 2026-11-22 17:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_scheduling"
down_revision: str | None = "0002_spine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "planned_waves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('reflection', 'checkin', 'self_assessment')", name=op.f("ck_planned_waves_kind")
        ),
        sa.CheckConstraint(
            "stage IN ('prompt', 'reminder_after', 'reminder_before')", name=op.f("ck_planned_waves_stage")
        ),
        sa.CheckConstraint(
            "outcome IN ('planned', 'dropped', 'skipped')", name=op.f("ck_planned_waves_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_planned_waves_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_waves")),
        sa.UniqueConstraint("group_id", "kind", "week", "stage", name="uq_planned_waves_stage"),
    )
    op.create_index("ix_planned_waves_closes_at", "planned_waves", ["closes_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_planned_waves_closes_at", table_name="planned_waves")
    op.drop_table("planned_waves")
