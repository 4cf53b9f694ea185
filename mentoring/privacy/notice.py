"""Each programme's KVKK notice (aydınlatma metni): its required fields, its versions, who must read which.

The notice's text is the project's own template, translated in the catalogues
(`mentoring.privacy.notice_words`); what differs between programmes are the
fields only the controller can supply: who the data controller is, where, how to
reach them, and whether transfers abroad rest on appropriate safeguards. A
programme without a complete notice cannot invite anyone (`require`), so
nobody can join a programme that cannot tell them who holds their data.

Loading changed fields adds a version (a row, never an update). A person's
acknowledgement names the version they read (`version_of`), and a newer version
of their programme's notice is shown to them again before anything else.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import audit
from mentoring.errors import DomainError
from storage.models import Invite, Membership, Programme
from storage.models.notices import PrivacyNotice

logger = logging.getLogger(__name__)

# The template's own version: a change to its words in the catalogues means a new one.
TEMPLATE_VERSION = "2026-12-v3"
# Required fields: the controller, how to reach it, and one written channel (e-mail or KEP) for applications.
REQUIRED = ("institution", "address", "contact")
LIMITS = {"institution": 300, "address": 500, "contact": 200, "email": 200, "kep": 200, "transfer_safeguard": 500}


class NoticeError(ValueError):
    """A notice file that cannot be used; `problems` lists every problem (field names, not texts)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class NoticeFields:
    """What a programme's controller supplies for the notice."""

    institution: str = ""
    address: str = ""
    contact: str = ""
    email: str = ""
    kep: str = ""
    transfer_safeguard: str = ""

    def problems(self) -> list[str]:
        """Every reason these fields do not make a complete notice (field names; empty when complete)."""
        found = [f"missing: {name}" for name in REQUIRED if not getattr(self, name).strip()]
        if not (self.email.strip() or self.kep.strip()):
            found.append("missing: email or kep")
        found += [f"too long: {name} (at most {limit} characters)"
                  for name, limit in LIMITS.items() if len(getattr(self, name)) > limit]
        return found


@dataclass(frozen=True)
class NoticeView:
    """A programme's notice version as the conversation shows it (an immutable snapshot)."""

    id: int
    programme_id: int
    fields: NoticeFields
    retention_days: int
    issued_at: datetime

    @property
    def version(self) -> str:
        return version_of(self.id)

    @property
    def asks_abroad(self) -> bool:
        """Whether transfer abroad through the messaging platform needs explicit consent (no safeguard named)."""
        return not self.fields.transfer_safeguard.strip()


def version_of(notice_id: int | None) -> str:
    """The version a person acknowledges: the template's, and the programme's notice row when there is one."""
    return TEMPLATE_VERSION if notice_id is None else f"{TEMPLATE_VERSION}.n{notice_id}"


def read_file(path: Path) -> NoticeFields:
    """The fields of a notice file (TOML, see docs/notice.example.toml); NoticeError lists every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise NoticeError([f"cannot read the file: {error.__class__.__name__}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise NoticeError([f"not valid TOML: {error}"]) from None
    controller = data.get("controller", {})
    transfer = data.get("transfer", {})
    known = {field.name for field in fields(NoticeFields)}
    problems = [f"unknown field: controller.{name}" for name in controller if name not in known]
    values = {name: str(controller.get(name, "")).strip() for name in known if name != "transfer_safeguard"}
    found = NoticeFields(**values, transfer_safeguard=str(transfer.get("safeguard", "")).strip())
    problems += found.problems()
    if problems:
        raise NoticeError(problems)
    return found


def _view(row: PrivacyNotice) -> NoticeView:
    return NoticeView(
        id=row.id, programme_id=row.programme_id,
        fields=NoticeFields(
            institution=row.institution, address=row.address, contact=row.contact, email=row.email or "",
            kep=row.kep or "", transfer_safeguard=row.transfer_safeguard or "",
        ),
        retention_days=row.retention_days, issued_at=row.created_at,
    )


async def current(session: AsyncSession, programme_id: int) -> NoticeView | None:
    """The programme's notice in force (its newest version), or None when it has none."""
    row = await session.scalar(
        select(PrivacyNotice).where(PrivacyNotice.programme_id == programme_id)
        .order_by(PrivacyNotice.id.desc()).limit(1)
    )
    return _view(row) if row is not None else None


async def load(
    session: AsyncSession, programme_id: int, found: NoticeFields, retention_days: int, now: datetime
) -> tuple[NoticeView, bool]:
    """Put these fields in force for the programme: a new version unless they are the ones in force.

    Returns the version in force and whether it is new (a new one is shown to every member again).
    """
    problems = found.problems()
    if problems:
        raise NoticeError(problems)
    before = await current(session, programme_id)
    if before is not None and before.fields == found and before.retention_days == retention_days:
        return before, False
    row = PrivacyNotice(
        programme_id=programme_id, institution=found.institution, address=found.address,
        contact=found.contact, email=found.email or None, kep=found.kep or None,
        transfer_safeguard=found.transfer_safeguard or None, retention_days=retention_days, created_at=now,
    )
    session.add(row)
    await session.flush()
    await audit.record(session, None, audit.NOTICE_LOADED, None,
                       {"programme_id": programme_id, "notice_id": row.id}, now=now)
    return _view(row), True


async def require(session: AsyncSession, programme_id: int) -> NoticeView:
    """The programme's notice, or `DomainError("notice_missing")`: nobody may be invited without one."""
    found = await current(session, programme_id)
    if found is None or found.fields.problems():
        raise DomainError("notice_missing")
    return found


async def due_for(session: AsyncSession, person_id: int) -> NoticeView | None:
    """The notice a member must have read: their newest programme's (None when it has none yet)."""
    programme_id = await session.scalar(
        select(Membership.programme_id)
        .where(Membership.person_id == person_id, Membership.left_at.is_(None))
        .order_by(Membership.joined_at.desc(), Membership.id.desc()).limit(1)
    )
    return await current(session, programme_id) if programme_id is not None else None



async def for_invite(session: AsyncSession, code: str) -> NoticeView | None:
    """The notice of the programme an invite code is for (None for an unknown code or no notice)."""
    programme_id = await session.scalar(select(Invite.programme_id).where(Invite.code == code))
    return await current(session, programme_id) if programme_id is not None else None


async def programmes_without_notice(session: AsyncSession) -> list[int]:
    """Ids of programmes with no notice loaded: nobody can be invited to them (for start-up and the CLI)."""
    rows = await session.scalars(
        select(Programme.id)
        .where(~select(PrivacyNotice.id).where(PrivacyNotice.programme_id == Programme.id).exists())
        .order_by(Programme.id)
    )
    return list(rows)


async def warn_without_notice(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    """Log, once at start-up, the programmes nobody can be invited to yet (ids only)."""
    async with sessions() as session:
        missing = await programmes_without_notice(session)
    if missing:
        logger.warning("Programmes without a KVKK notice, so nobody can be invited to them: %s. "
                       "Load one with: narbot notice load PROGRAMME FILE", ", ".join(map(str, missing)))
    return missing
