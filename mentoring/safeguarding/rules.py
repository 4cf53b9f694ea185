"""What raising a worry about a child changes, and the one figure coordinators see.

`raise_worry` stores the worry (one `safeguarding_concerns` row per group of the
person) and queues a message to every mentor of those groups at once: reply
priority (ahead of bulk waves), without quiet hours or a pause (even at night),
kind "safeguarding" (sent again when a crash leaves it in doubt: better twice
than never, `mentoring.delivery.REPEAT_IN_DOUBT`). The message names the person
and quotes their note, so it records them as mentioned: erasing the person
clears those copies too (`mentoring.privacy.mentions`), and their own note with
their data (the column is personal).

Coordinators see only `worries_count`: how many worries were raised in their
programme, never who raised them or what the note said.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Outgoing, enqueue
from storage.models import Group, Membership, Person, Role
from storage.models.outbox import PRIORITY_REPLY
from storage.models.safeguarding import SafeguardingConcern

logger = logging.getLogger(__name__)

KIND = "safeguarding"
# A note is short: what happened, not who (and never a name).
NOTE_MAX = 500
# Roles whose groups' mentors are told (a coordinator belongs to no group).
_IN_A_GROUP = (Role.MENTEE, Role.MENTOR)


@dataclass(frozen=True)
class Raised:
    concern_ids: tuple[int, ...]
    told: int  # mentors a message was queued for


def groups_of(member: MemberView) -> tuple[int, ...]:
    """The groups whose mentors hear of the member's worry: those they are a mentee or mentor of."""
    return tuple(sorted({
        view.group_id for view in member.roles if view.role in _IN_A_GROUP and view.group_id is not None
    }))


async def already_raised(session: AsyncSession, person_id: int, offered: datetime) -> bool:
    """Whether the path opened at `offered` was already used (a second tap tells no one twice)."""
    return bool(await session.scalar(select(exists().where(
        SafeguardingConcern.person_id == person_id, SafeguardingConcern.created_at >= offered,
    ))))


async def raise_worry(session: AsyncSession, member: MemberView, note: str | None, now: datetime) -> Raised:
    """Store the worry and tell every mentor of the member's groups now (see the module's docstring)."""
    group_ids = groups_of(member)
    if not group_ids:
        raise ValueError("only a member of a group raises a worry here")
    concerns = [SafeguardingConcern(person_id=member.person_id, group_id=group_id, note=note, created_at=now)
                for group_id in group_ids]
    session.add_all(concerns)
    await session.flush()
    rows = (await session.execute(
        select(Person.id, Person.locale, Person.timezone, Group.name)
        .join(Membership, Membership.person_id == Person.id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Membership.group_id.in_(group_ids),
            Membership.role == Role.MENTOR.value,
            Membership.left_at.is_(None),
            Person.id != member.person_id,
            Person.erased_at.is_(None),
        )
        .order_by(Person.id, Group.name)
    )).all()
    mentors: dict[int, tuple[str, str, list[str]]] = {}
    for person_id, locale, zone, group_name in rows:
        mentors.setdefault(person_id, (locale, zone, []))[2].append(group_name)
    first = concerns[0].id
    messages = [
        Outgoing(
            idempotency_key=f"safeguarding:{first}:{mentor_id}",
            kind=KIND,
            text=_message(locale, zone, member.display_name, groups, note, now),
            not_before=now,
            person_id=mentor_id,
            priority=PRIORITY_REPLY,
            respect_quiet_hours=False,
            mentions=(member.person_id,),
        )
        for mentor_id, (locale, zone, groups) in mentors.items()
    ]
    await enqueue(session, messages, now)
    # Never the note or a name in the log.
    logger.info("Person %s raised a safeguarding concern; %s mentors told", member.person_id, len(messages))
    return Raised(tuple(concern.id for concern in concerns), len(messages))


def _message(locale: str, zone: str, name: str, groups: list[str], note: str | None, now: datetime) -> str:
    """What a mentor reads, in their language and time zone."""
    tr = translator(locale)
    _ = tr.gettext
    return "\n".join([
        _("⚠️ A worry about a child"),
        "",
        _("{name} ({group}) raised a worry about a child on {when}.").format(
            name=name, group=", ".join(groups), when=tr.moment(now, ZoneInfo(zone))),
        _("Their note: {note}").format(note=note) if note else _("They added no note."),
        "",
        _("Please get in touch with them soon. Narbot asked them to follow their home's child-protection "
          "procedure and tell the manager on duty, to call 112 in an emergency, and named ALO 183, the "
          "ministry's social support line."),
    ])


async def worries_count(session: AsyncSession, programme_id: int, since: datetime) -> int:
    """How many worries were raised in the programme's groups since `since` (a count, nothing else).

    A worry told to two groups of the same programme at once is one worry.
    """
    raised = (
        select(SafeguardingConcern.person_id, SafeguardingConcern.created_at)
        .join(Group, Group.id == SafeguardingConcern.group_id)
        .where(Group.programme_id == programme_id, SafeguardingConcern.created_at >= since)
        .distinct()
        .subquery()
    )
    return await session.scalar(select(func.count()).select_from(raised)) or 0
