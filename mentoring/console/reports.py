"""The console's report pages and streamed exports: what each shows, and who may open it.

The same reports as the chat's /report (mentoring/reports/views.py), as tables for a page:
- a programme's overview (and one province's) for its coordinators;
- the impact report (baseline → end self-assessment per area, session feedback, goal
  attainment and participation) for the programme and each group, paged by groups, for
  its coordinators; a group's own for its mentors (real figures) and the coordinators;
- a group's progress report: per mentee for its mentors, summed over the mentees for the
  programme's coordinators.
Access is mentoring/access.py's, as in the chat (`may_coordinate`, `may_see_group_figures`).
Coordinators read every figure through the small-cell rule (mentoring/reports/cells.py):
counts of 1-2 people "<3", a mean or share over fewer than 3 people "—" (and no bar in a
chart); a group's mentors read the real figures. Numbers and statuses only: no text anyone
wrote is read. Every page is audited (`programme.report`, ids only) in the transaction that
read it, and every export download (`programme.export`, the file and format) before it
streams; a refusal writes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import (
    AccessDenied,
    is_mentor_of,
    may_coordinate,
    may_see_group_figures,
    require,
)
from mentoring.group_shape import group_line
from mentoring.i18n import N_, Translator
from mentoring.joining.rules import MemberView
from mentoring.reports.cells import HIDDEN, small_count, too_few, too_few_for_average
from mentoring.reports.exports import EXPORT_ACTION
from mentoring.reports.impact import ImpactPart, impact_report
from mentoring.reports.overview import WORRY_DAYS, Figures, programme_overview
from mentoring.reports.rules import due_stage, group_progress
from mentoring.reports.stream import FILES
from mentoring.reports.texts import GOAL_STATUSES, REASONS, number
from mentoring.reports.views import REPORT_ACTION
from mentoring.screens import Words
from storage.models import Group, Programme

REFUSED = "report"
EXPORT_REFUSED = "export"
GROUPS_PER_PAGE = 20  # groups on one page of the impact report
SHAPES_SHOWN = 10
FORMATS = ("csv", "xlsx")

PARTICIPATION_WORDS = {
    "goals": N_("Goals done / goals set"),
    "reflections": N_("Reflections sent / mentee-weeks"),
    "attendance": N_("Present at group sessions / places at held sessions"),
}


# ---- shared cells ----


@dataclass(frozen=True)
class Share:
    """done / of as the reader may see them, and the share drawn (None: nothing to draw, or hidden)."""

    done: str
    of: str
    share: float | None
    hidden: bool


def _share(done: int, of: int, people: int, suppress: bool, count_people: bool = True) -> Share:
    """A share over `people` distinct people: for a coordinator, counts of 1-2 people "<3"
    (count_people: done and of count people) and no share drawn from fewer than 3."""
    hidden = suppress and bool(of) and (too_few_for_average(people) or (count_people and too_few(done)))
    if hidden and not count_people:
        return Share(HIDDEN, HIDDEN, None, True)
    shown = small_count if suppress and count_people else str
    share = None if hidden or not of else done / of
    return Share(shown(done), shown(of), share, hidden)


# ---- the overview ----


@dataclass(frozen=True)
class FiguresRow:
    """The figures of a set of groups: the programme, or a province."""

    province_id: int | None  # None: the whole programme
    name: str
    groups: int
    mentees: str
    mentors: str
    unreachable: str
    weeks: tuple[tuple[int, Share], ...]  # week -> reflections submitted / mentees
    sessions_held: int
    attendance: Share  # mentees present / places at held sessions
    hidden: bool  # a figure was suppressed


@dataclass(frozen=True)
class OverviewPage:
    programme_id: int
    programme_name: str
    week: int
    province_id: int | None
    shown: FiguresRow  # the programme, or the chosen province
    provinces: tuple[FiguresRow, ...]  # on the programme's page: each province
    outside_shape: tuple[Words, ...]
    more_outside: int
    worries: int | None  # the programme's page only (events, not people)
    files: tuple[str, ...]  # the export's files, each a CSV download
    worry_days: int = WORRY_DAYS


def _figures_row(figures: Figures, weeks: list[int], province_id: int | None) -> FiguresRow:
    counts = [figures.mentees, figures.mentors, figures.unreachable]
    week_cells = tuple((week, _share(figures.submitted.get(week, 0), figures.mentees, figures.mentees, True))
                       for week in weeks)
    attendance = _share(figures.attended, figures.expected, figures.attending, True, count_people=False)
    hidden = (any(too_few(count) for count in counts) or attendance.hidden
              or any(cell.hidden for _week, cell in week_cells))
    return FiguresRow(province_id, figures.name, figures.groups, small_count(figures.mentees),
                      small_count(figures.mentors), small_count(figures.unreachable), week_cells,
                      figures.sessions_held, attendance, hidden)


async def _programme(session: AsyncSession, person: MemberView, programme_id: int, refused: str) -> Programme:
    found = await session.get(Programme, programme_id)
    require(found is not None and may_coordinate(person, programme_id), refused)
    assert found is not None
    return found


async def overview(session: AsyncSession, person: MemberView, programme_id: int, now: datetime,
                   province_id: int | None = None) -> OverviewPage:
    """The programme at a glance (or one province), for its coordinators; audited like /report."""
    await _programme(session, person, programme_id, REFUSED)
    figures = await programme_overview(session, programme_id, now)
    assert figures is not None
    if province_id is None:
        shown = _figures_row(figures.total, figures.weeks, None)
        provinces = tuple(_figures_row(p, figures.weeks, p.province_id) for p in figures.provinces)
    else:
        chosen = figures.province(province_id)
        require(chosen is not None, REFUSED)
        assert chosen is not None
        shown, provinces = _figures_row(chosen, figures.weeks, province_id), ()
    await audit.record(session, person.person_id, REPORT_ACTION, details={
        "programme": programme_id, "view": "overview" if province_id is None else "province",
        "province": province_id, "console": True}, now=now)
    outside = figures.outside_shape(province_id)
    lines = tuple(line for name, shape in outside[:SHAPES_SHOWN]
                  if (line := group_line(name, shape, small_count)) is not None)
    return OverviewPage(programme_id, figures.programme_name, figures.week, province_id, shown, provinces,
                        lines, max(0, len(outside) - SHAPES_SHOWN),
                        figures.worries if province_id is None else None, FILES)


# ---- the impact report ----


@dataclass(frozen=True)
class AreaRow:
    key: str
    title: str
    people: str  # who answered both rounds, as the reader may see it
    baseline: str
    end: str
    change: str
    baseline_value: float | None  # drawn in the chart (None: no one, or hidden)
    end_value: float | None
    hidden: bool


@dataclass(frozen=True)
class ScoreRow:
    """A mean 1-5 (session feedback) and how many answers it is drawn from."""

    key: str
    average: str
    answers: str
    hidden: bool


@dataclass(frozen=True)
class ImpactSection:
    group_id: int | None  # None: the whole programme
    name: str
    areas: tuple[AreaRow, ...]
    scores: tuple[ScoreRow, ...]
    participation: tuple[tuple[str, Share, str], ...]  # (measure, share, people n)
    hidden: bool


@dataclass(frozen=True)
class ImpactPage:
    programme_id: int
    programme_name: str
    group_id: int | None  # a group's own impact page
    group_name: str | None
    mentor: bool  # real figures (the group's mentor)
    sections: tuple[ImpactSection, ...]
    page: int
    pages: int

    @property
    def hidden(self) -> bool:
        return any(section.hidden for section in self.sections)


def _area_rows(tr: Translator, part: ImpactPart, suppress: bool) -> tuple[AreaRow, ...]:
    rows = []
    for change in part.areas:
        title = change.area.title(tr)
        if not change.people:
            rows.append(AreaRow(change.area.key, title, "0", "–", "–", "–", None, None, False))
        elif suppress and too_few_for_average(change.people):
            rows.append(AreaRow(change.area.key, title, small_count(change.people), HIDDEN, HIDDEN, HIDDEN,
                                None, None, True))
        else:
            delta = change.change or 0.0
            rows.append(AreaRow(change.area.key, title, str(change.people), number(tr, change.baseline),
                                number(tr, change.end), ("+" if delta >= 0 else "") + number(tr, delta),
                                change.baseline, change.end, False))
    return tuple(rows)


def _score_rows(tr: Translator, part: ImpactPart, suppress: bool) -> tuple[ScoreRow, ...]:
    feedback = part.feedback
    rows = []
    if feedback.answers and suppress and too_few_for_average(feedback.people):
        rows.append(ScoreRow("usefulness", HIDDEN, HIDDEN, True))
    else:
        rows.append(ScoreRow("usefulness", number(tr, feedback.average), str(feedback.answers), False))
    if feedback.free_answers and suppress and too_few_for_average(feedback.free_people):
        rows.append(ScoreRow("spoke_freely", HIDDEN, HIDDEN, True))
    elif feedback.free_answers:
        rows.append(ScoreRow("spoke_freely", number(tr, feedback.free_average), str(feedback.free_answers), False))
    return tuple(rows)


def _participation(part: ImpactPart, suppress: bool) -> tuple[tuple[str, Share, str], ...]:
    taking = part.participation
    rows = []
    if taking.goals:
        people = small_count(taking.goal_people) if suppress else str(taking.goal_people)
        rows.append(("goals", _share(taking.goals_done, taking.goals, taking.goal_people, suppress, False),
                     people))
    if taking.mentees:
        people = small_count(taking.mentees) if suppress else str(taking.mentees)
        rows.append(("reflections", _share(taking.reflections, taking.mentee_weeks, taking.mentees, suppress,
                                           False), people))
        rows.append(("attendance", _share(taking.attended, taking.slots, taking.mentees, suppress, False),
                     people))
    return tuple(rows)


def _section(tr: Translator, part: ImpactPart, name: str, suppress: bool) -> ImpactSection:
    areas = _area_rows(tr, part, suppress)
    scores = _score_rows(tr, part, suppress)
    participation = _participation(part, suppress)
    hidden = (any(row.hidden for row in areas) or any(row.hidden for row in scores)
              or any(share.hidden for _key, share, _n in participation))
    return ImpactSection(part.group_id, name, areas, scores, participation, hidden)


async def programme_impact(session: AsyncSession, person: MemberView, tr: Translator, programme_id: int,
                           page: int, now: datetime) -> ImpactPage:
    """The programme's impact report for its coordinators: the whole programme, then its groups
    GROUPS_PER_PAGE at a time; every figure through the small-cell rule."""
    programme = await _programme(session, person, programme_id, REFUSED)
    report = await impact_report(session, programme_id)
    await audit.record(session, person.person_id, REPORT_ACTION,
                       details={"programme": programme_id, "view": "impact", "console": True}, now=now)
    pages = max(1, -(-len(report.groups) // GROUPS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    sections = []
    if report.programme is not None and page == 0:
        sections.append(_section(tr, report.programme, tr.gettext("Whole programme"), True))
    sections += [_section(tr, part, part.name, True)
                 for part in report.groups[page * GROUPS_PER_PAGE:(page + 1) * GROUPS_PER_PAGE]]
    return ImpactPage(programme.id, programme.name, None, None, False, tuple(sections), page, pages)


async def _group(session: AsyncSession, person: MemberView, group_id: int) -> tuple[Group, Programme]:
    group = await session.get(Group, group_id)
    if group is None or not may_see_group_figures(person, group_id, group.programme_id):
        raise AccessDenied(REFUSED)
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    return group, programme


async def group_impact(session: AsyncSession, person: MemberView, tr: Translator, group_id: int,
                       now: datetime) -> ImpactPage:
    """A group's impact report: its mentors read the real figures, the coordinators the suppressed ones."""
    group, programme = await _group(session, person, group_id)
    mentor = is_mentor_of(person, group_id)
    report = await impact_report(session, programme.id, [group_id])
    await audit.record(session, person.person_id, REPORT_ACTION, details={
        "programme": programme.id, "view": "impact", "group": group_id, "console": True}, now=now)
    sections = tuple(_section(tr, part, part.name, not mentor) for part in report.groups)
    return ImpactPage(programme.id, programme.name, group.id, group.name, mentor, sections, 0, 1)


# ---- a group's progress ----


@dataclass(frozen=True)
class MenteeRow:
    name: str
    goals: dict[str, int]  # status -> count (GOAL_STATUSES)
    todos: dict[str, int]  # done, open, not_done
    reasons: tuple[tuple[str, int], ...]  # (reason msgid, count), most frequent first
    reflections: int
    confidence: str  # the trend, "2 → 3 → 4", or "" without answers
    change: int | None


@dataclass(frozen=True)
class GroupSummary:
    """The group summed over its mentees, as its coordinators see it."""

    mentees: str
    too_small: bool  # fewer than 3 mentees: nothing more is shown
    goals: dict[str, int]
    todos: dict[str, int]
    reasons: tuple[tuple[str, int], ...]
    submitted: str  # mentees who submitted a reflection
    change: str  # the average confidence change, or "—"
    changed: str  # n behind it
    hidden: bool


@dataclass(frozen=True)
class ProgressPage:
    group_id: int
    group_name: str
    programme_id: int
    programme_name: str
    week: int
    stage: str | None  # "mid", "end" or None
    mentor: bool
    mentees: tuple[MenteeRow, ...]  # the group's mentors only
    summary: GroupSummary | None  # the coordinators only


def _reasons(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple((REASONS.get(code, code), count) for code, count in counts.most_common())


async def progress(session: AsyncSession, person: MemberView, tr: Translator, group_id: int,
                   now: datetime) -> ProgressPage:
    """A group's progress report: per mentee for its mentors, summed (small cells suppressed) for the
    programme's coordinators."""
    group, programme = await _group(session, person, group_id)
    report = await group_progress(session, group_id, now)
    assert report is not None
    mentor = is_mentor_of(person, group_id)
    await audit.record(session, person.person_id, REPORT_ACTION, details={
        "programme": programme.id, "view": "progress", "group": group_id, "console": True}, now=now)
    statuses = tuple(GOAL_STATUSES)
    if mentor:
        rows = tuple(MenteeRow(
            m.name, {key: m.goals[key] for key in statuses},
            {key: m.todos[key] for key in ("done", "open", "not_done")}, _reasons(m.reasons), m.reflections,
            " → ".join(str(value) for _week, value in m.confidence[-8:]), m.confidence_change,
        ) for m in report.mentees)
        summary = None
    else:
        rows = ()
        summary = _summary(tr, report.mentees, statuses)
    return ProgressPage(group.id, group.name, programme.id, programme.name, report.week,
                        due_stage(programme, now), mentor, rows, summary)


def _summary(tr: Translator, mentees, statuses: tuple[str, ...]) -> GroupSummary:  # type: ignore[no-untyped-def]
    goals: Counter[str] = Counter()
    todos: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for mentee in mentees:
        goals.update(mentee.goals)
        todos.update(mentee.todos)
        reasons.update(mentee.reasons)
    if too_few_for_average(len(mentees)):
        return GroupSummary(small_count(len(mentees)), True, {}, {}, (), "", HIDDEN, "", bool(mentees))
    submitted = sum(1 for mentee in mentees if mentee.reflections)
    changes = [m.confidence_change for m in mentees if m.confidence_change is not None]
    average = HIDDEN if too_few_for_average(len(changes)) else number(tr, sum(changes) / len(changes))
    return GroupSummary(
        str(len(mentees)), False, {key: goals[key] for key in statuses},
        {key: todos[key] for key in ("done", "open", "not_done")}, _reasons(reasons), small_count(submitted),
        average, small_count(len(changes)), too_few(submitted) or too_few_for_average(len(changes)),
    )


# ---- exports ----


@dataclass(frozen=True)
class Download:
    programme_id: int
    programme_name: str
    filename: str  # the file's name for the browser
    file: str | None  # the export file (a CSV), None for the whole export as .xlsx


async def start_export(session: AsyncSession, person: MemberView, programme_id: int, file: str | None,
                       day: str, now: datetime) -> Download:
    """A coordinator's export download: refused to anyone else (nothing written), audited before it streams."""
    programme = await _programme(session, person, programme_id, EXPORT_REFUSED)
    require(file is None or file in FILES, EXPORT_REFUSED)
    await audit.record(session, person.person_id, EXPORT_ACTION, details={
        "programme": programme_id, "file": file or "all", "format": "csv" if file else "xlsx",
        "console": True}, now=now)
    name = f"narbot-{file.removesuffix('.csv').replace('_', '-')}-{day}.csv" if file else f"narbot-export-{day}.xlsx"
    return Download(programme.id, programme.name, name, file)
