"""Peer partners ("eş düzey partner"): who is whose partner, and the weekly check-in.

Each partner answers the check-in on their own (one `peer_checkins` row per
person and week), so the mentors' digest can show when partners disagree.
The row is written at the first answer and completed step by step, so a
restart continues where the person was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.calendar import Rhythm, Window, WindowKind, current_window
from mentoring.errors import DomainError
from mentoring.plans.rules import shared_goals
from storage.models import Group, GroupSchedule, Person, Programme
from storage.models.peers import CHECKIN_TALKED, PeerCheckin, PeerPair, PeerPairMember
from storage.models.plans import PlanGoal


@dataclass(frozen=True)
class Partnership:
    """A person's current pair, seen from that person."""

    pair_id: int
    group_id: int
    partners: tuple[tuple[int, str | None], ...]  # (person id, name; None once erased) of the others
    shared: dict[int, list[PlanGoal]]  # partner id -> their shared goals


# Built once: every check-in step asks it (storage/upsert.py says why).
_CURRENT_PAIR = (
    select(PeerPair).join(PeerPairMember, PeerPairMember.pair_id == PeerPair.id)
    .where(PeerPairMember.person_id == bindparam("person_id"), PeerPair.ended_at.is_(None))
    .order_by(PeerPair.id.desc()).limit(1)
)


async def _current_pair(session: AsyncSession, person_id: int) -> PeerPair | None:
    return await session.scalar(_CURRENT_PAIR, {"person_id": person_id})


async def partners_of(session: AsyncSession, person_id: int) -> list[int]:
    """The person ids of the person's current partner(s)."""
    pair = await _current_pair(session, person_id)
    if pair is None:
        return []
    return list((await session.scalars(select(PeerPairMember.person_id).where(
        PeerPairMember.pair_id == pair.id, PeerPairMember.person_id != person_id,
    ).order_by(PeerPairMember.id))).all())


async def partnership(session: AsyncSession, person_id: int) -> Partnership | None:
    pair = await _current_pair(session, person_id)
    if pair is None:
        return None
    rows = (await session.execute(
        select(Person.id, Person.display_name, Person.erased_at)
        .join(PeerPairMember, PeerPairMember.person_id == Person.id)
        .where(PeerPairMember.pair_id == pair.id, Person.id != person_id).order_by(PeerPairMember.id)
    )).all()
    # A partner who erased their data has no name any more: None, shown as "a former member".
    partners = tuple((pid, None if erased_at is not None else name) for pid, name, erased_at in rows)
    return Partnership(pair.id, pair.group_id, partners,
                       {pid: await shared_goals(session, pid) if name is not None else []
                        for pid, name in partners})


async def checkin_window(session: AsyncSession, group_id: int, now: datetime) -> Window | None:
    """The group's check-in window open at `now`, if any."""
    group = await session.get(Group, group_id)
    assert group is not None
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    if programme.starts_on is None:
        return None
    rhythm = Rhythm.of(await session.get(GroupSchedule, group_id))
    tz = ZoneInfo(group.timezone or programme.timezone)
    return current_window(WindowKind.CHECKIN, rhythm, programme.starts_on, now, tz)


async def own_checkin(session: AsyncSession, person_id: int, group_id: int, week: int) -> PeerCheckin | None:
    return await session.scalar(select(PeerCheckin).where(
        PeerCheckin.person_id == person_id, PeerCheckin.group_id == group_id, PeerCheckin.week == week))


async def _open_week(session: AsyncSession, person_id: int, week: int,
                     now: datetime) -> tuple[Partnership, PeerCheckin | None]:
    """The person's pair and their answer so far, if `week` is the check-in open now."""
    pair = await partnership(session, person_id)
    if pair is None:
        raise DomainError("no_partner")
    window = await checkin_window(session, pair.group_id, now)
    if window is None or window.week != week:
        raise DomainError("checkin_closed")
    return pair, await own_checkin(session, person_id, pair.group_id, week)


async def answer_talked(session: AsyncSession, person_id: int, week: int, talked: str,
                        now: datetime) -> tuple[PeerCheckin, Partnership]:
    """The first answer: did you talk this week? "no" and "could not reach" complete it."""
    if talked not in CHECKIN_TALKED:
        raise DomainError("stale")
    pair, answer = await _open_week(session, person_id, week, now)
    if answer is not None:
        raise DomainError("checkin_answered")
    answer = PeerCheckin(person_id=person_id, group_id=pair.group_id, pair_id=pair.pair_id, week=week,
                         talked=talked, supported_other=False, answered_at=now,
                         completed_at=None if talked == "yes" else now)
    session.add(answer)
    await session.flush()
    return answer, pair


async def answer_support(session: AsyncSession, person_id: int, week: int, goal_id: int | None,
                         now: datetime) -> tuple[PeerCheckin, Partnership]:
    """Which of the partner's shared goals they supported (None: something else)."""
    pair, answer = await _open_week(session, person_id, week, now)
    if answer is None or answer.talked != "yes" or answer.supported_goal_id or answer.supported_other:
        raise DomainError("checkin_answered" if answer else "stale")
    if goal_id is not None and goal_id not in {g.id for goals in pair.shared.values() for g in goals}:
        raise DomainError("stale")
    answer.supported_goal_id, answer.supported_other = goal_id, goal_id is None
    await session.flush()
    return answer, pair


async def answer_usefulness(session: AsyncSession, person_id: int, week: int, score: int,
                            now: datetime) -> tuple[PeerCheckin, Partnership]:
    pair, answer = await _open_week(session, person_id, week, now)
    if answer is None or not (answer.supported_goal_id or answer.supported_other) or not 1 <= score <= 5:
        raise DomainError("stale")
    if answer.completed_at is not None:
        raise DomainError("checkin_answered")
    answer.usefulness, answer.completed_at = score, now
    await session.flush()
    return answer, pair


async def checkin_responders(session: AsyncSession, group_id: int, week: int) -> set[int]:
    """Who answered that week's check-in in that group (at least the first question)."""
    return set((await session.scalars(select(PeerCheckin.person_id).where(
        PeerCheckin.group_id == group_id, PeerCheckin.week == week))).all())


@dataclass(frozen=True)
class PartnerView:
    """What /partner shows a mentee: their partner(s), and this week's check-in if it waits."""

    partnership: Partnership | None
    window: Window | None  # the check-in open now, if any
    answer: PeerCheckin | None  # the person's answer to it so far
    tz: ZoneInfo


async def partner_view(session: AsyncSession, person_id: int, timezone: str, now: datetime) -> PartnerView:
    pair = await partnership(session, person_id)
    window = await checkin_window(session, pair.group_id, now) if pair is not None else None
    answer = None
    if pair is not None and window is not None:
        answer = await own_checkin(session, person_id, pair.group_id, window.week)
    return PartnerView(pair, window, answer, ZoneInfo(timezone))
