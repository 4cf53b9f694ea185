"""Plans tied to areas: each goal belongs to a priority area; care-work areas apart from the programme outcomes (issue #14, E.2, E.3).

Revision ID: 0026_plan_areas
Revises: 0025_programme_closing
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_plan_areas"
down_revision: str | None = "0025_programme_closing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The self-assessment needs no change: its scores are stored under the outcome's or skill's key
# (mentoring.plans.assessment.INSTRUMENT) in plan_self_assessments.area_key as before.


def upgrade() -> None:
    # The priority area a goal serves; NULL ("other") for the goals made before.
    with op.batch_alter_table("plan_goals") as batch:
        batch.add_column(sa.Column("area_key", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_goals") as batch:
        batch.drop_column("area_key")
