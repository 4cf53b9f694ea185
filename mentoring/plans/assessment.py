"""The self-assessment (1-5 per area) at the start and the end of the programme.

Where a person stands is the set of scores already stored: the next question is
the first area without a score for that stage, so a restart simply continues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.errors import DomainError
from mentoring.plans.areas import Area, programme_areas
from mentoring.plans.rules import PlanContext
from storage.models.plans import ASSESSMENT_STAGES, SelfAssessment


@dataclass(frozen=True)
class Progress:
    stage: str
    next_area: Area | None  # None: every area has its score
    answered: int
    total: int


async def progress(session: AsyncSession, ctx: PlanContext, stage: str) -> Progress:
    if stage not in ASSESSMENT_STAGES:
        raise DomainError("stale")
    areas = await programme_areas(session, ctx.programme_id)
    scored = set((await session.scalars(select(SelfAssessment.area_key).where(
        SelfAssessment.person_id == ctx.person_id, SelfAssessment.programme_id == ctx.programme_id,
        SelfAssessment.stage == stage,
    ))).all())
    remaining = [area for area in areas if area.key not in scored]
    return Progress(stage, remaining[0] if remaining else None, len(areas) - len(remaining), len(areas))


async def record(session: AsyncSession, ctx: PlanContext, stage: str, area_key: str, score: int,
                 now: datetime) -> Progress:
    """Store the score of the area asked now; an old or repeated button changes nothing."""
    current = await progress(session, ctx, stage)
    if current.next_area is None or current.next_area.key != area_key or not 1 <= score <= 5:
        raise DomainError("stale")
    session.add(SelfAssessment(person_id=ctx.person_id, programme_id=ctx.programme_id, stage=stage,
                               area_key=area_key, score=score, answered_at=now))
    await session.flush()
    return await progress(session, ctx, stage)
