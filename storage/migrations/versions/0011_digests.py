"""The mentors' digest preferences (chart on or off).

Revision ID: 0011_digests
Revises: 0002_spine
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_digests"
down_revision = "0002_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_preferences",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("chart_off", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_digest_preferences_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_digest_preferences")),
    )


def downgrade() -> None:
    op.drop_table("digest_preferences")
