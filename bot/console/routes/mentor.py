"""A mentor's group: the week's digest, the agenda (deciding proposals), sessions and RSVPs (issue #16).

What each page shows and who may see it is decided in mentoring/console/mentor*.py; the group's
mentors only (a coordinator is refused with words saying why, anyone else with the console's refusal).
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.routing import BaseRoute, Route

from bot.console.kit import Kit, Redirect, Shown, Visit
from mentoring.console import mentor, mentor_agenda, mentor_sessions
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.refusals import describe_error

# What a mentor's decision may run into: shown in the agenda page (nothing written), not a refusal.
DECISION_PROBLEMS = {"proposal_decided": 409, "empty_topic": 400, "topic_too_long": 400}


def routes(kit: Kit) -> list[BaseRoute]:
    async def digest(visit: Visit) -> Shown:
        page = await mentor.digest_page(visit.session, visit.person, visit.path_int("group_id"), visit.now,
                                        visit.query_int("week"), visit.person.locale)
        return Shown("mentor_digest.html", {"page": page, "zone": visit.person.timezone,
                                            "checkin_words": mentor.CHECKIN_WORDS})

    async def agenda_shown(visit: Visit, problem: str | None = None, status: int = 200) -> Shown:
        page = await mentor_agenda.agenda_page(visit.session, visit.person, visit.path_int("group_id"), visit.now)
        return Shown("mentor_agenda.html", {"page": page, "zone": visit.person.timezone, "problem": problem,
                                            "title_max": mentor_agenda.TITLE_MAX}, status)

    async def agenda(visit: Visit) -> Shown:
        return await agenda_shown(visit)

    def deciding(accepted: bool):  # type: ignore[no-untyped-def]
        async def handle(visit: Visit, form: FormData) -> Shown | Redirect:
            group_id = visit.path_int("group_id")
            title = (str(form.get("title") or "").strip() or None) if accepted else None
            try:
                await mentor_agenda.decide(visit.session, visit.person, group_id, visit.path_int("proposal_id"),
                                           accepted, title, visit.now)
            except DomainError as error:
                if error.code not in DECISION_PROBLEMS:
                    raise
                # A status of 400 or more rolls the transaction back: nothing of the attempt is kept.
                return await agenda_shown(visit, describe_error(translator(visit.person.locale), error),
                                          DECISION_PROBLEMS[error.code])
            return Redirect(f"/groups/{group_id}/agenda")

        return handle

    async def sessions(visit: Visit) -> Shown:
        page = await mentor_sessions.sessions_page(visit.session, visit.person, visit.path_int("group_id"),
                                                   visit.now)
        return Shown("mentor_sessions.html", {"page": page, "zone": visit.person.timezone, "now": visit.now})

    proposal = "/groups/{group_id:int}/agenda/proposals/{proposal_id:int}"
    return [
        Route("/groups/{group_id:int}/digest", kit.page(digest), methods=["GET"]),
        Route("/groups/{group_id:int}/agenda", kit.page(agenda), methods=["GET"]),
        Route(proposal + "/accept", kit.action(deciding(True)), methods=["POST"]),
        Route(proposal + "/decline", kit.action(deciding(False)), methods=["POST"]),
        Route("/groups/{group_id:int}/sessions", kit.page(sessions), methods=["GET"]),
    ]
