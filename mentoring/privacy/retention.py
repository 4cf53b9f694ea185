"""Retention: personal texts are cleared a set time after a person's programme ends.

A row belongs to a programme through its `group_id` (the group's programme) or
`programme_id` (so a group's session minutes are covered too); rows tied only
to a person follow the person, whose texts go once every programme they take
part in is past retention. Detail tables follow their parent row
(mentoring.privacy.personal_data). Figures stay; texts go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, MetaData, Table, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.privacy.personal_data import PERSON_COLUMN, OwnerCondition, clear_personal
from storage.models import Base, Group, Membership, Programme

DEFAULT_DAYS_AFTER_PROGRAMME = 180


@dataclass(frozen=True)
class ProgrammeRetention:
    programme_id: int
    name: str
    ends_on: date
    keep_until: date
    due: bool


@dataclass
class RetentionReport:
    programmes: list[ProgrammeRetention]
    values: dict[str, int] = field(default_factory=dict)  # table -> personal values cleared (or due)

    @property
    def total(self) -> int:
        return sum(self.values.values())


async def programmes_due(session: AsyncSession, today: date, days: int) -> list[ProgrammeRetention]:
    """Programmes that have ended, and whether their texts are past the retention period."""
    rows = await session.scalars(
        select(Programme).where(Programme.ends_on.is_not(None)).order_by(Programme.ends_on, Programme.id)
    )
    found = []
    for programme in rows:
        assert programme.ends_on is not None
        keep_until = programme.ends_on + timedelta(days=days)
        found.append(ProgrammeRetention(programme.id, programme.name, programme.ends_on, keep_until,
                                        due=today > keep_until))
    return found


def _in_a_programme(table: Table) -> bool:
    """Retention also reaches texts that belong to a group or programme, not to one person (minutes)."""
    return any(name in table.c for name in (PERSON_COLUMN, "group_id", "programme_id"))


def _owner_in(expired: list[int]) -> OwnerCondition:
    expired_groups = select(Group.id).where(Group.programme_id.in_(expired))
    # People whose every programme is past retention: nobody still needs their texts.
    retired = select(Membership.person_id).where(
        Membership.programme_id.in_(expired),
        Membership.person_id.not_in(
            select(Membership.person_id).where(Membership.programme_id.not_in(expired))
        ),
    )

    def condition(table: Table) -> ColumnElement[bool]:
        by_person = table.c[PERSON_COLUMN].in_(retired) if PERSON_COLUMN in table.c else false()
        if "group_id" in table.c:
            return or_(table.c.group_id.in_(expired_groups),
                       and_(table.c.group_id.is_(None), by_person))
        if "programme_id" in table.c:
            return or_(table.c.programme_id.in_(expired),
                       and_(table.c.programme_id.is_(None), by_person))
        return by_person

    return condition


async def apply_retention(
    session: AsyncSession, now: datetime, days: int = DEFAULT_DAYS_AFTER_PROGRAMME, *,
    dry_run: bool = False, metadata: MetaData = Base.metadata,
) -> RetentionReport:
    """Clear (or, with dry_run, count) personal values of programmes past retention."""
    programmes = await programmes_due(session, now.date(), days)
    report = RetentionReport(programmes)
    expired = [p.programme_id for p in programmes if p.due]
    if not expired:
        return report
    report.values = await clear_personal(
        session, _owner_in(expired), dry_run=dry_run, metadata=metadata, is_root=_in_a_programme
    )
    if not dry_run:
        await audit.record(session, None, audit.RETENTION_APPLIED, None,
                           {"programmes": expired, "days": days, "cleared": report.values}, now=now)
    return report


