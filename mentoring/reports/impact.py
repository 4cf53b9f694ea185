"""The impact report ("etki analizi", standard E.6.4): baseline against end self-assessment.

Per outcome area, per group and for the whole programme, the mean 1-5 score at
the baseline and at the end, over the people who answered BOTH for that area
(anyone with only one of the two would bias the change), with that number of
people beside every figure. Plus the mentees' feedback on the sessions
(average usefulness and how many answers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.plans.areas import Area, programme_areas
from storage.models import Group, Membership, Role
from storage.models.plans import SelfAssessment
from storage.models.sessions import GroupSession, SessionFeedback


@dataclass(frozen=True)
class AreaChange:
    area: Area
    people: int  # with both a baseline and an end score in this area
    baseline: float | None
    end: float | None

    @property
    def change(self) -> float | None:
        if self.baseline is None or self.end is None:
            return None
        return self.end - self.baseline


@dataclass(frozen=True)
class Feedback:
    answers: int
    average: float | None
    people: int = 0  # distinct people behind the answers (mentoring.reports.cells)


@dataclass(frozen=True)
class ImpactPart:
    """The figures of one group, or of the whole programme (group_id None)."""

    group_id: int | None
    name: str
    areas: list[AreaChange]
    feedback: Feedback


@dataclass(frozen=True)
class ImpactReport:
    programme_id: int
    programme: ImpactPart | None  # None when only some groups were asked for
    groups: list[ImpactPart]


def _changes(areas: tuple[Area, ...], pairs: dict[tuple[int, str], dict[str, int]],
             people: Iterable[int] | None) -> list[AreaChange]:
    """Mean scores per area over the people (all when None) with both stages in that area."""
    wanted = None if people is None else set(people)
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, baseline sum, end sum
    for (person_id, key), stages in pairs.items():
        if (wanted is not None and person_id not in wanted) or len(stages) < 2:
            continue
        total = sums[key]
        total[0] += 1
        total[1] += stages["baseline"]
        total[2] += stages["end"]
    result = []
    for area in areas:
        n, base, end = sums.get(area.key, (0, 0, 0))
        result.append(AreaChange(area, n, base / n if n else None, end / n if n else None))
    return result


async def impact_report(session: AsyncSession, programme_id: int,
                        group_ids: list[int] | None = None) -> ImpactReport:
    """The impact report of a programme (all its groups and the total), or of some of its groups."""
    areas = await programme_areas(session, programme_id)
    query = select(Group.id, Group.name).where(Group.programme_id == programme_id).order_by(Group.name)
    if group_ids is not None:
        query = query.where(Group.id.in_(group_ids))
    groups = (await session.execute(query)).all()
    chosen = [gid for gid, _ in groups]
    scores = await session.execute(
        select(SelfAssessment.person_id, SelfAssessment.area_key, SelfAssessment.stage, SelfAssessment.score)
        .where(SelfAssessment.programme_id == programme_id)
    )
    pairs: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for person_id, key, stage, score in scores:
        pairs[(person_id, key)][stage] = score
    mentees: dict[int, set[int]] = defaultdict(set)
    for gid, pid in await session.execute(
        select(Membership.group_id, Membership.person_id)
        .where(Membership.group_id.in_(chosen), Membership.role == Role.MENTEE.value)
    ):
        mentees[gid].add(pid)
    feedback = await _feedback(session, chosen)
    parts = [
        ImpactPart(gid, name, _changes(areas, pairs, mentees[gid]), feedback.get(gid, Feedback(0, None)))
        for gid, name in groups
    ]
    whole = None
    if group_ids is None:
        answers = sum(part.feedback.answers for part in parts)
        total = sum((part.feedback.average or 0) * part.feedback.answers for part in parts)
        people = await session.scalar(
            select(func.count(distinct(SessionFeedback.person_id)))
            .join(GroupSession, GroupSession.id == SessionFeedback.session_id)
            .where(GroupSession.group_id.in_(chosen))
        )
        whole = ImpactPart(None, "", _changes(areas, pairs, None),
                           Feedback(answers, total / answers if answers else None, people or 0))
    return ImpactReport(programme_id, whole, parts)


async def _feedback(session: AsyncSession, group_ids: list[int]) -> dict[int, Feedback]:
    rows = await session.execute(
        select(GroupSession.group_id, func.count(), func.avg(SessionFeedback.usefulness),
               func.count(distinct(SessionFeedback.person_id)))
        .join(GroupSession, GroupSession.id == SessionFeedback.session_id)
        .where(GroupSession.group_id.in_(group_ids))
        .group_by(GroupSession.group_id)
    )
    return {gid: Feedback(count, float(avg) if avg is not None else None, people)
            for gid, count, avg, people in rows}
