"""The progress and impact reports as pages, and streamed CSV and .xlsx exports (issue #16).

What each page shows and who may open it is mentoring/console/reports.py; the charts are
drawn off the event loop (bot/console/report_charts.py, mentoring/offload.py). An export is
checked and audited in one transaction (kit.run), then streamed: its rows are read in slices
in short transactions of their own and encoded in worker threads (mentoring/reports/stream.py).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from markupsafe import Markup
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from bot.console.kit import Kit, Shown, Visit
from bot.console.pages import HEADERS
from bot.console.report_charts import Bar, Pair, impact_svg, shares_svg
from mentoring import offload
from mentoring.console import reports
from mentoring.i18n import Translator, translator
from mentoring.reports import stream
from mentoring.reports.texts import STAGE_TITLES


async def overview_chart(page: reports.OverviewPage, tr: Translator) -> Markup:
    """The weeks' reflections submitted per mentee, as bars."""
    week_word = tr.gettext("Week {week}")
    bars = [Bar(str(week), week_word.format(week=week), cell.share, cell.hidden,
                f"{cell.done}/{cell.of}") for week, cell in page.shown.weeks]
    title = tr.gettext("Reflections submitted per mentee, by programme week: {place}").format(
        place=page.shown.name or page.programme_name)
    return Markup(await offload.run(shares_svg, bars, title=title, element_id="weeks-chart"))


async def impact_charts(page: reports.ImpactPage, tr: Translator) -> list[Markup]:
    """Per section: the areas' baseline and end means, and the participation shares."""
    legend = (tr.gettext("Baseline"), tr.gettext("End"))
    charts = []
    for index, section in enumerate(page.sections):
        pairs = [Pair(row.key, row.title, row.baseline_value, row.end_value, row.hidden, row.baseline, row.end)
                 for row in section.areas]
        svg = await offload.run(impact_svg, pairs, legend=legend, element_id=f"impact-{index}",
                                title=tr.gettext("Self-assessment, baseline and end (1-5): {place}").format(
                                    place=section.name))
        bars = [Bar(key, tr.gettext(reports.PARTICIPATION_WORDS[key]), share.share, share.hidden,
                    f"{share.done}/{share.of}") for key, share, _people in section.participation]
        if bars:
            svg += await offload.run(shares_svg, bars, element_id=f"taking-{index}",
                                     title=tr.gettext("Goal attainment and participation: {place}").format(
                                         place=section.name))
        charts.append(Markup(svg))  # our SVG: every text in it is escaped
    return charts


def routes(kit: Kit) -> list[BaseRoute]:
    async def overview(visit: Visit) -> Shown:
        page = await reports.overview(visit.session, visit.person, visit.path_int("programme_id"), visit.now,
                                      visit.query_int("province"))
        return Shown("reports.html", {"report": page,
                                      "chart": await overview_chart(page, translator(visit.person.locale))})

    async def programme_impact(visit: Visit) -> Shown:
        tr = translator(visit.person.locale)
        page = await reports.programme_impact(visit.session, visit.person, tr, visit.path_int("programme_id"),
                                              visit.query_int("page") or 0, visit.now)
        return Shown("report_impact.html", {"report": page, "charts": await impact_charts(page, tr),
                                            "participation_words": reports.PARTICIPATION_WORDS})

    async def group_impact(visit: Visit) -> Shown:
        tr = translator(visit.person.locale)
        page = await reports.group_impact(visit.session, visit.person, tr, visit.path_int("group_id"), visit.now)
        return Shown("report_impact.html", {"report": page, "charts": await impact_charts(page, tr),
                                            "participation_words": reports.PARTICIPATION_WORDS})

    async def progress(visit: Visit) -> Shown:
        tr = translator(visit.person.locale)
        page = await reports.progress(visit.session, visit.person, tr, visit.path_int("group_id"), visit.now)
        title = tr.gettext(STAGE_TITLES[page.stage]).format(group=page.group_name, week=page.week)
        return Shown("report_progress.html", {"report": page, "title": title})

    def day_of(visit: Visit) -> str:
        return visit.now.astimezone(ZoneInfo(visit.person.timezone)).date().isoformat()

    def download(download: reports.Download, body, media_type: str) -> StreamingResponse:  # type: ignore[no-untyped-def]
        headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{download.filename}"'}
        return StreamingResponse(body, media_type=media_type, headers=headers)

    async def export_csv(request) -> Response:  # type: ignore[no-untyped-def]
        async def work(visit: Visit) -> Response:
            found = await reports.start_export(visit.session, visit.person, visit.path_int("programme_id"),
                                               visit.request.path_params["file"], day_of(visit), visit.now)
            assert found.file is not None
            body = stream.csv_chunks(kit.services.sessions, found.programme_id, found.file, visit.now)
            return download(found, body, stream.CSV_TYPE)

        return await kit.run(request, work)

    async def export_xlsx(request) -> Response:  # type: ignore[no-untyped-def]
        async def work(visit: Visit) -> Response:
            found = await reports.start_export(visit.session, visit.person, visit.path_int("programme_id"), None,
                                               day_of(visit), visit.now)
            body = stream.xlsx_chunks(kit.services.sessions, found.programme_id, visit.now)
            return download(found, body, stream.XLSX_TYPE)

        return await kit.run(request, work)

    return [
        Route("/programmes/{programme_id:int}/reports", kit.page(overview), methods=["GET"]),
        Route("/programmes/{programme_id:int}/reports/impact", kit.page(programme_impact), methods=["GET"]),
        Route("/groups/{group_id:int}/progress", kit.page(progress), methods=["GET"]),
        Route("/groups/{group_id:int}/impact", kit.page(group_impact), methods=["GET"]),
        Route("/programmes/{programme_id:int}/export.xlsx", export_xlsx, methods=["GET"]),
        Route("/programmes/{programme_id:int}/export/{file}", export_csv, methods=["GET"]),
    ]
