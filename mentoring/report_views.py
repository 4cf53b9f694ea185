"""Which report a member may open, as pages with buttons (what /report and its buttons show).

Access is decided by mentoring.access; every view a coordinator opens is
written to the audit log in the same transaction. Buttons carry what they open:
`rpt:o:<programme>` overview, `rpt:pv:<programme>:<province>` one province,
`rpt:i:<programme>:<page>` impact, `rpt:x:<programme>` export,
`rpt:g:<group>:<page>` a group's progress, `rpt:gi:<group>:<page>` its impact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import (
    AccessDenied,
    coordinated_programmes,
    may_coordinate,
    may_see_group_figures,
    mentored_groups,
    require,
)
from mentoring.exports import Export, export_programme
from mentoring.i18n import Translator
from mentoring.impact import impact_report
from mentoring.joining import MemberView
from mentoring.outbox import Button
from mentoring.report_texts import no_province, render_impact, render_overview, render_progress
from mentoring.reports import due_stage, group_progress
from mentoring.reports_overview import programme_overview
from storage.models import Group, Programme

REPORT_ACTION = "programme.report"
PREFIX = "rpt"


@dataclass(frozen=True)
class ReportPage:
    text: str
    buttons: list[list[Button]]


def _pager(tr: Translator, base: str, page: int, pages: int) -> list[Button]:
    row = []
    if page > 0:
        row.append(Button("‹ " + tr.gettext("Previous"), f"{base}:{page - 1}"))
    if page < pages - 1:
        row.append(Button(tr.gettext("Next") + " ›", f"{base}:{page + 1}"))
    return row


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
        extra = [[Button(name, f"{PREFIX}:o:{pid}")] for pid, name in others]
        extra += [[Button(name, f"{PREFIX}:g:{gid}:0")] for gid, name in await _names(session, Group, groups)]
        return ReportPage(page.text, page.buttons + extra)
    if len(groups) == 1:
        return await progress(session, member, tr, groups[0], 0, now)
    if groups:
        choices = [[Button(name, f"{PREFIX}:g:{gid}:0")] for gid, name in await _names(session, Group, groups)]
        return ReportPage(tr.gettext("Which group's progress report?"), choices)
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
    base = f"{PREFIX}:o:{programme_id}"
    buttons: list[list[Button]] = []
    if province_id is None and len(figures.provinces) > 1:
        row: list[Button] = []
        for prov in figures.provinces:
            row.append(Button(prov.name or no_province(tr), f"{PREFIX}:pv:{programme_id}:{prov.province_id}"))
            if len(row) == 2:
                buttons.append(row)
                row = []
        if row:
            buttons.append(row)
    elif province_id is not None:
        buttons.append([Button("‹ " + tr.gettext("The whole programme"), base)])
    text = render_overview(tr, figures, province_id)
    buttons.append([Button(tr.gettext("Impact report"), f"{PREFIX}:i:{programme_id}:0"),
                    Button(tr.gettext("Export CSV"), f"{PREFIX}:x:{programme_id}")])
    return ReportPage(text, buttons)


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
    return ReportPage(text, [_pager(tr, f"{PREFIX}:i:{programme_id}", page, len(pages)),
                             [Button("‹ " + tr.gettext("The whole programme"), f"{PREFIX}:o:{programme_id}")]])


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
    pages = render_progress(tr, report, due_stage(programme, now))
    text, page = _page_of(pages, page)
    return ReportPage(text, [_pager(tr, f"{PREFIX}:g:{group_id}", page, len(pages)),
                             [Button(tr.gettext("Impact report"), f"{PREFIX}:gi:{group_id}:0")]])


async def group_impact(session: AsyncSession, member: MemberView, tr: Translator, group_id: int, page: int,
                       now: datetime) -> ReportPage:
    group = await _group(session, member, group_id)
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    report = await impact_report(session, group.programme_id, [group_id])
    if may_coordinate(member, group.programme_id):
        await audit.record(session, member.person_id, REPORT_ACTION,
                           details={"programme": programme.id, "view": "impact", "group": group_id}, now=now)
    pages = render_impact(tr, report, programme.name)
    text, page = _page_of(pages, page)
    return ReportPage(text, [_pager(tr, f"{PREFIX}:gi:{group_id}", page, len(pages)),
                             [Button("‹ " + tr.gettext("Progress report"), f"{PREFIX}:g:{group_id}:0")]])


async def pressed(session: AsyncSession, member: MemberView, tr: Translator, data: str, now: datetime) -> ReportPage:
    """The page a report button opens; forged or foreign data is refused (AccessDenied) and changes nothing."""
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != PREFIX or not all(p.isdigit() and len(p) <= 12 for p in parts[2:]):
        raise AccessDenied("report")
    kind, ids = parts[1], [int(p) for p in parts[2:]]
    views = {
        ("o", 1): lambda: overview(session, member, tr, ids[0], now),
        ("pv", 2): lambda: overview(session, member, tr, ids[0], now, ids[1]),
        ("i", 2): lambda: programme_impact(session, member, tr, ids[0], ids[1], now),
        ("g", 2): lambda: progress(session, member, tr, ids[0], ids[1], now),
        ("gi", 2): lambda: group_impact(session, member, tr, ids[0], ids[1], now),
    }
    view = views.get((kind, len(ids)))
    if view is None:
        raise AccessDenied("report")
    return await view()


def export_target(member: MemberView, data: str | None) -> int:
    """The programme an export is for: the button's, or the member's only programme; refused otherwise."""
    if data is not None:
        parts = data.split(":")
        if len(parts) != 3 or parts[:2] != [PREFIX, "x"] or not parts[2].isdigit() or len(parts[2]) > 12:
            raise AccessDenied("export")
        programme_id = int(parts[2])
    else:
        programmes = coordinated_programmes(member)
        require(bool(programmes), "export")
        programme_id = programmes[0]
    require(may_coordinate(member, programme_id), "export")
    return programme_id


async def export(session: AsyncSession, member: MemberView, data: str | None, now: datetime) -> tuple[str, Export]:
    """/export or its button: the programme's CSV files (audited), for its coordinators only."""
    programme_id = export_target(member, data)
    programme = await session.get(Programme, programme_id)
    require(programme is not None, "export")
    assert programme is not None
    return programme.name, await export_programme(session, programme_id, member.person_id, now)
