"""The self-assessment at the start and the end of the programme: the impact instrument.

One statement per programme outcome (`OUTCOMES`) and per skill (`SKILLS`), each
answered 1 (strongly disagree) to 5 (strongly agree); a score is stored under the
outcome's or skill's key (`plan_self_assessments.area_key`), so the impact report
compares baseline and end by key. The instrument is the same for every programme;
a programme's own priority areas (`narbot areas load`) do not change it.

Where a person stands is the set of scores already stored: the next question is
the first statement without a score for that stage, so a restart simply continues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.errors import DomainError
from mentoring.i18n import N_
from mentoring.plans.areas import OUTCOMES, SKILLS, Area
from mentoring.plans.rules import PlanContext
from storage.models.plans import ASSESSMENT_STAGES, SelfAssessment

INSTRUMENT: tuple[Area, ...] = (*OUTCOMES, *SKILLS)

# What the person agrees with or not, one statement per outcome and skill (keyed like INSTRUMENT).
STATEMENTS: dict[str, str] = {
    "development": N_("I know the development stages of the children I care for and what they need."),
    "techniques": N_("I can use techniques and skills that meet the children's needs."),
    "planning": N_("I plan my own professional development."),
    "peers": N_("I give support and feedback to my peers and get it from them."),
    "resources": N_("I know where to find training, certificates and resources for my work."),
    "network": N_("I have a professional network I learn from."),
    "reflection": N_("I grow in my work through reflection and feedback."),
    "confidence": N_("I feel confident and motivated in my role."),
    "skill_empathy": N_("I put myself in the children's place and understand how they feel."),
    "skill_listening": N_("I listen actively: I give my full attention and check that I understood."),
    "skill_questions": N_("I ask questions that help the children tell their story and think."),
    "skill_feedback": N_("I give feedback that is clear and kind."),
    "skill_encouragement": N_("I encourage the children and notice their efforts."),
    "skill_problem_solving": N_("I solve problems calmly, step by step."),
    "skill_stress": N_("I manage my own stress at work."),
}


@dataclass(frozen=True)
class Progress:
    stage: str
    next_area: Area | None  # the next outcome or skill; None: every statement has its score
    answered: int
    total: int


async def progress(session: AsyncSession, ctx: PlanContext, stage: str) -> Progress:
    if stage not in ASSESSMENT_STAGES:
        raise DomainError("stale")
    areas = INSTRUMENT
    scored = set((await session.scalars(select(SelfAssessment.area_key).where(
        SelfAssessment.person_id == ctx.person_id, SelfAssessment.programme_id == ctx.programme_id,
        SelfAssessment.stage == stage,
    ))).all())
    remaining = [area for area in areas if area.key not in scored]
    return Progress(stage, remaining[0] if remaining else None, len(areas) - len(remaining), len(areas))


async def record(session: AsyncSession, ctx: PlanContext, stage: str, area_key: str, score: int,
                 now: datetime) -> Progress:
    """Store the score of the statement asked now; an old or repeated button changes nothing."""
    current = await progress(session, ctx, stage)
    if current.next_area is None or current.next_area.key != area_key or not 1 <= score <= 5:
        raise DomainError("stale")
    session.add(SelfAssessment(person_id=ctx.person_id, programme_id=ctx.programme_id, stage=stage,
                               area_key=area_key, score=score, answered_at=now))
    await session.flush()
    return await progress(session, ctx, stage)
