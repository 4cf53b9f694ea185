"""What a mentor may reply to besides a reflection: a mentee's development plan goals and to-dos marked
done or not done (issue #14, point 2).

Every goal of a current mentee is the group's mentors' to see (`mentoring.audiences`: both goal sentences
name the mentors; the goal's `shared` flag is about the peer partner), so any goal with words may be
replied to; a to-do only once it is marked. Anyone but a mentor of the mentee's group is refused alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access
from mentoring.joining.rules import MemberView
from mentoring.text import clip
from storage.models import Membership, Person, Role
from storage.models.plans import PlanGoal
from storage.models.todos import Todo

# A goal's or a to-do's words where a message names it: enough to recognise it.
ABOUT_MAX = 60
# How many goals and marked to-dos the list under a mentee's detail offers (a WhatsApp list holds 10).
ITEMS_SHOWN = 5
MARKED = ("done", "not_done")


@dataclass(frozen=True)
class About:
    """A development plan goal or a to-do marked done or not done, that a mentor may reply to."""

    kind: str  # "goal" | "todo"
    item_id: int
    mentee_id: int
    mentee_name: str
    group_id: int
    what: str  # its words, clipped
    status: str


async def goal_about(session: AsyncSession, member: MemberView, goal_id: int) -> About:
    """A goal (with words) of a current mentee of a group the member mentors; anything else is refused alike."""
    rows = (await session.execute(
        select(PlanGoal.person_id, Person.display_name, PlanGoal.what, PlanGoal.status, Membership.group_id)
        .join(Person, Person.id == PlanGoal.person_id)
        .join(Membership, (Membership.person_id == PlanGoal.person_id)
              & (Membership.programme_id == PlanGoal.programme_id) & (Membership.role == Role.MENTEE.value)
              & Membership.left_at.is_(None))
        .where(PlanGoal.id == goal_id, PlanGoal.what.is_not(None), Person.erased_at.is_(None))
    )).all()
    for row in rows:
        if row.group_id is not None and access.may_read_texts_of_group(member, row.group_id):
            return About("goal", goal_id, row.person_id, row.display_name, row.group_id, clip(row.what, ABOUT_MAX),
                         row.status)
    raise access.AccessDenied("feedback")


async def todo_about(session: AsyncSession, member: MemberView, todo_id: int) -> About:
    """A to-do marked done or not done of a current mentee of a group the member mentors; an open one,
    or anything else, is refused alike."""
    row = (await session.execute(
        select(Todo.person_id, Person.display_name, Todo.text, Todo.status, Todo.group_id)
        .join(Person, Person.id == Todo.person_id)
        .join(Membership, (Membership.person_id == Todo.person_id) & (Membership.group_id == Todo.group_id)
              & (Membership.role == Role.MENTEE.value) & Membership.left_at.is_(None))
        .where(Todo.id == todo_id, Todo.status.in_(MARKED), Todo.text.is_not(None), Person.erased_at.is_(None))
    )).first()
    if row is None or not access.may_read_texts_of_group(member, row.group_id):
        raise access.AccessDenied("feedback")
    return About("todo", todo_id, row.person_id, row.display_name, row.group_id, clip(row.text, ABOUT_MAX),
                 row.status)


async def about(session: AsyncSession, member: MemberView, kind: str, item_id: int) -> About:
    return await (goal_about if kind == "goal" else todo_about)(session, member, item_id)


async def items(session: AsyncSession, member: MemberView, group_id: int, person_id: int
                ) -> tuple[str, list[About]]:
    """The mentee's name and what a mentor of the group may reply to: their latest goals and to-dos
    marked done or not done (`ITEMS_SHOWN` of each); a person who is not a current mentee of a group the
    member mentors is refused."""
    access.require(access.may_read_texts_of_group(member, group_id), "feedback")
    found = (await session.execute(
        select(Person.display_name, Membership.programme_id)
        .join(Membership, Membership.person_id == Person.id)
        .where(Person.id == person_id, Person.erased_at.is_(None), Membership.group_id == group_id,
               Membership.role == Role.MENTEE.value, Membership.left_at.is_(None))
    )).first()
    if found is None:
        raise access.AccessDenied("feedback")
    goals = (await session.execute(
        select(PlanGoal.id, PlanGoal.what, PlanGoal.status)
        .where(PlanGoal.person_id == person_id, PlanGoal.programme_id == found.programme_id,
               PlanGoal.what.is_not(None))
        .order_by(PlanGoal.updated_at.desc(), PlanGoal.id.desc()).limit(ITEMS_SHOWN)
    )).all()
    todos = (await session.execute(
        select(Todo.id, Todo.text, Todo.status)
        .where(Todo.person_id == person_id, Todo.group_id == group_id, Todo.status.in_(MARKED),
               Todo.text.is_not(None))
        .order_by(Todo.updated_at.desc(), Todo.id.desc()).limit(ITEMS_SHOWN)
    )).all()
    name = found.display_name
    return name, [
        *(About("goal", g.id, person_id, name, group_id, clip(g.what, ABOUT_MAX), g.status)
          for g in goals),
        *(About("todo", t.id, person_id, name, group_id, clip(t.text, ABOUT_MAX), t.status) for t in todos),
    ]
