"""The outbox knows which rows really started to send; workers leave heartbeats.

`attempt_started_at` is committed just before a row's request goes out, so after a
crash only rows whose request had started are in doubt (the rest go back to the
queue); `in_doubt` marks rows the crash policy handled. `worker_heartbeats` feeds
`narbot status`.

Revision ID: 0013_outbox_reliability
Revises: 0012_merge_features
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_outbox_reliability"
down_revision: str | None = "0012_merge_features"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempt_started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("in_doubt", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "worker_heartbeats",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("worker", sa.String(length=32), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("healthy", sa.Boolean(), nullable=False),
        sa.Column("degraded_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_heartbeats")),
    )


def downgrade() -> None:
    op.drop_table("worker_heartbeats")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("in_doubt")
        batch_op.drop_column("attempt_started_at")
