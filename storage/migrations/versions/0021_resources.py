"""Resources shared with a group or a programme, and mentees' "useful" marks (issue #14, point 7).

Revision ID: 0021_resources
Revises: 0020_feedback
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_resources"
down_revision: str | None = "0020_feedback"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("file_id", sa.String(length=256), nullable=True),
        sa.Column("file_name", sa.String(length=256), nullable=True),
        sa.Column("file_channel", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('link', 'note', 'document')", name=op.f("ck_resources_kind")),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"],
            name=op.f("fk_resources_programme_id_programmes"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_resources_group_id_groups"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_resources_person_id_people"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
    )
    op.create_index(op.f("ix_resources_person_id"), "resources", ["person_id"], unique=False)
    op.create_index("ix_resources_programme_group", "resources", ["programme_id", "group_id"], unique=False)
    op.create_table(
        "resource_marks",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"], ["resources.id"],
            name=op.f("fk_resource_marks_resource_id_resources"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_resource_marks_person_id_people"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resource_id", "person_id", name=op.f("pk_resource_marks")),
    )
    op.create_index(op.f("ix_resource_marks_person_id"), "resource_marks", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_resource_marks_person_id"), table_name="resource_marks")
    op.drop_table("resource_marks")
    op.drop_index("ix_resources_programme_group", table_name="resources")
    op.drop_index(op.f("ix_resources_person_id"), table_name="resources")
    op.drop_table("resources")
