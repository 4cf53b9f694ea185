"""A mentee's development plan as the group's mentors see it (issue #14, point 5; standard E.2, E.3).

Opened from the mentee's detail under the digest (`plan:m:<group>:<person>`): the
priority areas the mentee chose, their baseline self-assessment, and their goals
grouped by area with how they will know and by when. Every goal of a mentee is
their mentors' to see (each goal card tells the mentee so, `mentoring.audiences`
"goal_private"/"goal_shared"); goals whose words were erased are left out. A goal
button opens the existing reply about a goal (`mentoring.feedback`), the mentor's
comment. Only a mentor of the mentee's current group may look, and each look is
audited as a view of personal data, like the detail itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, audit
from mentoring.digest.buttons import DIGEST
from mentoring.feedback.buttons import FEEDBACK
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.plans.areas import Area, programme_areas
from mentoring.plans.assessment import INSTRUMENT
from mentoring.plans.goal_screens import STATUS_ICONS, STATUS_NAMES, area_title, by_area, due_words
from mentoring.screens import Choice, Lines, Raw, Screen, Text, Words
from mentoring.text import clip
from storage.models import Membership, Person, Role
from storage.models.plans import PlanAreaChoice, PlanGoal, SelfAssessment

PLAN_ACTION = "mentee.plan"
TEXT_LIMIT = 3900  # one message, under Telegram's 4096 characters
GOAL_TEXT = 200  # a goal's words and measure, clipped, so thirty goals still mostly fit
GOAL_BUTTONS = 10  # goals offered to reply about (a WhatsApp list holds 10)


@dataclass(frozen=True)
class MenteePlan:
    group_id: int
    person_id: int
    name: str
    areas: tuple[Area, ...]  # the programme's list
    chosen: frozenset[str]
    baseline: tuple[tuple[Area, int], ...]  # (outcome or skill, 1-5), in the instrument's order
    goals: tuple[PlanGoal, ...]

    @property
    def chosen_areas(self) -> list[Area]:
        return [area for area in self.areas if area.key in self.chosen]


async def mentee_plan(session: AsyncSession, member: MemberView, group_id: int, person_id: int,
                      now: datetime) -> MenteePlan:
    """A current mentee's plan, for a mentor of that group; anything else is refused alike."""
    access.require(access.may_read_texts_of_group(member, group_id), "mentee_plan")
    row = (await session.execute(
        select(Person.display_name, Membership.programme_id)
        .join(Membership, Membership.person_id == Person.id)
        .where(Person.id == person_id, Membership.group_id == group_id, Person.erased_at.is_(None),
               Membership.role == Role.MENTEE.value, Membership.left_at.is_(None))
    )).first()
    if row is None:
        raise access.AccessDenied("mentee_plan")
    name, programme_id = row
    chosen = frozenset((await session.scalars(select(PlanAreaChoice.area_key).where(
        PlanAreaChoice.person_id == person_id, PlanAreaChoice.programme_id == programme_id))).all())
    scores: dict[str, int] = {key: score for key, score in await session.execute(
        select(SelfAssessment.area_key, SelfAssessment.score).where(
            SelfAssessment.person_id == person_id, SelfAssessment.programme_id == programme_id,
            SelfAssessment.stage == "baseline"))}
    goals = (await session.scalars(select(PlanGoal).where(
        PlanGoal.person_id == person_id, PlanGoal.programme_id == programme_id, PlanGoal.what.is_not(None),
    ).order_by(PlanGoal.id))).all()
    await audit.record(session, member.person_id, PLAN_ACTION, person_id, {"group_id": group_id}, now=now)
    return MenteePlan(group_id, person_id, name, await programme_areas(session, programme_id), chosen,
                      tuple((item, scores[item.key]) for item in INSTRUMENT if item.key in scores),
                      tuple(goals))


def plan_words(plan: MenteePlan, locale: str) -> Words:
    """The plan as message ids and values; the goals' words are the mentee's own (`Raw`)."""
    areas = [Lines(Raw("•"), area_title(area, locale), sep=" ") for area in plan.chosen_areas]
    parts: list[Words] = [
        Text("📋 Development plan of {name}", name=plan.name),
        Lines(Text("Priority development areas:"), *(areas or [Text("(none chosen yet)")])),
    ]
    if plan.baseline:
        parts.append(Lines(
            Text("Baseline self-assessment (1 = strongly disagree, 5 = strongly agree):"),
            *(Lines(Raw("•"), area_title(item, locale), Raw(f"— {score}"), sep=" ")
              for item, score in plan.baseline)))
    else:
        parts.append(Text("No baseline self-assessment yet."))
    if not plan.goals:
        parts.append(Text("{name} has no goals yet.", name=plan.name))
    else:
        groups: list[Words] = []
        number = 0
        for area, goals in by_area(list(plan.goals), plan.areas):
            lines: list[Words] = [Lines(Raw("▸"), area_title(area, locale) if area else Text("Other"), sep=" ")]
            for goal in goals:
                number += 1
                lines.append(Lines(
                    Raw(f"{number}. {STATUS_ICONS[goal.status]} {clip(goal.what, GOAL_TEXT)}"),
                    Lines(Raw("   "), Text("How they will know: {measure}",
                                           measure=Raw(clip(goal.measure, GOAL_TEXT) or "—")), sep=""),
                    Lines(Raw("   "), Text("By: {due}", due=due_words(goal)), Raw(" · "),
                          Text(STATUS_NAMES[goal.status]), sep=""),
                ))
            groups.append(Lines(*lines))
        parts.append(Lines(Text("Goals {name} shares with mentors:", name=plan.name), *groups, sep="\n\n"))
    return Lines(*parts, sep="\n\n")


def plan_screen(plan: MenteePlan, locale: str) -> Screen:
    """The plan, a reply button per goal (the first ten, numbered as listed), and back to the detail."""
    said: Words = plan_words(plan, locale)
    text = said.render(translator(locale))
    if len(text) > TEXT_LIMIT:
        said = Raw(text[:TEXT_LIMIT - 1] + "…")
    ordered = [goal for _, goals in by_area(list(plan.goals), plan.areas) for goal in goals]
    replies = [Choice(FEEDBACK.encode("g", goal=goal.id), Text("💬 Goal {number}", number=number))
               for number, goal in enumerate(ordered[:GOAL_BUTTONS], start=1)]
    rows = [replies[i:i + 5] for i in range(0, len(replies), 5)]
    rows.append([Choice(DIGEST.encode("m", group=plan.group_id, person=plan.person_id), Text("Back"))])
    return Screen(said, rows)
