"""A group's weekly rhythm in the web console: the options and rules of /rhythm (mentoring/rhythm).

Its mentors (as with /rhythm) and the programme's coordinators change it
(`may_change_group_rhythm`); anyone else is refused. Every setting is one of its fixed
options: a form with another value is shown again with the problem by its field, and
nothing is written. A change is audited (ids and the settings' codes only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import AccessDenied, may_change_group_rhythm
from mentoring.calendar import Rhythm
from mentoring.console.admin import REFUSED
from mentoring.joining.rules import MemberView
from mentoring.rhythm import SETTINGS, option_code
from mentoring.rhythm.rules import apply_setting
from mentoring.rhythm.screens import LABELS, option_label
from mentoring.screens import Text, Words
from storage.models import Group, GroupSchedule, Programme

RHYTHM_CHANGED = "console.rhythm_changed"
NO_OPTION = Text("Please choose one of the options.")


@dataclass(frozen=True)
class RhythmField:
    """One setting of the rhythm: its code (the field's name), label, options and the chosen one."""

    code: str
    label: Text
    options: tuple[tuple[str, Words], ...]  # (option code, how it reads)
    chosen: str


@dataclass(frozen=True)
class RhythmForm:
    group_id: int
    group_name: str
    programme_id: int
    zone: str  # the group's zone, in which the rhythm's times are meant
    fields: tuple[RhythmField, ...]
    problems: dict[str, Words] = field(default_factory=dict)


async def _rhythm_group(session: AsyncSession, person: MemberView, group_id: int) -> tuple[Group, Programme]:
    group = await session.get(Group, group_id)
    if group is None or not may_change_group_rhythm(person, group.id, group.programme_id):
        raise AccessDenied(REFUSED)
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    return group, programme


def _chosen(rhythm: Rhythm) -> dict[str, str]:
    return {code: option_code(getattr(rhythm, setting.column)) for code, setting in SETTINGS.items()}


def _rhythm_form(group: Group, programme: Programme, chosen: dict[str, str],
                 problems: dict[str, Words] | None = None) -> RhythmForm:
    fields = tuple(
        RhythmField(code, Text(label), tuple((option_code(value), option_label(code, value))
                                             for value in SETTINGS[code].options), chosen.get(code, ""))
        for code, label in LABELS.items()
    )
    return RhythmForm(group.id, group.name, programme.id, group.timezone or programme.timezone, fields,
                      problems or {})


async def rhythm_form(session: AsyncSession, person: MemberView, group_id: int) -> RhythmForm:
    group, programme = await _rhythm_group(session, person, group_id)
    return _rhythm_form(group, programme, _chosen(Rhythm.of(await session.get(GroupSchedule, group.id))))


class RhythmProblems(Exception):
    def __init__(self, form: RhythmForm) -> None:
        super().__init__(sorted(form.problems))
        self.form = form


async def change_group_rhythm(session: AsyncSession, person: MemberView, group_id: int, values: dict[str, str],
                              now: datetime) -> list[str]:
    """The rhythm as chosen in the form; returns the codes of the settings that changed."""
    group, programme = await _rhythm_group(session, person, group_id)
    problems: dict[str, Words] = {
        code: NO_OPTION for code, setting in SETTINGS.items()
        if values.get(code, "") not in {option_code(value) for value in setting.options}
    }
    if problems:
        raise RhythmProblems(_rhythm_form(group, programme, values, problems))
    current = _chosen(Rhythm.of(await session.get(GroupSchedule, group.id)))
    changed = [code for code in SETTINGS if values[code] != current[code]]
    for code in changed:
        await apply_setting(session, group.id, code, values[code])
    if changed:
        await audit.record(session, person.person_id, RHYTHM_CHANGED,
                           details={"group": group.id, "settings": changed}, now=now)
    return changed
