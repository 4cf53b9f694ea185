"""The participation dashboard of a programme (a province, a group) and of a mentor's group."""

from __future__ import annotations

from markupsafe import Markup
from starlette.routing import BaseRoute, Route

from bot.console.chart import participation_svg
from bot.console.kit import Kit, Shown, Visit
from mentoring import offload
from mentoring.console import dashboard
from mentoring.i18n import translator


async def chart_of(board: dashboard.Dashboard, locale: str) -> Markup:
    """The dashboard's chart as inline SVG, drawn off the event loop."""
    tr = translator(locale)
    legend = {measure: tr.gettext(words) for measure, words in dashboard.MEASURE_WORDS.items()}
    title = tr.gettext("Participation per programme week: {place}").format(
        place=board.group_name or board.programme_name)
    svg = await offload.run(participation_svg, board.rows, title=title, legend=legend,
                            week_word=tr.gettext("Week {week}"))
    return Markup(svg)  # our SVG: every text in it is escaped


def routes(kit: Kit) -> list[BaseRoute]:
    async def programme_dashboard(visit: Visit) -> Shown:
        board = await dashboard.programme_dashboard(
            visit.session, visit.person, visit.path_int("programme_id"), visit.now,
            province_id=visit.query_int("province"), group_id=visit.query_int("group"))
        return Shown("dashboard.html", {"board": board, "chart": await chart_of(board, visit.person.locale)})

    async def group_dashboard(visit: Visit) -> Shown:
        board = await dashboard.group_dashboard(visit.session, visit.person, visit.path_int("group_id"), visit.now)
        return Shown("dashboard.html", {"board": board, "chart": await chart_of(board, visit.person.locale)})

    return [
        Route("/programmes/{programme_id:int}/dashboard", kit.page(programme_dashboard), methods=["GET"]),
        Route("/groups/{group_id:int}/dashboard", kit.page(group_dashboard), methods=["GET"]),
    ]
