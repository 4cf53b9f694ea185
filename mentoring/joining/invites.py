"""Invite codes: making them, checking them and turning them into links."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.errors import DomainError
from mentoring.privacy import notice as notices
from storage.models import Group, Invite, Programme, Role
from storage.repositories import invites as repo

# No 0/o, 1/l/i: people sometimes copy codes by hand from a printed sheet.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10
DEFAULT_VALIDITY = timedelta(days=30)


class InviteStatus(enum.Enum):
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"
    REVOKED = "revoked"


@dataclass(frozen=True)
class InviteSpec:
    role: Role
    programme: Programme
    group: Group | None = None
    invitee_name: str | None = None
    province_id: int | None = None
    max_uses: int | None = 1
    valid_for: timedelta | None = DEFAULT_VALIDITY


def normalize_code(raw: str) -> str:
    return raw.strip().lower()


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def whatsapp_link(display_number: str, code: str) -> str:
    """A link that opens a chat with the business number, the code already typed in (a click-to-chat link)."""
    return f"https://wa.me/{display_number.lstrip('+')}?text={code}"


async def _new_code(session: AsyncSession) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not await repo.code_exists(session, code):
            return code


async def create_invite(session: AsyncSession, spec: InviteSpec, now: datetime) -> Invite:
    if spec.role is Role.COORDINATOR:
        if spec.group is not None:
            raise DomainError("coordinator_invite_has_group")
    elif spec.group is None:
        raise DomainError("group_required", role=spec.role.value)
    if spec.group is not None and spec.group.programme_id != spec.programme.id:
        raise DomainError("group_not_in_programme")
    if spec.max_uses is not None and spec.max_uses < 1:
        raise DomainError("max_uses_positive")
    # Nobody may join a programme that cannot tell them who holds their data.
    await notices.require(session, spec.programme.id)
    invite = Invite(
        code=await _new_code(session),
        role=spec.role.value,
        programme_id=spec.programme.id,
        group_id=spec.group.id if spec.group else None,
        invitee_name=spec.invitee_name,
        province_id=spec.province_id if spec.province_id else (spec.group.province_id if spec.group else None),
        max_uses=spec.max_uses,
        use_count=0,
        expires_at=now + spec.valid_for if spec.valid_for else None,
        created_at=now,
    )
    session.add(invite)
    await session.flush()
    return invite


def invite_status(invite: Invite | None, now: datetime) -> InviteStatus:
    if invite is None:
        return InviteStatus.UNKNOWN
    if invite.revoked_at is not None:
        return InviteStatus.REVOKED
    if invite.expires_at is not None and invite.expires_at <= now:
        return InviteStatus.EXPIRED
    if invite.max_uses is not None and invite.use_count >= invite.max_uses:
        return InviteStatus.USED_UP
    return InviteStatus.VALID


async def check_invite(
    session: AsyncSession, code: str, now: datetime, *, for_update: bool = False
) -> tuple[InviteStatus, Invite | None]:
    invite = await repo.invite_by_code(session, normalize_code(code), for_update=for_update)
    return invite_status(invite, now), invite
