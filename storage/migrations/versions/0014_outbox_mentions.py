"""Who each outbox message names or quotes, so erasing a person reaches other people's messages.

Revision ID: 0014_outbox_mentions
Revises: 0013_outbox_reliability
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_outbox_mentions"
down_revision: str | None = "0013_outbox_reliability"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_mentions",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox_messages.id"],
            name=op.f("fk_outbox_mentions_outbox_id_outbox_messages"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"],
            name=op.f("fk_outbox_mentions_person_id_people"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("outbox_id", "person_id", name=op.f("pk_outbox_mentions")),
    )
    op.create_index(op.f("ix_outbox_mentions_person_id"), "outbox_mentions", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_mentions_person_id"), table_name="outbox_mentions")
    op.drop_table("outbox_mentions")
