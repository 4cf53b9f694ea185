"""Retention: personal texts are cleared a set time after a person's programme ends.

A row belongs to a programme through its `group_id` (the group's programme) or
`programme_id` (so a group's session minutes are covered too); rows tied only
to a person follow the person, whose texts go once every programme they take
part in is past retention. Detail tables follow their parent row
(mentoring.privacy.personal_data); a person's row that points at a group's row
(feedback on a session) follows that row's programme too. Figures stay; texts go.

Outbox texts (what the bot sent) go with their reader, and also where they name
or quote someone whose programmes are all past retention (`outbox_mentions`),
were queued for such a person's chat, or carry an expired programme's
announcement; their buttons and attachment go with the text.

The planner applies retention once a day (`apply_daily`, from bot/scheduler.py)
and records each run in the audit log with its counts, even when nothing was
due: the last `retention.apply` entry tells when it last ran.
`narbot retention apply` stays for operators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    MetaData,
    Select,
    String,
    Table,
    and_,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.privacy.personal_data import (
    PEOPLE_TABLE,
    PERSON_COLUMN,
    OwnerCondition,
    clear_personal,
)
from storage.models import Base, ChannelIdentity, Group, Membership, OutboxMessage, Programme
from storage.models.broadcasts import Broadcast
from storage.models.outbox_mentions import OutboxMention
from storage.models.privacy import AuditEntry

DEFAULT_DAYS_AFTER_PROGRAMME = 180
OUTBOX_TABLE = OutboxMessage.__tablename__
# Only one process applies retention at a time (PostgreSQL; the lock ends with the transaction).
RETENTION_LOCK_KEY = 0x4E415242_52455431  # "NARBRET1"


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
    """Retention also reaches texts that belong to a group or programme, not to one person (minutes).

    The outbox has its own rule (`_clear_outbox`)."""
    if table.name == OUTBOX_TABLE:
        return False
    return any(name in table.c for name in (PERSON_COLUMN, "group_id", "programme_id"))


def _expired_groups(expired: list[int]) -> Select[tuple[int]]:
    return select(Group.id).where(Group.programme_id.in_(expired))


def _retired(expired: list[int]) -> Select[tuple[int]]:
    """People whose every programme is past retention: nobody still needs their texts."""
    return select(Membership.person_id).where(
        Membership.programme_id.in_(expired),
        Membership.person_id.not_in(
            select(Membership.person_id).where(Membership.programme_id.not_in(expired))
        ),
    )


def _through_a_group_row(table: Table, expired: list[int]) -> list[ColumnElement[bool]]:
    """A person's row pointing at a row of a group or programme (feedback on a session) follows it."""
    found = []
    for key in table.foreign_keys:
        parent, column = key.column.table, key.parent
        if column is None or not key.column.primary_key or parent.name in (PEOPLE_TABLE, "groups", "programmes"):
            continue
        if "group_id" in parent.c:
            found.append(column.in_(select(key.column).where(parent.c.group_id.in_(_expired_groups(expired)))))
        elif "programme_id" in parent.c:
            found.append(column.in_(select(key.column).where(parent.c.programme_id.in_(expired))))
    return found


def _owner_in(expired: list[int]) -> OwnerCondition:
    expired_groups = _expired_groups(expired)
    retired = _retired(expired)

    def condition(table: Table) -> ColumnElement[bool]:
        by_person = table.c[PERSON_COLUMN].in_(retired) if PERSON_COLUMN in table.c else false()
        if "group_id" in table.c:
            return or_(table.c.group_id.in_(expired_groups),
                       and_(table.c.group_id.is_(None), by_person))
        if "programme_id" in table.c:
            return or_(table.c.programme_id.in_(expired),
                       and_(table.c.programme_id.is_(None), by_person))
        return or_(by_person, *_through_a_group_row(table, expired))

    return condition


def _outbox_rows(expired: list[int]) -> ColumnElement[bool]:
    """Outbox rows whose text is past retention (see the module's docstring)."""
    retired = _retired(expired)
    retired_chats = select(ChannelIdentity.chat_id).where(ChannelIdentity.person_id.in_(retired))
    # The announcement's copies carry its batch key (mentoring/broadcasts/progress.py `batch_key`).
    announcements = select(literal("broadcast:") + cast(Broadcast.id, String)).where(
        Broadcast.programme_id.in_(expired))
    return or_(
        OutboxMessage.person_id.in_(retired),
        and_(OutboxMessage.person_id.is_(None), OutboxMessage.chat_id.in_(retired_chats)),
        OutboxMessage.id.in_(select(OutboxMention.outbox_id).where(OutboxMention.person_id.in_(retired))),
        OutboxMessage.batch_key.in_(announcements),
    )


async def _clear_outbox(session: AsyncSession, expired: list[int], *, dry_run: bool) -> int:
    """Empty (or count) the outbox texts past retention; what still waited is cancelled."""
    rows = _outbox_rows(expired)
    if dry_run:
        return await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(rows, OutboxMessage.text != "")
        ) or 0
    await session.execute(
        update(OutboxMessage).where(rows, OutboxMessage.status == "pending").values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(
        update(OutboxMessage)
        .where(rows, or_(OutboxMessage.text != "", OutboxMessage.attachment.is_not(None)))
        .values(text="", buttons=null(), attachment=null())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def apply_retention(
    session: AsyncSession, now: datetime, days: int = DEFAULT_DAYS_AFTER_PROGRAMME, *,
    dry_run: bool = False, metadata: MetaData = Base.metadata, scheduled: bool = False,
) -> RetentionReport:
    """Clear (or, with dry_run, count) personal values of programmes past retention.

    Each run that clears is recorded in the audit log with its counts; a `scheduled` run
    (the planner's) is recorded even when nothing was due, so the log shows it ran.
    """
    programmes = await programmes_due(session, now.date(), days)
    report = RetentionReport(programmes)
    expired = [p.programme_id for p in programmes if p.due]
    if expired:
        report.values = await clear_personal(
            session, _owner_in(expired), dry_run=dry_run, metadata=metadata, is_root=_in_a_programme
        )
        outbox = await _clear_outbox(session, expired, dry_run=dry_run)
        if outbox:
            report.values[OUTBOX_TABLE] = report.values.get(OUTBOX_TABLE, 0) + outbox
    if not dry_run and (expired or scheduled):
        details: dict[str, Any] = {"programmes": expired, "days": days, "cleared": report.values}
        if scheduled:
            details["scheduled"] = True
        await audit.record(session, None, audit.RETENTION_APPLIED, None, details, now=now)
    return report


def _day_start(now: datetime, zone: str) -> datetime:
    local = ZoneInfo(zone)
    return datetime.combine(now.astimezone(local).date(), time(0), local)


async def _claim(session: AsyncSession) -> bool:
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return True
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(RETENTION_LOCK_KEY))))


async def apply_daily(
    session: AsyncSession, now: datetime, days: int, zone: str, *, metadata: MetaData = Base.metadata,
) -> RetentionReport | None:
    """Apply retention if it has not run yet on `now`'s day in `zone`; None when it had (or another
    process is applying it now)."""
    if not await _claim(session):
        return None
    ran_today = await session.scalar(
        select(AuditEntry.id).where(AuditEntry.at >= _day_start(now, zone),
                                    AuditEntry.action == audit.RETENTION_APPLIED).limit(1)
    )
    if ran_today is not None:
        return None
    return await apply_retention(session, now, days, metadata=metadata, scheduled=True)
