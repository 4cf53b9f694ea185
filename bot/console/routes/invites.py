"""Open invites: who has not joined yet, and withdrawing an invite or all of a group's (issue #16).

The page and the forms are for the programme's coordinators (mentoring/console/invites.py
decides, reads and audits). Withdrawing is a form POST (CSRF first); the browser then goes
back to the list, which says how many were withdrawn.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.routing import BaseRoute, Route

from bot.console.kit import Kit, Redirect, Shown, Visit
from mentoring.access import AccessDenied
from mentoring.console import invites


def _number(form: FormData, name: str) -> int:
    value = form.get(name)
    if not isinstance(value, str) or not value.isdigit():
        raise AccessDenied(invites.REFUSED)  # not a form the console made
    return int(value)


def _back(programme_id: int, withdrawn: int, page: int = 1) -> Redirect:
    return Redirect(f"/programmes/{programme_id}/invites/open?page={page}&withdrawn={withdrawn}")


def routes(kit: Kit) -> list[BaseRoute]:
    async def open_page(visit: Visit) -> Shown:
        found = await invites.open_invites(visit.session, visit.person, visit.path_int("programme_id"),
                                           visit.now, visit.query_int("page") or 1)
        return Shown("invites_open.html", {"open": found, "zone": visit.person.timezone,
                                           "withdrawn": visit.query_int("withdrawn")})

    async def revoke(visit: Visit, form: FormData) -> Redirect:
        programme_id = visit.path_int("programme_id")
        withdrawn = await invites.revoke(visit.session, visit.person, programme_id, visit.path_int("invite_id"),
                                         visit.now)
        page = form.get("page")
        return _back(programme_id, withdrawn, int(page) if isinstance(page, str) and page.isdigit() else 1)

    async def revoke_group(visit: Visit, form: FormData) -> Redirect:
        programme_id = visit.path_int("programme_id")
        withdrawn = await invites.revoke_group(visit.session, visit.person, programme_id, _number(form, "group"),
                                               visit.now)
        return _back(programme_id, withdrawn)

    return [
        Route("/programmes/{programme_id:int}/invites/open", kit.page(open_page), methods=["GET"]),
        Route("/programmes/{programme_id:int}/invites/{invite_id:int}/revoke", kit.action(revoke),
              methods=["POST"]),
        Route("/programmes/{programme_id:int}/invites/revoke-group", kit.action(revoke_group), methods=["POST"]),
    ]
