"""Message ids a channel delivered, so a webhook delivered twice (WhatsApp retries) is handled once.

Revision ID: 0015_inbound_messages
Revises: 0014_outbox_mentions
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_inbound_messages"
down_revision: str | None = "0014_outbox_mentions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_messages",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "message_id", name=op.f("pk_inbound_messages")),
    )
    op.create_index("ix_inbound_messages_received_at", "inbound_messages", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_inbound_messages_received_at", table_name="inbound_messages")
    op.drop_table("inbound_messages")
