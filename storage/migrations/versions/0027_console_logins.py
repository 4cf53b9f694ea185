"""The web console's one-time login links (issue #16).

Revision ID: 0027_console_logins
Revises: 0026_plan_areas
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_console_logins"
down_revision: str | None = "0026_plan_areas"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("logged_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_console_logins_person_id_people"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_logins")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_console_logins_token_hash")),
    )
    op.create_index(op.f("ix_console_logins_person_id"), "console_logins", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_console_logins_person_id"), table_name="console_logins")
    op.drop_table("console_logins")
