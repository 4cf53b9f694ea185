"""What the sender needs for WhatsApp: the 24-hour window, the channel and template of a send, its statuses.

- `channel_identities.last_inbound_at`: when the person last wrote on that
  channel; WhatsApp takes free-form messages only within 24 hours of it.
- `outbox_messages.channel`, `.template`: which channel a row went out on, and
  the approved template it went as when it was outside the window.
- `outbox_messages.delivered_at`, `.read_at`: the channel's statuses for it
  (WhatsApp's status webhooks), found by `sent_message_id` (now indexed, and
  128 characters wide: a WhatsApp message id is about 60).

Revision ID: 0016_whatsapp_delivery
Revises: 0015_inbound_messages
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_whatsapp_delivery"
down_revision: str | None = "0015_inbound_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_identities") as table:
        table.add_column(sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("outbox_messages") as table:
        table.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
        table.add_column(sa.Column("template", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
        table.alter_column(
            "sent_message_id", existing_type=sa.String(length=64), type_=sa.String(length=128),
            existing_nullable=True,
        )
    op.create_index("ix_outbox_messages_sent_message_id", "outbox_messages", ["sent_message_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_sent_message_id", table_name="outbox_messages")
    with op.batch_alter_table("outbox_messages") as table:
        table.alter_column(
            "sent_message_id", existing_type=sa.String(length=128), type_=sa.String(length=64),
            existing_nullable=True,
        )
        table.drop_column("read_at")
        table.drop_column("delivered_at")
        table.drop_column("template")
        table.drop_column("channel")
    with op.batch_alter_table("channel_identities") as table:
        table.drop_column("last_inbound_at")
