"""The spine later features stand on: group rhythms, the outbox,
conversation states, and quiet hours and pauses for people.

Revision ID: 0002_spine
Revises: 0001_initial
Create Date: 2026-11-22 17:24:16.237949
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_spine"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conversation_states',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('flow', sa.String(length=32), nullable=False),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_conversation_states_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_conversation_states'))
    )
    op.create_table('group_schedules',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('reflection_weekday', sa.SmallInteger(), nullable=False),
    sa.Column('reflection_time', sa.Time(), nullable=False),
    sa.Column('reflection_open_hours', sa.Integer(), nullable=False),
    sa.Column('checkin_weekday', sa.SmallInteger(), nullable=False),
    sa.Column('checkin_time', sa.Time(), nullable=False),
    sa.Column('checkin_open_hours', sa.Integer(), nullable=False),
    sa.Column('reminder_after_hours', sa.Integer(), nullable=True),
    sa.Column('reminder_before_close_hours', sa.Integer(), nullable=True),
    sa.CheckConstraint('checkin_open_hours BETWEEN 1 AND 167', name=op.f('ck_group_schedules_checkin_open_hours')),
    sa.CheckConstraint('checkin_weekday BETWEEN 0 AND 6', name=op.f('ck_group_schedules_checkin_weekday')),
    sa.CheckConstraint('reflection_open_hours BETWEEN 1 AND 167', name=op.f('ck_group_schedules_reflection_open_hours')),
    sa.CheckConstraint('reflection_weekday BETWEEN 0 AND 6', name=op.f('ck_group_schedules_reflection_weekday')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_schedules_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', name=op.f('pk_group_schedules'))
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('chat_id', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('buttons', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('attachment', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('respect_quiet_hours', sa.Boolean(), nullable=False),
    sa.Column('batch_key', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('sent_message_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'dropped', 'cancelled')", name=op.f('ck_outbox_messages_status')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_outbox_messages_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_messages_idempotency_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_batch', ['batch_key', 'status'], unique=False)
        batch_op.create_index('ix_outbox_messages_due', ['status', 'priority', 'not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiet_hours_start', sa.Time(), nullable=False, server_default='22:00:00'))
        batch_op.add_column(sa.Column('quiet_hours_end', sa.Time(), nullable=False, server_default='08:00:00'))
        batch_op.add_column(sa.Column('paused_until', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('paused_until')
        batch_op.drop_column('quiet_hours_end')
        batch_op.drop_column('quiet_hours_start')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_person_id'))
        batch_op.drop_index('ix_outbox_messages_due')
        batch_op.drop_index('ix_outbox_messages_batch')

    op.drop_table('outbox_messages')
    op.drop_table('group_schedules')
    op.drop_table('conversation_states')
