"""The end-of-programme survey as a group's mentors (and the programme's coordinators) see it (E.8.1).

Only aggregates: per question the number of answers and their average, and how many gave each score.
A figure drawn from fewer than `SMALL_CELL` people is not shown at all (mentoring.reports.cells), and
the free texts are never shown to anyone but their author: in a group of 4-6 a text names its writer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access
from mentoring.joining.rules import MemberView
from mentoring.reports.cells import SMALL_CELL, too_few_for_average
from storage.models import Group
from storage.models.closing import ClosingSurvey

QUESTIONS = ("facilitation", "climate", "pairs")


@dataclass(frozen=True)
class Item:
    question: str
    answers: int
    average: float | None  # None: too few answers to show
    counts: tuple[int, ...] | None  # how many gave 1..5; None when hidden

    @property
    def hidden(self) -> bool:
        return self.answers > 0 and self.average is None


@dataclass(frozen=True)
class GroupSurvey:
    group_id: int
    group_name: str
    respondents: int
    items: tuple[Item, ...]

    @property
    def hidden(self) -> bool:
        return too_few_for_average(self.respondents)


def aggregate(group_id: int, name: str, rows: list[tuple[int | None, int | None, int | None]]) -> GroupSurvey:
    items = []
    for index, question in enumerate(QUESTIONS):
        scores = [row[index] for row in rows if row[index] is not None]
        if too_few_for_average(len(scores)):
            items.append(Item(question, len(scores), None, None))
            continue
        counts = Counter(scores)
        items.append(Item(question, len(scores), sum(scores) / len(scores),
                          tuple(counts.get(score, 0) for score in range(1, 6))))
    return GroupSurvey(group_id, name, len(rows), tuple(items))


async def group_surveys(session: AsyncSession, member: MemberView) -> list[GroupSurvey]:
    """The survey of each group the member mentors, or coordinates through its programme."""
    coordinated = access.coordinated_programmes(member)
    mentored = access.mentored_groups(member)
    if not coordinated and not mentored:
        return []
    query = (select(Group.id, Group.name, Group.programme_id)
             .where(or_(Group.id.in_(mentored), Group.programme_id.in_(coordinated)))
             .order_by(Group.name, Group.id))
    groups = [(gid, name) for gid, name, programme_id in (await session.execute(query)).all()
              if access.may_see_group_figures(member, gid, programme_id)]
    found = []
    for gid, name in groups:
        rows = (await session.execute(
            select(ClosingSurvey.facilitation, ClosingSurvey.climate, ClosingSurvey.pairs)
            .where(ClosingSurvey.group_id == gid)
        )).all()
        found.append(aggregate(gid, name, [(a, b, c) for a, b, c in rows]))
    return found


__all__ = ["SMALL_CELL", "GroupSurvey", "Item", "aggregate", "group_surveys"]
