"""Broadcasts: compose, audience and its size, send or schedule, the live delivery report, cancel (issue #16).

What each page shows and who may see or change it is `mentoring.broadcasts.console`; the draft,
confirm and cancel are the chat's own rules (`mentoring.broadcasts.rules`). The report's numbers
are a fragment the page asks for again every few seconds (htmx) while anything waits.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.console.kit import Kit, Redirect, Shown, Visit
from mentoring.broadcasts import console
from mentoring.broadcasts.console import Typed


def typed_of(form: FormData) -> Typed:
    def one(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    return Typed(text=one("text"), scope=one("scope"), province=one("province"),
                 groups=tuple(value for value in form.getlist("groups") if isinstance(value, str)),
                 role=one("role"), send_at=one("send_at"), draft=one("draft"))


def routes(kit: Kit) -> list[BaseRoute]:
    words = {"status_words": console.STATUS_WORDS}

    async def listing(visit: Visit) -> Shown:
        found = await console.listing(visit.session, visit.person, visit.path_int("programme_id"), visit.now)
        return Shown("broadcasts.html", {"listing": found, "zone": visit.person.timezone, **words})

    async def compose_form(visit: Visit) -> Shown:
        form = await console.compose_form(visit.session, visit.person, visit.path_int("programme_id"), visit.now,
                                          visit.query_int("draft"))
        return Shown("broadcast_compose.html", {"form": form})

    async def compose(visit: Visit, form: FormData) -> Shown | Redirect:
        done = await console.compose(visit.session, visit.person, visit.path_int("programme_id"), typed_of(form),
                                     visit.now)
        if isinstance(done, console.Form):
            return Shown("broadcast_compose.html", {"form": done}, status=400)
        return Redirect(f"/broadcasts/{done.broadcast_id}")

    async def broadcast(visit: Visit) -> Shown | Redirect:
        """A draft's preview (its author's), or the delivery report of one confirmed."""
        broadcast_id = visit.path_int("broadcast_id")
        if await console.is_draft(visit.session, visit.person, broadcast_id):
            preview = await console.preview(visit.session, visit.person, broadcast_id)
            if preview is None:
                return Redirect(f"/programmes/{await console.programme_of(visit.session, broadcast_id)}"
                                f"/broadcasts/new?draft={broadcast_id}")
            return Shown("broadcast_preview.html", {"preview": preview, "send_time": console.send_time_words})
        report = await console.report(visit.session, visit.person, broadcast_id, visit.now, page=True)
        return Shown("broadcast.html", {"report": report, "zone": visit.person.timezone,
                                        "send_time": console.send_time_words, **words})

    async def shown_or_moved(request: Request) -> Response:
        return await kit.run(request, broadcast)

    async def fragment(visit: Visit) -> Shown:
        report = await console.report(visit.session, visit.person, visit.path_int("broadcast_id"), visit.now,
                                      page=False)
        return Shown("broadcast_report.html", {"report": report, "fragment": True, **words})

    async def confirm(visit: Visit, _form: FormData) -> Redirect:
        broadcast_id = visit.path_int("broadcast_id")
        await console.confirm(visit.session, visit.person, broadcast_id, visit.now)
        return Redirect(f"/broadcasts/{broadcast_id}")

    async def discard(visit: Visit, _form: FormData) -> Redirect:
        programme_id = await console.discard(visit.session, visit.person, visit.path_int("broadcast_id"), visit.now)
        return Redirect(f"/programmes/{programme_id}/broadcasts")

    async def cancel(visit: Visit, _form: FormData) -> Redirect:
        broadcast_id = visit.path_int("broadcast_id")
        await console.cancel(visit.session, visit.person, broadcast_id, visit.now)
        return Redirect(f"/broadcasts/{broadcast_id}")

    return [
        Route("/programmes/{programme_id:int}/broadcasts", kit.page(listing), methods=["GET"]),
        Route("/programmes/{programme_id:int}/broadcasts/new", kit.page(compose_form), methods=["GET"]),
        Route("/programmes/{programme_id:int}/broadcasts/new", kit.action(compose), methods=["POST"]),
        Route("/broadcasts/{broadcast_id:int}", shown_or_moved, methods=["GET"]),
        Route("/broadcasts/{broadcast_id:int}/report", kit.page(fragment), methods=["GET"]),
        Route("/broadcasts/{broadcast_id:int}/confirm", kit.action(confirm), methods=["POST"]),
        Route("/broadcasts/{broadcast_id:int}/discard", kit.action(discard), methods=["POST"]),
        Route("/broadcasts/{broadcast_id:int}/cancel", kit.action(cancel), methods=["POST"]),
    ]
