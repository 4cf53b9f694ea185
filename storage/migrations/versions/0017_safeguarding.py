"""Worries about a child a member raised: `safeguarding_concerns` (issue #15, the safeguarding path).

One row per group whose mentors were told; `note` is personal (cleared with the person).

Revision ID: 0017_safeguarding
Revises: 0016_whatsapp_delivery
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_safeguarding"
down_revision: str | None = "0016_whatsapp_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safeguarding_concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"],
            name=op.f("fk_safeguarding_concerns_person_id_people"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"],
            name=op.f("fk_safeguarding_concerns_group_id_groups"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_concerns")),
    )
    op.create_index(
        op.f("ix_safeguarding_concerns_person_id"), "safeguarding_concerns", ["person_id"], unique=False
    )
    op.create_index(
        "ix_safeguarding_concerns_group_created", "safeguarding_concerns", ["group_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_safeguarding_concerns_group_created", table_name="safeguarding_concerns")
    op.drop_index(op.f("ix_safeguarding_concerns_person_id"), table_name="safeguarding_concerns")
    op.drop_table("safeguarding_concerns")
