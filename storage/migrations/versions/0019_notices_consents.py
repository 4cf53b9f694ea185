"""Each programme's KVKK notice, versioned, and explicit consents apart from it (issue #15).

`privacy_notices` holds the notice's fields per programme, one row per version;
`explicit_consents` holds each decision on a purpose that needs explicit consent.

Revision ID: 0019_notices_consents
Revises: 0018_objections
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_notices_consents"
down_revision: str | None = "0018_objections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "privacy_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("institution", sa.String(length=300), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("kep", sa.String(length=200), nullable=True),
        sa.Column("transfer_safeguard", sa.String(length=500), nullable=True),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"],
            name=op.f("fk_privacy_notices_programme_id_programmes"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notices")),
    )
    op.create_index("ix_privacy_notices_programme", "privacy_notices", ["programme_id", "id"], unique=False)
    op.create_table(
        "explicit_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("purpose IN ('abroad', 'media')", name=op.f("ck_explicit_consents_purpose")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"],
            name=op.f("fk_explicit_consents_person_id_people"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explicit_consents")),
    )
    op.create_index(
        "ix_explicit_consents_person_purpose", "explicit_consents", ["person_id", "purpose", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_explicit_consents_person_purpose", table_name="explicit_consents")
    op.drop_table("explicit_consents")
    op.drop_index("ix_privacy_notices_programme", table_name="privacy_notices")
    op.drop_table("privacy_notices")
