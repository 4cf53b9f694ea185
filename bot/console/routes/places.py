"""Home, the programmes, a programme's groups and a group's page."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.console.kit import Kit, Shown, Visit
from mentoring.console import views


def routes(kit: Kit) -> list[BaseRoute]:
    async def home(visit: Visit) -> Shown:
        return Shown("home.html", {"home": views.home(visit.person)})

    async def programmes(visit: Visit) -> Shown:
        return Shown("programmes.html", {"home": views.home(visit.person)})

    async def programme(visit: Visit) -> Shown:
        return Shown("programme.html", {"programme": await views.programme(
            visit.session, visit.person, visit.path_int("programme_id"), visit.now,
            page=visit.query_int("page") or 1, province=visit.query_int("province"),
            find=visit.request.query_params.get("find", ""))})

    async def group(visit: Visit) -> Shown:
        return Shown("group.html", {"group": await views.group(
            visit.session, visit.person, visit.path_int("group_id"), visit.now), "zone": visit.person.timezone})

    return [
        Route("/home", kit.page(home), methods=["GET"]),
        Route("/programmes", kit.page(programmes), methods=["GET"]),
        Route("/programmes/{programme_id:int}", kit.page(programme), methods=["GET"]),
        Route("/groups/{group_id:int}", kit.page(group), methods=["GET"]),
    ]
