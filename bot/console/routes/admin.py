"""Creating and editing programmes and groups, and moving people between groups (issue #16).

The rules and what changes are mentoring/console/admin.py, rhythm.py and moves.py; here only
the forms: a form with problems is shown again with each problem by its field (status 400:
the transaction rolls back, nothing is written); a change redirects to what it changed.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.routing import BaseRoute, Route

from bot.console.kit import Kit, Redirect, Shown, Visit
from mentoring.console import admin, moves, rhythm
from mentoring.console.admin import FormProblems
from mentoring.rhythm import SETTINGS

MOVE_FIELDS = ("person", "to", "find")


def routes(kit: Kit) -> list[BaseRoute]:
    # Programmes -----------------------------------------------------------------------------

    async def new_programme(visit: Visit) -> Shown:
        return Shown("admin_programme.html", {"form": admin.new_programme_form(visit.person)})

    async def create_programme(visit: Visit, form: FormData) -> Shown | Redirect:
        values = admin.typed(form, *admin.PROGRAMME_FIELDS)
        try:
            programme = await admin.add_programme(visit.session, visit.person, values, visit.now)
        except FormProblems as problems:
            return Shown("admin_programme.html", {
                "form": admin.ProgrammeForm(None, problems.values, problems.problems)}, status=400)
        return Redirect(f"/programmes/{programme.id}")

    async def edit_programme(visit: Visit) -> Shown:
        return Shown("admin_programme.html", {"form": await admin.programme_form(
            visit.session, visit.person, visit.path_int("programme_id"))})

    async def change_programme(visit: Visit, form: FormData) -> Shown | Redirect:
        programme_id = visit.path_int("programme_id")
        values = admin.typed(form, *admin.PROGRAMME_FIELDS)
        try:
            await admin.change_programme(visit.session, visit.person, programme_id, values, visit.now)
        except FormProblems as problems:
            return Shown("admin_programme.html", {
                "form": admin.ProgrammeForm(programme_id, problems.values, problems.problems)}, status=400)
        return Redirect(f"/programmes/{programme_id}")

    # Groups ---------------------------------------------------------------------------------

    async def new_group(visit: Visit) -> Shown:
        return Shown("admin_group.html", {"form": await admin.new_group_form(
            visit.session, visit.person, visit.path_int("programme_id"))})

    async def create_group(visit: Visit, form: FormData) -> Shown | Redirect:
        programme_id = visit.path_int("programme_id")
        values = admin.typed(form, *admin.GROUP_FIELDS)
        try:
            group = await admin.add_group(visit.session, visit.person, programme_id, values, visit.now)
        except FormProblems as problems:
            blank = await admin.new_group_form(visit.session, visit.person, programme_id)
            return Shown("admin_group.html", {"form": blank.with_problems(problems.problems, problems.values)},
                         status=400)
        return Redirect(f"/groups/{group.id}")

    async def edit_group(visit: Visit) -> Shown:
        return Shown("admin_group.html", {"form": await admin.group_form(
            visit.session, visit.person, visit.path_int("group_id"))})

    async def change_group(visit: Visit, form: FormData) -> Shown | Redirect:
        group_id = visit.path_int("group_id")
        values = admin.typed(form, *admin.GROUP_FIELDS)
        try:
            await admin.change_group(visit.session, visit.person, group_id, values, visit.now)
        except FormProblems as problems:
            shown = await admin.group_form(visit.session, visit.person, group_id)
            return Shown("admin_group.html", {"form": shown.with_problems(problems.problems, problems.values)},
                         status=400)
        return Redirect(f"/groups/{group_id}")

    # A group's rhythm -----------------------------------------------------------------------

    async def group_rhythm(visit: Visit) -> Shown:
        return Shown("admin_rhythm.html", {
            "form": await rhythm.rhythm_form(visit.session, visit.person, visit.path_int("group_id")),
            "saved": visit.request.query_params.get("saved") == "1"})

    async def change_rhythm(visit: Visit, form: FormData) -> Shown | Redirect:
        group_id = visit.path_int("group_id")
        try:
            await rhythm.change_group_rhythm(visit.session, visit.person, group_id,
                                             admin.typed(form, *SETTINGS), visit.now)
        except rhythm.RhythmProblems as problems:
            return Shown("admin_rhythm.html", {"form": problems.form, "saved": False}, status=400)
        return Redirect(f"/groups/{group_id}/rhythm?saved=1")

    # Moving people --------------------------------------------------------------------------

    async def move_form(visit: Visit) -> Shown:
        values = admin.typed(visit.request.query_params, *MOVE_FIELDS)
        return Shown("admin_move.html", {"move": await moves.move_page(
            visit.session, visit.person, visit.path_int("group_id"), values, visit.now)})

    async def move(visit: Visit, form: FormData) -> Shown | Redirect:
        group_id = visit.path_int("group_id")
        values = admin.typed(form, *MOVE_FIELDS)
        try:
            target = await moves.move(visit.session, visit.person, group_id, values, visit.now)
        except FormProblems as problems:
            return Shown("admin_move.html", {"move": await moves.move_page(
                visit.session, visit.person, group_id, values, visit.now, problems.problems)}, status=400)
        return Redirect(f"/groups/{target}")

    return [
        Route("/programmes/new", kit.page(new_programme), methods=["GET"]),
        Route("/programmes/new", kit.action(create_programme), methods=["POST"]),
        Route("/programmes/{programme_id:int}/edit", kit.page(edit_programme), methods=["GET"]),
        Route("/programmes/{programme_id:int}/edit", kit.action(change_programme), methods=["POST"]),
        Route("/programmes/{programme_id:int}/groups/new", kit.page(new_group), methods=["GET"]),
        Route("/programmes/{programme_id:int}/groups/new", kit.action(create_group), methods=["POST"]),
        Route("/groups/{group_id:int}/edit", kit.page(edit_group), methods=["GET"]),
        Route("/groups/{group_id:int}/edit", kit.action(change_group), methods=["POST"]),
        Route("/groups/{group_id:int}/rhythm", kit.page(group_rhythm), methods=["GET"]),
        Route("/groups/{group_id:int}/rhythm", kit.action(change_rhythm), methods=["POST"]),
        Route("/groups/{group_id:int}/move", kit.page(move_form), methods=["GET"]),
        Route("/groups/{group_id:int}/move", kit.action(move), methods=["POST"]),
    ]
