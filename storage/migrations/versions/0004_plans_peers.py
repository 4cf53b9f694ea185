"""Development plans (areas, goals, self-assessment) and peer partners (pairs, check-ins).

Revision ID: 0004_plans_peers
Revises: 0002_spine
Create Date: 2026-11-22 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_plans_peers"
down_revision: str | None = "0002_spine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "plan_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("title_tr", sa.String(length=120), nullable=False),
        sa.Column("title_en", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                name=op.f("fk_plan_areas_programme_id_programmes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_areas")),
        sa.UniqueConstraint("programme_id", "key", name="uq_plan_areas_programme_key"),
    )
    op.create_table(
        "plan_area_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("area_key", sa.String(length=32), nullable=False),
        sa.Column("chosen_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_plan_area_choices_person_id_people"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                name=op.f("fk_plan_area_choices_programme_id_programmes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_area_choices")),
        sa.UniqueConstraint("person_id", "programme_id", "area_key", name="uq_plan_area_choices_area"),
    )
    op.create_index(op.f("ix_plan_area_choices_person_id"), "plan_area_choices", ["person_id"])
    op.create_table(
        "plan_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=True),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.Column("due_kind", sa.String(length=8), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("done_at", _utc(), nullable=True),
        sa.CheckConstraint("status IN ('not_started', 'in_progress', 'done')", name=op.f("ck_plan_goals_status")),
        sa.CheckConstraint("due_kind IN ('2w', '1m', 'end', 'date')", name=op.f("ck_plan_goals_due_kind")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_plan_goals_person_id_people"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                name=op.f("fk_plan_goals_programme_id_programmes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_goals")),
    )
    op.create_index("ix_plan_goals_person_programme", "plan_goals", ["person_id", "programme_id"])
    op.create_table(
        "plan_self_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("area_key", sa.String(length=32), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("answered_at", _utc(), nullable=False),
        sa.CheckConstraint("stage IN ('baseline', 'end')", name=op.f("ck_plan_self_assessments_stage")),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_plan_self_assessments_score")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_plan_self_assessments_person_id_people"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                name=op.f("fk_plan_self_assessments_programme_id_programmes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_self_assessments")),
        sa.UniqueConstraint("person_id", "programme_id", "stage", "area_key",
                            name="uq_plan_self_assessments_area"),
    )
    op.create_index(op.f("ix_plan_self_assessments_person_id"), "plan_self_assessments", ["person_id"])
    op.create_table(
        "peer_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("ended_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_peer_pairs_group_id_groups"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["people.id"],
                                name=op.f("fk_peer_pairs_created_by_people"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_pairs")),
    )
    op.create_index("ix_peer_pairs_group_ended", "peer_pairs", ["group_id", "ended_at"])
    op.create_table(
        "peer_pair_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pair_id"], ["peer_pairs.id"],
                                name=op.f("fk_peer_pair_members_pair_id_peer_pairs"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_peer_pair_members_person_id_people"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_pair_members")),
        sa.UniqueConstraint("pair_id", "person_id", name="uq_peer_pair_members_person"),
    )
    op.create_index(op.f("ix_peer_pair_members_person_id"), "peer_pair_members", ["person_id"])
    op.create_table(
        "peer_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("talked", sa.String(length=12), nullable=False),
        sa.Column("supported_goal_id", sa.Integer(), nullable=True),
        sa.Column("supported_other", sa.Boolean(), nullable=False),
        sa.Column("usefulness", sa.SmallInteger(), nullable=True),
        sa.Column("completed_at", _utc(), nullable=True),
        sa.Column("answered_at", _utc(), nullable=False),
        sa.CheckConstraint("talked IN ('yes', 'no', 'unreachable')", name=op.f("ck_peer_checkins_talked")),
        sa.CheckConstraint("usefulness IS NULL OR usefulness BETWEEN 1 AND 5",
                           name=op.f("ck_peer_checkins_usefulness")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_peer_checkins_person_id_people"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_peer_checkins_group_id_groups"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pair_id"], ["peer_pairs.id"],
                                name=op.f("fk_peer_checkins_pair_id_peer_pairs"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supported_goal_id"], ["plan_goals.id"],
                                name=op.f("fk_peer_checkins_supported_goal_id_plan_goals"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_checkins")),
        sa.UniqueConstraint("person_id", "group_id", "week", name="uq_peer_checkins_week"),
    )
    op.create_index("ix_peer_checkins_group_week", "peer_checkins", ["group_id", "week"])
    op.create_index(op.f("ix_peer_checkins_pair_id"), "peer_checkins", ["pair_id"])


def downgrade() -> None:
    op.drop_table("peer_checkins")
    op.drop_table("peer_pair_members")
    op.drop_table("peer_pairs")
    op.drop_table("plan_self_assessments")
    op.drop_table("plan_goals")
    op.drop_table("plan_area_choices")
    op.drop_table("plan_areas")
