"""Initial schema: programmes, provinces, groups, people, channel identities,
memberships, invites and consent records.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Turkey's 81 provinces in licence-plate order (plate code = id).
PROVINCES = (
    "Adana", "Adıyaman", "Afyonkarahisar", "Ağrı", "Amasya", "Ankara", "Antalya", "Artvin",
    "Aydın", "Balıkesir", "Bilecik", "Bingöl", "Bitlis", "Bolu", "Burdur", "Bursa", "Çanakkale",
    "Çankırı", "Çorum", "Denizli", "Diyarbakır", "Edirne", "Elazığ", "Erzincan", "Erzurum",
    "Eskişehir", "Gaziantep", "Giresun", "Gümüşhane", "Hakkari", "Hatay", "Isparta", "Mersin",
    "İstanbul", "İzmir", "Kars", "Kastamonu", "Kayseri", "Kırklareli", "Kırşehir", "Kocaeli",
    "Konya", "Kütahya", "Malatya", "Manisa", "Kahramanmaraş", "Mardin", "Muğla", "Muş",
    "Nevşehir", "Niğde", "Ordu", "Rize", "Sakarya", "Samsun", "Siirt", "Sinop", "Sivas",
    "Tekirdağ", "Tokat", "Trabzon", "Tunceli", "Şanlıurfa", "Uşak", "Van", "Yozgat", "Zonguldak",
    "Aksaray", "Bayburt", "Karaman", "Kırıkkale", "Batman", "Şırnak", "Bartın", "Ardahan",
    "Iğdır", "Yalova", "Karabük", "Kilis", "Osmaniye", "Düzce",
)

_FOLD = str.maketrans({"İ": "i", "I": "i", "ı": "i", "Ş": "s", "ş": "s", "Ğ": "g", "ğ": "g",
                       "Ü": "u", "ü": "u", "Ö": "o", "ö": "o", "Ç": "c", "ç": "c"})


def _search_key(name: str) -> str:
    # A frozen copy of mentoring.text.search_key: migrations must not change
    # when application code does.
    folded = " ".join(name.translate(_FOLD).split()).lower()
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


ROLE_CHECK = "role IN ('mentee', 'mentor', 'coordinator')"
SCOPE_CHECK = (
    "(role = 'coordinator' AND group_id IS NULL) OR "
    "(role <> 'coordinator' AND group_id IS NOT NULL)"
)


def upgrade() -> None:
    provinces = op.create_table(
        "provinces",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("search_key", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_provinces"),
        sa.UniqueConstraint("name", name="uq_provinces_name"),
        sa.UniqueConstraint("search_key", name="uq_provinces_search_key"),
    )
    op.bulk_insert(
        provinces,
        [{"id": i, "name": n, "search_key": _search_key(n)} for i, n in enumerate(PROVINCES, 1)],
    )
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_programmes"),
        sa.UniqueConstraint("name", name="uq_programmes_name"),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], ondelete="CASCADE",
                                name="fk_groups_programme_id_programmes"),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"],
                                name="fk_groups_province_id_provinces"),
        sa.PrimaryKeyConstraint("id", name="pk_groups"),
        sa.UniqueConstraint("programme_id", "name", name="uq_groups_programme_name"),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"],
                                name="fk_people_province_id_provinces"),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
    )
    op.create_table(
        "channel_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("external_user_id", sa.String(64), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        _ts("blocked_at", nullable=True),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_channel_identities_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_channel_identities"),
        sa.UniqueConstraint("channel", "external_user_id", name="uq_channel_identities_user"),
    )
    op.create_index("ix_channel_identities_person_id", "channel_identities", ["person_id"])
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        _ts("joined_at"),
        _ts("left_at", nullable=True),
        sa.CheckConstraint(ROLE_CHECK, name="ck_memberships_role"),
        sa.CheckConstraint(SCOPE_CHECK, name="ck_memberships_scope"),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="CASCADE",
                                name="fk_memberships_group_id_groups"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_memberships_person_id_people"),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], ondelete="CASCADE",
                                name="fk_memberships_programme_id_programmes"),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.UniqueConstraint("person_id", "programme_id", "group_id", "role",
                            name="uq_memberships_role"),
    )
    op.create_index("ix_memberships_person_id", "memberships", ["person_id"])
    op.create_index("ix_memberships_group_role", "memberships", ["group_id", "role"])
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("invitee_name", sa.String(200), nullable=True),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("use_count", sa.Integer(), nullable=False),
        _ts("expires_at", nullable=True),
        _ts("revoked_at", nullable=True),
        _ts("created_at"),
        sa.CheckConstraint(ROLE_CHECK, name="ck_invites_role"),
        sa.CheckConstraint("max_uses IS NULL OR max_uses > 0", name="ck_invites_max_uses"),
        sa.CheckConstraint(SCOPE_CHECK, name="ck_invites_scope"),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="CASCADE",
                                name="fk_invites_group_id_groups"),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], ondelete="CASCADE",
                                name="fk_invites_programme_id_programmes"),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"],
                                name="fk_invites_province_id_provinces"),
        sa.PrimaryKeyConstraint("id", name="pk_invites"),
        sa.UniqueConstraint("code", name="uq_invites_code"),
    )
    op.create_table(
        "invite_redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        _ts("redeemed_at"),
        sa.ForeignKeyConstraint(["invite_id"], ["invites.id"], ondelete="CASCADE",
                                name="fk_invite_redemptions_invite_id_invites"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_invite_redemptions_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_invite_redemptions"),
        sa.UniqueConstraint("invite_id", "person_id", name="uq_invite_redemptions_use"),
    )
    op.create_index("ix_invite_redemptions_invite_id", "invite_redemptions", ["invite_id"])
    op.create_index("ix_invite_redemptions_person_id", "invite_redemptions", ["person_id"])
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("notice_version", sa.String(32), nullable=False),
        _ts("accepted_at", nullable=True),
        _ts("declined_at", nullable=True),
        _ts("withdrawn_at", nullable=True),
        sa.CheckConstraint(
            "(accepted_at IS NOT NULL AND person_id IS NOT NULL AND declined_at IS NULL) OR "
            "(declined_at IS NOT NULL AND person_id IS NULL AND accepted_at IS NULL)",
            name="ck_consent_records_decision",
        ),
        sa.ForeignKeyConstraint(["invite_id"], ["invites.id"], ondelete="SET NULL",
                                name="fk_consent_records_invite_id_invites"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_consent_records_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_consent_records"),
    )
    op.create_index("ix_consent_records_person_id", "consent_records", ["person_id"])


def downgrade() -> None:
    op.drop_table("consent_records")
    op.drop_table("invite_redemptions")
    op.drop_table("invites")
    op.drop_table("memberships")
    op.drop_table("channel_identities")
    op.drop_table("people")
    op.drop_table("groups")
    op.drop_table("programmes")
    op.drop_table("provinces")
