"""The priority development areas of a programme ("öncelikli gelişim alanları").

By default these are eight care topics (`DEFAULT_AREAS`: what a care worker wants
to get better at with the children); coordinators may replace a programme's list
(`narbot areas load`). They are kept apart from the programme's eight outcomes
(`OUTCOMES`), which with the seven skills (`SKILLS`) are the self-assessment, the
impact instrument (`mentoring.plans.assessment`). Areas are known by a stable
key, so choices, goals and scores survive a change of titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.errors import DomainError
from mentoring.i18n import N_, Translator
from storage.models.plans import PlanArea

MAX_AREAS = 12
MAX_TITLE = 60  # a title has to fit on a phone-sized button
_KEY_SHAPE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


@dataclass(frozen=True)
class Area:
    key: str
    title_en: str
    # None for the default areas: their English title is a msgid, translated when shown.
    title_tr: str | None = None
    # A default area's name for small buttons (at most 18 characters in every language, so a
    # check mark still fits WhatsApp's 20); a programme's own titles are clipped instead.
    short_en: str | None = None

    def title(self, tr: Translator) -> str:
        if self.title_tr is None:
            return tr.gettext(self.title_en)
        return self.title_tr if tr.locale == "tr" else self.title_en


# The programme's eight outcomes: the impact instrument (the self-assessment), not the default areas.
# Their keys are those of the first default list, so earlier self-assessment scores still compare.
OUTCOMES: tuple[Area, ...] = (
    Area("development", N_("Children's development stages and needs"), short_en=N_("Child development")),
    Area("techniques", N_("Techniques and skills to meet their needs"), short_en=N_("Skills for needs")),
    Area("planning", N_("Planning my own development"), short_en=N_("My own development")),
    Area("peers", N_("Support and feedback with peers"), short_en=N_("Peer support")),
    Area("resources", N_("Training, certificates and resources"), short_en=N_("Courses, resources")),
    Area("network", N_("A professional network for learning"), short_en=N_("Learning network")),
    Area("reflection", N_("Growing through reflection and feedback"), short_en=N_("Reflective growth")),
    Area("confidence", N_("Self-confidence and motivation in my role"), short_en=N_("Role confidence")),
)

# The seven skills of the mentor occupational standard the self-assessment asks about too.
SKILLS: tuple[Area, ...] = (
    Area("skill_empathy", N_("Skill: empathy")),
    Area("skill_listening", N_("Skill: active listening")),
    Area("skill_questions", N_("Skill: asking questions")),
    Area("skill_feedback", N_("Skill: giving feedback")),
    Area("skill_encouragement", N_("Skill: encouragement")),
    Area("skill_problem_solving", N_("Skill: problem solving")),
    Area("skill_stress", N_("Skill: stress management")),
)

# The default priority development areas: care topics (issue #14, point 9). Keys stay stable.
DEFAULT_AREAS: tuple[Area, ...] = (
    Area("stage_care", N_("Care that fits the child's development stage"), short_en=N_("Stage-fit care")),
    Area("positive_discipline", N_("Positive discipline and limits"), short_en=N_("Discipline, limits")),
    Area("teen_talk", N_("Talking with teenagers"), short_en=N_("Talking with teens")),
    Area("trauma_informed", N_("Trauma-informed care"), short_en=N_("Trauma-informed")),
    Area("emotion_regulation", N_("Supporting emotion regulation"), short_en=N_("Emotion regulation")),
    Area("school_support", N_("School support"), short_en=N_("School support")),
    Area("independent_life", N_("Preparing for independent life"), short_en=N_("Independent life")),
    Area("own_stress", N_("Managing my own stress"), short_en=N_("My own stress")),
)


def known_default(key: str) -> Area | None:
    """A built-in area, outcome or skill by key (titles for keys stored before a list changed)."""
    return next((area for area in (*DEFAULT_AREAS, *OUTCOMES, *SKILLS) if area.key == key), None)


async def programme_areas(session: AsyncSession, programme_id: int) -> tuple[Area, ...]:
    """The programme's own list, or the default care topics."""
    rows = (await session.scalars(
        select(PlanArea).where(PlanArea.programme_id == programme_id).order_by(PlanArea.position)
    )).all()
    if not rows:
        return DEFAULT_AREAS
    return tuple(Area(row.key, row.title_en, row.title_tr) for row in rows)


def parse_areas(data: Any) -> tuple[Area, ...]:
    """Validate a list like [{"key": "...", "tr": "...", "en": "..."}]; raises DomainError."""
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_AREAS:
        raise DomainError("areas_count", most=MAX_AREAS)
    areas: list[Area] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or set(item) != {"key", "tr", "en"}:
            raise DomainError("area_fields", number=number)
        key, title_tr, title_en = item["key"], item["tr"], item["en"]
        if not isinstance(key, str) or not _KEY_SHAPE.match(key):
            raise DomainError("area_key", number=number)
        for title in (title_tr, title_en):
            if not isinstance(title, str) or not title.strip() or len(title.strip()) > MAX_TITLE:
                raise DomainError("area_title", number=number, most=MAX_TITLE)
        if any(area.key == key for area in areas):
            raise DomainError("area_duplicate", key=key)
        areas.append(Area(key, title_en.strip(), title_tr.strip()))
    return tuple(areas)


async def replace_areas(session: AsyncSession, programme_id: int, areas: tuple[Area, ...]) -> None:
    """Make `areas` the programme's list (the caller's transaction makes it all-or-nothing)."""
    await session.execute(delete(PlanArea).where(PlanArea.programme_id == programme_id))
    session.add_all(
        PlanArea(programme_id=programme_id, key=area.key, position=index,
                 title_tr=area.title_tr or area.title_en, title_en=area.title_en)
        for index, area in enumerate(areas)
    )
    await session.flush()
