"""The impact report ("etki analizi", standard E.6.4): baseline against end self-assessment.

Per outcome and skill of the self-assessment (`mentoring.plans.assessment.INSTRUMENT`;
followed by a programme's own areas that were scored before the instrument was split
from the priority areas), per group and for the whole programme, the mean 1-5 score at
the baseline and at the end, over the people who answered BOTH for that area
(anyone with only one of the two would bias the change), with that number of
people beside every figure. Plus the mentees' feedback on the sessions
(average usefulness and how many answers; beside it "I could speak freely", 1-5, over
the answers that gave it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import offload
from mentoring.calendar import week_of
from mentoring.plans.areas import Area, programme_areas
from mentoring.plans.assessment import INSTRUMENT
from storage.models import Group, Membership, Programme, Role
from storage.models.plans import PlanGoal, SelfAssessment
from storage.models.reflections import Reflection
from storage.models.sessions import GroupSession, SessionAttendance, SessionFeedback


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
    # "I could speak freely in the session" (1-5): answers, mean, distinct people (older answers lack it).
    free_answers: int = 0
    free_average: float | None = None
    free_people: int = 0


@dataclass(frozen=True)
class Participation:
    """Goal attainment and participation of a set of mentees (E.6.4 beside the self-ratings)."""

    mentees: int = 0
    goal_people: int = 0  # mentees with at least one goal
    goals: int = 0
    goals_done: int = 0
    reflections: int = 0  # submitted
    mentee_weeks: int = 0  # mentees x the programme's weeks
    sessions_held: int = 0
    attended: int = 0  # attendance marks of mentees at held sessions
    slots: int = 0  # held sessions x mentees

    def __add__(self, other: Participation) -> Participation:
        return Participation(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))


def _values(part: Participation) -> tuple[int, ...]:
    return (part.mentees, part.goal_people, part.goals, part.goals_done, part.reflections, part.mentee_weeks,
            part.sessions_held, part.attended, part.slots)


@dataclass(frozen=True)
class ImpactPart:
    """The figures of one group, or of the whole programme (group_id None)."""

    group_id: int | None
    name: str
    areas: list[AreaChange]
    feedback: Feedback
    participation: Participation = Participation()


@dataclass(frozen=True)
class ImpactReport:
    programme_id: int
    programme: ImpactPart | None  # None when only some groups were asked for
    groups: list[ImpactPart]


Scores = dict[int, dict[str, dict[str, int]]]  # person -> area key -> stage -> score


def _changes(areas: tuple[Area, ...], scores: Scores, people: Iterable[int] | None) -> list[AreaChange]:
    """Mean scores per area over the people (all when None) with both stages in that area.

    Only the given people's scores are read, so a programme's groups cost the programme's
    scores once in all, not once per group (4,000 groups made it quadratic)."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, baseline sum, end sum
    for person_id in scores if people is None else people:
        for key, stages in scores.get(person_id, {}).items():
            if len(stages) < 2:
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
    query = select(Group.id, Group.name).where(Group.programme_id == programme_id).order_by(Group.name)
    if group_ids is not None:
        query = query.where(Group.id.in_(group_ids))
    groups = (await session.execute(query)).all()
    chosen = [gid for gid, _ in groups]
    scores = await session.execute(
        select(SelfAssessment.person_id, SelfAssessment.area_key, SelfAssessment.stage, SelfAssessment.score)
        .where(SelfAssessment.programme_id == programme_id)
    )
    by_person: Scores = defaultdict(lambda: defaultdict(dict))
    turns = offload.Turns()  # a programme's thousands of groups: the loop answers people meanwhile
    for person_id, key, stage, score in scores:
        await turns.take()
        by_person[person_id][key][stage] = score
    scored = {key for areas_of in by_person.values() for key in areas_of}
    areas = INSTRUMENT + tuple(area for area in await programme_areas(session, programme_id)
                               if area.key in scored and area.key not in {item.key for item in INSTRUMENT})
    mentees: dict[int, set[int]] = defaultdict(set)
    for gid, pid in await session.execute(
        select(Membership.group_id, Membership.person_id)
        .where(Membership.group_id.in_(chosen), Membership.role == Role.MENTEE.value)
    ):
        await turns.take()
        mentees[gid].add(pid)
    feedback = await _feedback(session, chosen)
    taking = await _participation(session, programme_id, mentees, turns)
    parts = []
    for gid, name in groups:
        await turns.take()
        parts.append(ImpactPart(gid, name, _changes(areas, by_person, mentees[gid]),
                                feedback.get(gid, Feedback(0, None)), taking.get(gid, Participation())))
    whole = None
    if group_ids is None:
        answers = sum(part.feedback.answers for part in parts)
        total = sum((part.feedback.average or 0) * part.feedback.answers for part in parts)
        free = sum(part.feedback.free_answers for part in parts)
        free_total = sum((part.feedback.free_average or 0) * part.feedback.free_answers for part in parts)
        people, free_people = (await session.execute(
            select(func.count(distinct(SessionFeedback.person_id)), func.count(distinct(_FREE_PERSON)))
            .join(GroupSession, GroupSession.id == SessionFeedback.session_id)
            .where(GroupSession.group_id.in_(chosen))
        )).one()
        whole = ImpactPart(None, "", _changes(areas, by_person, None),
                           Feedback(answers, total / answers if answers else None, people or 0,
                                    free, free_total / free if free else None, free_people or 0))
    return ImpactReport(programme_id, whole, parts)


async def _feedback(session: AsyncSession, group_ids: list[int]) -> dict[int, Feedback]:
    rows = await session.execute(
        select(GroupSession.group_id, func.count(), func.avg(SessionFeedback.usefulness),
               func.count(distinct(SessionFeedback.person_id)), func.count(SessionFeedback.spoke_freely),
               func.avg(SessionFeedback.spoke_freely), func.count(distinct(_FREE_PERSON)))
        .join(GroupSession, GroupSession.id == SessionFeedback.session_id)
        .where(GroupSession.group_id.in_(group_ids))
        .group_by(GroupSession.group_id)
    )
    return {gid: Feedback(count, float(avg) if avg is not None else None, people,
                          free, float(free_avg) if free_avg is not None else None, free_people)
            for gid, count, avg, people, free, free_avg, free_people in rows}


# The person behind an answer that says whether they could speak freely (NULL otherwise).
_FREE_PERSON = case((SessionFeedback.spoke_freely.is_not(None), SessionFeedback.person_id))


async def _participation(session: AsyncSession, programme_id: int, mentees: dict[int, set[int]],
                         turns: offload.Turns) -> dict[int, Participation]:
    """Per group: its mentees' goals (set, done), reflections sent and sessions attended."""
    programme = await session.get(Programme, programme_id)
    if programme is None or not mentees:
        return {}
    groups = sorted(mentees)
    goals: dict[int, tuple[int, int]] = {}
    for person, count, done in await session.execute(
            select(PlanGoal.person_id, func.count(), func.count().filter(PlanGoal.status == "done"))
            .where(PlanGoal.programme_id == programme_id).group_by(PlanGoal.person_id)):
        await turns.take()
        goals[person] = (count, done)
    sent: dict[tuple[int, int], int] = {}
    for gid, person, count in await session.execute(
            select(Reflection.group_id, Reflection.person_id, func.count())
            .where(Reflection.group_id.in_(groups), Reflection.submitted_at.is_not(None))
            .group_by(Reflection.group_id, Reflection.person_id)):
        await turns.take()
        sent[(gid, person)] = count
    held: dict[int, set[int]] = defaultdict(set)
    for sid, gid in await session.execute(
        select(GroupSession.id, GroupSession.group_id)
        .where(GroupSession.group_id.in_(groups), GroupSession.status == "planned",
               GroupSession.attendance_recorded_at.is_not(None))
    ):
        held[gid].add(sid)
    marks: dict[int, set[tuple[int, int]]] = defaultdict(set)
    every = [sid for sids in held.values() for sid in sids]
    if every:
        by_session = {sid: gid for gid, sids in held.items() for sid in sids}
        for sid, person in await session.execute(
            select(SessionAttendance.session_id, SessionAttendance.person_id)
            .where(SessionAttendance.session_id.in_(every))
        ):
            marks[by_session[sid]].add((sid, person))
    last = programme.ends_on
    if last is None:
        last_week = await session.scalar(select(func.max(Reflection.week)).where(Reflection.group_id.in_(groups)))
        weeks = max(last_week or 1, 1)
    else:
        weeks = max(week_of(programme.starts_on or last, last), 1)
    found = {}
    for gid, people in mentees.items():
        await turns.take()
        mine = [goals[p] for p in people if p in goals]
        found[gid] = Participation(
            mentees=len(people), goal_people=sum(1 for count, _done in mine if count),
            goals=sum(count for count, _done in mine), goals_done=sum(done for _count, done in mine),
            reflections=sum(sent.get((gid, p), 0) for p in people), mentee_weeks=len(people) * weeks,
            sessions_held=len(held[gid]), attended=sum(1 for _sid, p in marks[gid] if p in people),
            slots=len(held[gid]) * len(people))
    return found
