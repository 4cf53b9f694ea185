"""Join the feature branches (built in parallel from 0002_spine) into one line again.

Revision ID: 0012_merge_features
Revises: 0003_reflections, 0005_todos, 0006_sessions, 0007_privacy, 0009_scheduling,
    0010_broadcasts, 0011_digests
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0012_merge_features"
down_revision: str | Sequence[str] | None = (
    "0003_reflections",
    "0005_todos",
    "0006_sessions",
    "0007_privacy",
    "0009_scheduling",
    "0010_broadcasts",
    "0011_digests",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: this revision only merges the branches."""


def downgrade() -> None:
    """Nothing to change: this revision only merges the branches."""
