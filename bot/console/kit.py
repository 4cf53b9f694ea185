"""What every console route shares: the logged-in check, one transaction per request, refusals.

`Kit.page(build)` makes a logged-in GET page: the login is checked, `build` reads (and
audits) its view in one transaction and returns a template and its context. A refusal
(`DomainError`, e.g. `AccessDenied`) rolls the transaction back, so a refused request
writes nothing, and is answered 403 in the reader's language (mentoring/refusals.py).

`Kit.action(handle)` makes a logged-in form POST: the CSRF token is checked before the
database is touched, then `handle` runs in one transaction with the parsed form and
returns a `Redirect` (after a change: the browser then GETs the result) or a `Shown`
page (e.g. the form again with its problems, status 400). A `Shown` with a status of
400 or more rolls the transaction back too: a form with problems writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.console.config import ConsoleConfig
from bot.console.pages import HEADERS, Pages
from bot.console.security import CSRF_FIELD, SESSION_COOKIE, Keys
from mentoring.console import logins, views
from mentoring.console.logins import Login
from mentoring.errors import DomainError
from mentoring.i18n import normalize_locale, translator
from mentoring.joining.rules import MemberView
from mentoring.refusals import describe_error
from mentoring.runtime import Services

EXPIRED_FORM = "This form has expired. Open the link from the bot again."


class NotLoggedIn(Exception):
    """No session cookie, a bad one, or a login that has ended."""


@dataclass(frozen=True)
class Visit:
    """One logged-in request: its database session, the login, the person and the moment."""

    session: AsyncSession
    request: Request
    login: Login
    person: MemberView
    now: datetime

    def path_int(self, name: str) -> int:
        return int(self.request.path_params[name])

    def query_int(self, name: str) -> int | None:
        value = self.request.query_params.get(name, "")
        return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class Shown:
    """A page to show: a template, its context and a status (400+ rolls the transaction back)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200


@dataclass(frozen=True)
class Redirect:
    """Where the browser goes next (a path from the console's root, e.g. "/programmes/3")."""

    path: str


class _RollBack(Exception):
    def __init__(self, shown: Shown) -> None:
        self.shown = shown


PageBuild = Callable[[Visit], Awaitable[Shown | tuple[str, dict[str, Any]]]]
ActionHandle = Callable[[Visit, FormData], Awaitable[Shown | Redirect]]


@dataclass
class Kit:
    services: Services
    config: ConsoleConfig
    pages: Pages
    keys: Keys

    def visitor_locale(self, request: Request) -> str:
        accepted = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip()
        return normalize_locale(accepted or None, self.services.default_locale)

    def refused(self, request: Request, locale: str, status: int, message: str) -> HTMLResponse:
        return self.pages.render(request, locale, "refused.html", status, message=message, person=None)

    def expired(self, request: Request, locale: str) -> HTMLResponse:
        return self.refused(request, locale, 403, translator(locale).gettext(EXPIRED_FORM))

    def logged_out(self, request: Request, locale: str) -> HTMLResponse:
        return self.pages.render(request, locale, "logged_out.html", 401, person=None)

    def login_of(self, request: Request) -> Login | None:
        return self.keys.login_of(request.cookies.get(SESSION_COOKIE))

    async def logged_in(self, session: AsyncSession, request: Request, now: datetime) -> tuple[Login, MemberView]:
        login = self.login_of(request)
        if login is None or not await logins.active(session, login.id, login.person_id, now):
            raise NotLoggedIn
        person = await views.member(session, login.person_id)
        if person is None:
            raise DomainError("access_denied", action=views.REFUSED)
        return login, person

    def show(self, visit: Visit, shown: Shown) -> HTMLResponse:
        return self.pages.render(visit.request, visit.person.locale, shown.template, shown.status,
                                 person=visit.person, csrf=self.keys.csrf_for(visit.login), **shown.context)

    def redirect(self, request: Request, path: str) -> RedirectResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return RedirectResponse(root + path, status_code=303, headers=HEADERS)

    async def run(self, request: Request, work: Callable[[Visit], Awaitable[Response | Shown | Redirect]]
                   ) -> Response:
        locale = self.visitor_locale(request)
        visit: Visit | None = None
        try:
            async with self.services.sessions.begin() as session:
                now = self.services.clock.now()
                login, person = await self.logged_in(session, request, now)
                locale = person.locale
                visit = Visit(session, request, login, person, now)
                outcome = await work(visit)
                if isinstance(outcome, Shown) and outcome.status >= 400:
                    raise _RollBack(outcome)
        except NotLoggedIn:
            return self.logged_out(request, locale)
        except DomainError as error:
            return self.refused(request, locale, 403, describe_error(translator(locale), error))
        except _RollBack as rolled_back:
            assert visit is not None
            return self.show(visit, rolled_back.shown)
        if isinstance(outcome, Redirect):
            return self.redirect(request, outcome.path)
        if isinstance(outcome, Shown):
            return self.show(visit, outcome)
        return outcome

    def page(self, build: PageBuild) -> Callable[[Request], Awaitable[Response]]:
        """A logged-in page: its view read (and audited) in one transaction; refused, nothing written."""

        async def shown(visit: Visit) -> Shown:
            built = await build(visit)
            return built if isinstance(built, Shown) else Shown(*built)

        async def endpoint(request: Request) -> Response:
            return await self.run(request, shown)

        return endpoint

    def action(self, handle: ActionHandle) -> Callable[[Request], Awaitable[Response]]:
        """A logged-in form POST: CSRF first, then one transaction; a refusal or a problem writes nothing."""

        async def endpoint(request: Request) -> Response:
            form = await request.form()
            login = self.login_of(request)
            if login is None or not self.keys.csrf_holds(login, form.get(CSRF_FIELD)):
                return self.expired(request, self.visitor_locale(request))

            async def handled(visit: Visit) -> Shown | Redirect:
                return await handle(visit, form)

            return await self.run(request, handled)

        return endpoint
