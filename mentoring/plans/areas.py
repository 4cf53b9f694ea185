"""The priority development areas of a programme ("öncelikli gelişim alanları").

By default these are the programme's eight outcome areas; coordinators may
replace a programme's list (`narbot areas load`). Areas are known by a stable
key, so choices and self-assessment scores survive a change of titles.
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


DEFAULT_AREAS: tuple[Area, ...] = (
    Area("development", N_("Children's development stages and needs"), short_en=N_("Child development")),
    Area("techniques", N_("Techniques and skills to meet their needs"), short_en=N_("Skills for needs")),
    Area("planning", N_("Planning my own development"), short_en=N_("My own development")),
    Area("peers", N_("Support and feedback with peers"), short_en=N_("Peer support")),
    Area("resources", N_("Training, certificates and resources"), short_en=N_("Courses, resources")),
    Area("network", N_("A professional network for learning"), short_en=N_("Learning network")),
    Area("reflection", N_("Growing through reflection and feedback"), short_en=N_("Reflective growth")),
    Area("confidence", N_("Self-confidence and motivation in my role"), short_en=N_("Role confidence")),
)


async def programme_areas(session: AsyncSession, programme_id: int) -> tuple[Area, ...]:
    """The programme's own list, or the default eight outcome areas."""
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
