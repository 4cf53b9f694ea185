"""Which report a member may open, as pages with buttons (what /report and its buttons show).

A page's words are paged in the reader's language (mentoring/reports/texts.py),
its buttons are `mentoring.screens.Choice`s; mentoring/reports/screens.py shows them.

Access is decided by mentoring.access; every view a coordinator opens is
written to the audit log in the same transaction. Buttons carry what they open:
`rpt:o:<programme>` overview, `rpt:pv:<programme>:<province>` one province,
`rpt:i:<programme>:<page>` impact, `rpt:x:<programme>` export,
`rpt:g:<group>:<page>` a group's progress, `rpt:gi:<group>:<page>` its impact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import (
    AccessDenied,
    coordinated_programmes,
    is_mentor_of,
    may_coordinate,
    may_see_group_figures,
    mentored_groups,
    require,
)
from mentoring.button_data import Pressed
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.objections import screens as objection_screens
from mentoring.objections.rules import open_requests
from mentoring.reports.buttons import REPORTS
from mentoring.reports.exports import Export, export_programme
from mentoring.reports.impact import impact_report
from mentoring.reports.overview import programme_overview
from mentoring.reports.rules import due_stage, group_progress
from mentoring.reports.texts import (
    render_group_summary,
    render_impact,
    render_overview,
    render_progress,
)
from mentoring.screens import SHORT_LABEL_MAX, Choice, Lines, Raw, Text, Words
from storage.models import Group, Programme

REPORT_ACTION = "programme.report"
PREFIX = REPORTS.prefix


@dataclass(frozen=True)
class ReportPage:
    """One page of a report: its words (paged in the reader's language) and its buttons."""

    text: Words
    buttons: list[list[Choice]]


def _back(label: Words) -> Words:
    return Lines(Raw("‹"), label, sep=" ")


def named(data: str, name: str) -> Choice:
    """A button labelled with a name (a programme, a group, a province), cut for small buttons."""
    return Choice(data, Raw(name), short=Raw(name[:SHORT_LABEL_MAX]) if len(name) > SHORT_LABEL_MAX else None)


def _pager(action: str, ids: dict[str, int], page: int, pages: int) -> list[Choice]:
    row = []
    if page > 0:
        row.append(Choice(REPORTS.encode(action, page=page - 1, **ids), _back(Text("Previous"))))
    if page < pages - 1:
        row.append(Choice(REPORTS.encode(action, page=page + 1, **ids), Lines(Text("Next"), Raw("›"), sep=" ")))
    return row


def _whole_programme(programme_id: int) -> Choice:
    return Choice(REPORTS.encode("o", programme=programme_id), _back(Text("The whole programme")),
                  short=_back(Text("Programme")))


def _page_of(pages: list[str], page: int) -> tuple[str, int]:
    page = min(max(page, 0), len(pages) - 1)
    return pages[page], page


async def open_report(session: AsyncSession, member: MemberView, tr: Translator, now: datetime) -> ReportPage:
    """/report: a coordinator's programme at a glance; a mentor's group progress (or the choice of group)."""
    programmes = coordinated_programmes(member)
    groups = mentored_groups(member)
    if programmes:
        page = await overview(session, member, tr, programmes[0], now)
        others = await _names(session, Programme, programmes[1:])
        extra = [[named(REPORTS.encode("o", programme=pid), name)] for pid, name in others]
        extra += [[named(REPORTS.encode("g", group=gid, page=0), name)]
                  for gid, name in await _names(session, Group, groups)]
        return ReportPage(page.text, page.buttons + extra)
    if len(groups) == 1:
        return await progress(session, member, tr, groups[0], 0, now)
    if groups:
        choices = [[named(REPORTS.encode("g", group=gid, page=0), name)]
                   for gid, name in await _names(session, Group, groups)]
        return ReportPage(Text("Which group's progress report?"), choices)
    raise AccessDenied("report")


async def _names(session: AsyncSession, model: type[Group | Programme], ids: list[int]) -> list[tuple[int, str]]:
    if not ids:
        return []
    return [tuple(row) for row in await session.execute(  # type: ignore[misc]
        select(model.id, model.name).where(model.id.in_(ids)).order_by(model.name))]


async def overview(session: AsyncSession, member: MemberView, tr: Translator, programme_id: int,
                   now: datetime, province_id: int | None = None) -> ReportPage:
    require(may_coordinate(member, programme_id), "report")
    figures = await programme_overview(session, programme_id, now)
    require(figures is not None, "report")
    assert figures is not None
    await audit.record(session, member.person_id, REPORT_ACTION, details={
        "programme": programme_id, "view": "overview" if province_id is None else "province",
        "province": province_id}, now=now)
    buttons: list[list[Choice]] = []
    if province_id is None and len(figures.provinces) > 1:
        row: list[Choice] = []
        for prov in figures.provinces:
            data = REPORTS.encode("pv", programme=programme_id, province=prov.province_id)
            row.append(named(data, prov.name) if prov.name else Choice(data, Text("No province")))
            if len(row) == 2:
                buttons.append(row)
                row = []
        if row:
            buttons.append(row)
    elif province_id is not None:
        buttons.append([_whole_programme(programme_id)])
    text = render_overview(tr, figures, province_id)
    # Requests about personal data (mentoring.objections), until answered: the whole programme's page only.
    requests = await open_requests(session, programme_id) if province_id is None else []
    buttons += objection_screens.answer_rows(requests)
    buttons.append([Choice(REPORTS.encode("i", programme=programme_id, page=0), Text("Impact report")),
                    Choice(REPORTS.encode("x", programme=programme_id), Text("Export CSV"), short=Text("Export"))])
    today = now.astimezone(ZoneInfo(member.timezone)).date()
    return ReportPage(Lines(Raw(text), *objection_screens.open_lines(requests, today)), buttons)


async def programme_impact(session: AsyncSession, member: MemberView, tr: Translator, programme_id: int,
                           page: int, now: datetime) -> ReportPage:
    require(may_coordinate(member, programme_id), "report")
    programme = await session.get(Programme, programme_id)
    require(programme is not None, "report")
    assert programme is not None
    report = await impact_report(session, programme_id)
    await audit.record(session, member.person_id, REPORT_ACTION,
                       details={"programme": programme_id, "view": "impact"}, now=now)
    pages = render_impact(tr, report, programme.name)
    text, page = _page_of(pages, page)
    return ReportPage(Raw(text), [_pager("i", {"programme": programme_id}, page, len(pages)),
                                  [_whole_programme(programme_id)]])


async def _group(session: AsyncSession, member: MemberView, group_id: int) -> Group:
    group = await session.get(Group, group_id)
    require(group is not None and may_see_group_figures(member, group_id, group.programme_id), "report")
    assert group is not None
    return group


async def progress(session: AsyncSession, member: MemberView, tr: Translator, group_id: int, page: int,
                   now: datetime) -> ReportPage:
    group = await _group(session, member, group_id)
    report = await group_progress(session, group_id, now)
    programme = await session.get(Programme, group.programme_id)
    assert report is not None and programme is not None
    if may_coordinate(member, group.programme_id):
        await audit.record(session, member.person_id, REPORT_ACTION,
                           details={"programme": programme.id, "view": "progress", "group": group_id}, now=now)
    # The group's mentors know its people and read each mentee's figures; a coordinator reads
    # the group summed up, with no figure drawn from fewer than 3 people (mentoring.reports.cells).
    render = render_progress if is_mentor_of(member, group_id) else render_group_summary
    pages = render(tr, report, due_stage(programme, now))
    text, page = _page_of(pages, page)
    return ReportPage(Raw(text), [_pager("g", {"group": group_id}, page, len(pages)),
                                  [Choice(REPORTS.encode("gi", group=group_id, page=0), Text("Impact report"))]])


async def group_impact(session: AsyncSession, member: MemberView, tr: Translator, group_id: int, page: int,
                       now: datetime) -> ReportPage:
    group = await _group(session, member, group_id)
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    report = await impact_report(session, group.programme_id, [group_id])
    if may_coordinate(member, group.programme_id):
        await audit.record(session, member.person_id, REPORT_ACTION,
                           details={"programme": programme.id, "view": "impact", "group": group_id}, now=now)
    pages = render_impact(tr, report, programme.name, suppress=not is_mentor_of(member, group_id))
    text, page = _page_of(pages, page)
    return ReportPage(Raw(text), [_pager("gi", {"group": group_id}, page, len(pages)),
                                  [Choice(REPORTS.encode("g", group=group_id, page=0), _back(Text("Progress report")))]])


async def pressed(session: AsyncSession, member: MemberView, tr: Translator, button: Pressed,
                  now: datetime) -> ReportPage:
    """The page a report button (decoded by REPORTS) opens; foreign ones are refused (AccessDenied)."""
    if button.prefix != PREFIX or button.action == "x":
        raise AccessDenied("report")
    match button.action:
        case "o":
            return await overview(session, member, tr, button["programme"], now)
        case "pv":
            return await overview(session, member, tr, button["programme"], now, button["province"])
        case "i":
            return await programme_impact(session, member, tr, button["programme"], button["page"], now)
        case "g":
            return await progress(session, member, tr, button["group"], button["page"], now)
        case _:  # "gi"
            return await group_impact(session, member, tr, button["group"], button["page"], now)


def export_target(member: MemberView, programme_id: int | None) -> int:
    """The programme an export is for: the button's, or the member's only programme; refused otherwise."""
    if programme_id is None:
        programmes = coordinated_programmes(member)
        require(bool(programmes), "export")
        programme_id = programmes[0]
    require(may_coordinate(member, programme_id), "export")
    return programme_id


async def export(session: AsyncSession, member: MemberView, programme_id: int | None,
                 now: datetime) -> tuple[str, Export]:
    """/export (None: the member's only programme) or its button: the programme's CSV files
    (audited), for its coordinators only."""
    programme_id = export_target(member, programme_id)
    programme = await session.get(Programme, programme_id)
    require(programme is not None, "export")
    assert programme is not None
    return programme.name, await export_programme(session, programme_id, member.person_id, now)
