"""Content that fits care work: the new not-done reasons (issue #14 point 9).

The reflection's new default questions need no schema change: a programme's
set is stored as JSON the first time it is needed.

Revision ID: 0028_care_content
Revises: 0027_console_logins
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0028_care_content"
down_revision: str | None = "0027_console_logins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("no_time", "no_chance", "unclear", "needed_help", "other")
NOW = ("no_time", "no_chance", "not_worked", "shift", "children", "team_support", "unclear", "needed_help", "other")


def _check(codes: tuple[str, ...]) -> str:
    return "reason IN ({})".format(", ".join(f"'{code}'" for code in codes))


def _replace_check(codes: tuple[str, ...]) -> None:
    with op.batch_alter_table("todo_reasons") as table:
        table.drop_constraint(op.f("ck_todo_reasons_reason"), type_="check")
        table.create_check_constraint(op.f("ck_todo_reasons_reason"), _check(codes))


def upgrade() -> None:
    _replace_check(NOW)


def downgrade() -> None:
    # The old constraint knows none of the new reasons: they become "other" (their counts stay).
    new = ", ".join(f"'{code}'" for code in NOW if code not in BEFORE)
    op.execute(f"UPDATE todo_reasons SET reason = 'other' WHERE reason IN ({new})")
    _replace_check(BEFORE)
