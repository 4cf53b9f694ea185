"""What a mentee's /plan shows at a glance: areas, goals and the self-assessment's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.joining.rules import MemberView
from mentoring.plans import assessment
from mentoring.plans import rules as plans
from mentoring.plans.areas import Area, programme_areas
from storage.models.plans import PlanGoal


@dataclass(frozen=True)
class PlanOverview:
    ctx: plans.PlanContext
    areas: tuple[Area, ...]
    chosen: set[str]
    goals: list[PlanGoal]
    baseline: assessment.Progress

    @property
    def chosen_areas(self) -> list[Area]:
        return [area for area in self.areas if area.key in self.chosen]


async def overview(session: AsyncSession, member: MemberView, now: datetime) -> PlanOverview:
    ctx = await plans.plan_context(session, member)
    return PlanOverview(ctx, await programme_areas(session, ctx.programme_id),
                        await plans.chosen_area_keys(session, ctx), await plans.goals(session, ctx),
                        await assessment.progress(session, ctx, "baseline"))
