"""The console's pages and forms: `create_app(services, config)` builds the Starlette app.

Each request runs in one database transaction (`services.sessions.begin()`): the
session is checked (signed cookie, then the login row and the person's roles,
`mentoring.console`), the page's domain view is read, and its audit is written
with it. A refusal (`DomainError`, e.g. `AccessDenied`) rolls the transaction back,
so a refused request writes nothing, and is answered 403 in the reader's language
(mentoring/refusals.py). A POST whose CSRF token does not match is refused before
the database is touched. Pages are Jinja2 templates (bot/console/templates),
translated with the project's catalogues in the person's language; htmx is served
from bot/console/static. No name, text or token is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_percent
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.console.chart import participation_svg
from bot.console.config import ConsoleConfig
from bot.console.security import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_SECONDS,
    Keys,
    login_csrf_holds,
    new_login_csrf,
)
from bot.qr import qr_svg
from mentoring import offload
from mentoring.console import dashboard, logins, roster, views
from mentoring.console.logins import Login
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, Translator, normalize_locale, translator
from mentoring.joining.invites import invite_link, whatsapp_link
from mentoring.joining.roster import RosterError, describe_problem
from mentoring.joining.rules import MemberView
from mentoring.refusals import describe_error
from mentoring.runtime import Services
from mentoring.screens import Words

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# Pages carry personal data and a login token may be in the address: never cached, never
# framed, never sent as a referrer; scripts only from the console itself.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}


# A multipart body carries a little more than its file (boundaries, the CSRF field).
UPLOAD_OVERHEAD = 64 * 1024
# An upload with thousands of bad lines lists this many problems, then how many more there are.
SHOWN_PROBLEMS = 100


class _NotLoggedIn(Exception):
    pass


@dataclass(frozen=True)
class Channel:
    name: str  # "Telegram" or "WhatsApp"
    link: str
    qr: Markup  # an inline <svg>


@dataclass(frozen=True)
class Card:
    """A person on the printed invite sheet: their invite and a link with its QR code per channel."""

    entry: roster.SheetEntry
    channels: tuple[Channel, ...]


def _cards(sheet: roster.InviteSheet, config: ConsoleConfig) -> list[Card]:
    """Every person's links and QR codes (CPU work: run off the event loop)."""
    cards = []
    for entry in sheet.entries:
        channels = []
        if config.telegram_username:
            link = invite_link(config.telegram_username, entry.code)
            channels.append(Channel("Telegram", link, Markup(qr_svg(link))))  # our SVG: no user text in it
        if config.whatsapp_number:
            link = whatsapp_link(config.whatsapp_number, entry.code)
            channels.append(Channel("WhatsApp", link, Markup(qr_svg(link))))  # our SVG: no user text in it
        cards.append(Card(entry, tuple(channels)))
    return cards


class Pages:
    """The templates, one Jinja2 environment per language."""

    def __init__(self) -> None:
        self._envs = {locale: self._environment(translator(locale)) for locale in SUPPORTED_LOCALES}

    @staticmethod
    def _environment(tr: Translator) -> Environment:
        env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                          trim_blocks=True, lstrip_blocks=True)

        def gettext(message: str, **values: Any) -> str:
            text = tr.gettext(message)
            return text.format(**values) if values else text

        def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
            return tr.ngettext(singular, plural, n).format(n=n, **values)

        def words(value: Words | None) -> str:
            return "" if value is None else value.render(tr)

        def moment(value: datetime, zone: str) -> str:
            return tr.moment(value, ZoneInfo(zone))

        def percent(share: float) -> str:
            # As the reader writes it: "%75" in Turkish, "75%" in English.
            return format_percent(share, locale=tr.locale)

        env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, words=words, moment=moment,
                           percent=percent,
                           lang=tr.locale, link_minutes=logins.LINK_MINUTES, role_words=roster.ROLE_WORDS,
                           max_kb=roster.MAX_BYTES // 1000, max_rows=roster.MAX_ROWS,
                           measures=dashboard.MEASURES, measure_words=dashboard.MEASURE_WORDS,
                           reason_words=dashboard.REASON_WORDS)
        return env

    def render(self, request: Request, locale: str, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        env = self._envs.get(locale) or self._envs[normalize_locale(locale)]
        # Links start at the console's root (a proxy may serve it under a path: root_path).
        html = env.get_template(name).render(root=request.scope.get("root_path", "").rstrip("/"), **context)
        return HTMLResponse(html, status_code=status, headers=HEADERS)


def create_app(services: Services, config: ConsoleConfig) -> Starlette:
    """The console as an ASGI app (paths from its root; CONSOLE_URL is where that root is served)."""
    pages, keys = Pages(), Keys(config.secret)

    def visitor_locale(request: Request) -> str:
        accepted = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip()
        return normalize_locale(accepted or None, services.default_locale)

    def refused(request: Request, locale: str, status: int, message: str) -> HTMLResponse:
        return pages.render(request, locale, "refused.html", status, message=message, person=None)

    async def logged_in(session: AsyncSession, request: Request, now: datetime) -> tuple[Login, MemberView]:
        login = keys.login_of(request.cookies.get(SESSION_COOKIE))
        if login is None or not await logins.active(session, login.id, login.person_id, now):
            raise _NotLoggedIn
        person = await views.member(session, login.person_id)
        if person is None:
            raise DomainError("access_denied", action=views.REFUSED)
        return login, person

    Page = Callable[[AsyncSession, Request, Login, MemberView, datetime], Awaitable[tuple[str, dict[str, Any]]]]

    def page(build: Page) -> Callable[[Request], Awaitable[Response]]:
        """A logged-in page: its view read (and audited) in one transaction; refused, nothing written."""

        async def endpoint(request: Request) -> Response:
            locale = visitor_locale(request)
            try:
                async with services.sessions.begin() as session:
                    now = services.clock.now()
                    login, person = await logged_in(session, request, now)
                    locale = person.locale
                    template, context = await build(session, request, login, person, now)
            except _NotLoggedIn:
                return pages.render(request, locale, "logged_out.html", 401, person=None)
            except DomainError as error:
                return refused(request, locale, 403, describe_error(translator(locale), error))
            return pages.render(request, locale, template, person=person, csrf=keys.csrf_for(login), **context)

        return endpoint

    async def home(session: AsyncSession, request: Request, login: Login, person: MemberView,
                   now: datetime) -> tuple[str, dict[str, Any]]:
        return "home.html", {"home": views.home(person)}

    async def programmes(session: AsyncSession, request: Request, login: Login, person: MemberView,
                         now: datetime) -> tuple[str, dict[str, Any]]:
        return "programmes.html", {"home": views.home(person)}

    async def programme(session: AsyncSession, request: Request, login: Login, person: MemberView,
                        now: datetime) -> tuple[str, dict[str, Any]]:
        return "programme.html", {"programme": await views.programme(
            session, person, request.path_params["programme_id"], now)}

    async def group(session: AsyncSession, request: Request, login: Login, person: MemberView,
                    now: datetime) -> tuple[str, dict[str, Any]]:
        return "group.html", {"group": await views.group(session, person, request.path_params["group_id"], now),
                              "zone": person.timezone}

    def number_param(request: Request, name: str) -> int | None:
        value = request.query_params.get(name, "")
        return int(value) if value.isdigit() else None

    async def chart_of(board: dashboard.Dashboard, locale: str) -> Markup:
        tr = translator(locale)
        legend = {measure: tr.gettext(words) for measure, words in dashboard.MEASURE_WORDS.items()}
        title = tr.gettext("Participation per programme week: {place}").format(
            place=board.group_name or board.programme_name)
        svg = await offload.run(participation_svg, board.rows, title=title, legend=legend,
                                week_word=tr.gettext("Week {week}"))
        return Markup(svg)  # our SVG: every text in it is escaped

    async def programme_dashboard(session: AsyncSession, request: Request, login: Login, person: MemberView,
                                  now: datetime) -> tuple[str, dict[str, Any]]:
        board = await dashboard.programme_dashboard(
            session, person, request.path_params["programme_id"], now,
            province_id=number_param(request, "province"), group_id=number_param(request, "group"))
        return "dashboard.html", {"board": board, "chart": await chart_of(board, person.locale)}

    async def group_dashboard(session: AsyncSession, request: Request, login: Login, person: MemberView,
                              now: datetime) -> tuple[str, dict[str, Any]]:
        board = await dashboard.group_dashboard(session, person, request.path_params["group_id"], now)
        return "dashboard.html", {"board": board, "chart": await chart_of(board, person.locale)}

    channels = config.telegram_username is not None or config.whatsapp_number is not None

    async def roster_form(session: AsyncSession, request: Request, login: Login, person: MemberView,
                          now: datetime) -> tuple[str, dict[str, Any]]:
        programme_id, name = await roster.roster_page(session, person, request.path_params["programme_id"])
        return "roster.html", {"programme_id": programme_id, "programme_name": name, "channels": channels}

    async def invite_sheet(session: AsyncSession, request: Request, login: Login, person: MemberView,
                           now: datetime) -> tuple[str, dict[str, Any]]:
        sheet = await roster.open_invites(session, person, request.path_params["programme_id"], now)
        return "invites.html", {"sheet": sheet, "cards": await offload.run(_cards, sheet, config),
                                "zone": person.timezone, "again": True}

    async def roster_upload(request: Request) -> Response:
        """A roster file: checked whole; every problem by line in the page, or the invites and their sheet."""
        locale = visitor_locale(request)
        login = keys.login_of(request.cookies.get(SESSION_COOKIE))
        if int(request.headers.get("content-length") or 0) > roster.MAX_BYTES + UPLOAD_OVERHEAD:
            return refused(request, locale, 413, translator(locale).gettext(
                roster.UploadError("too_big").message()).format(limit=roster.MAX_BYTES // 1000))
        async with request.form(max_files=1, max_fields=4) as form:
            if login is None or not keys.csrf_holds(login, form.get(CSRF_FIELD)):
                return refused(request, locale, 403, translator(locale).gettext(
                    "This form has expired. Open the link from the bot again."))
            upload = form.get("roster")
            filename = getattr(upload, "filename", None) or ""
            data = await upload.read(roster.MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
        shown: dict[str, Any] = {"programme_id": request.path_params["programme_id"], "channels": channels}
        problems: list[str] = []
        person: MemberView | None = None
        try:
            async with services.sessions.begin() as session:
                now = services.clock.now()
                login, person = await logged_in(session, request, now)
                locale = person.locale
                shown["programme_id"], shown["programme_name"] = await roster.roster_page(
                    session, person, shown["programme_id"])
                lines = await offload.run(roster.read_upload, filename, data)
                sheet = await roster.import_sheet(session, person, shown["programme_id"], lines, now)
        except _NotLoggedIn:
            return pages.render(request, locale, "logged_out.html", 401, person=None)
        except DomainError as error:
            return refused(request, locale, 403, describe_error(translator(locale), error))
        except roster.UploadError as error:
            problems = [translator(locale).gettext(error.message()).format(limit=roster.MAX_BYTES // 1000)]
        except RosterError as error:
            problems = [describe_problem(translator(locale), problem) for problem in error.problems]
        if problems:
            assert person is not None
            return pages.render(request, locale, "roster.html", 400, person=person, csrf=keys.csrf_for(login),
                                problems=problems[:SHOWN_PROBLEMS], more=len(problems) - SHOWN_PROBLEMS,
                                **shown)
        assert person is not None
        return pages.render(request, locale, "invites.html", person=person, csrf=keys.csrf_for(login),
                            sheet=sheet, cards=await offload.run(_cards, sheet, config), zone=person.timezone,
                            again=False)

    async def root(request: Request) -> Response:
        if keys.login_of(request.cookies.get(SESSION_COOKIE)) is not None:
            return RedirectResponse("home", status_code=303, headers=HEADERS)
        return pages.render(request, visitor_locale(request), "logged_out.html", person=None)

    async def login_page(request: Request) -> Response:
        """The page a link opens: one "Continue" button. Reading it uses nothing (a preview logs no one in)."""
        token = request.path_params["token"]
        locale = visitor_locale(request)
        async with services.sessions() as session:
            valid = await logins.pending(session, token, services.clock.now())
        if not valid:
            return pages.render(request, locale, "link_gone.html", 410, person=None)
        csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_csrf()
        response = pages.render(request, locale, "login.html", person=None, csrf=csrf)
        response.set_cookie(LOGIN_CSRF_COOKIE, csrf, max_age=logins.LINK_MINUTES * 60, httponly=True,
                            samesite="lax", secure=config.secure_cookies, path="/")
        return response

    async def login_press(request: Request) -> Response:
        """"Continue": the token is used (once), the session cookie set."""
        token = request.path_params["token"]
        locale = visitor_locale(request)
        form = await request.form()
        if not login_csrf_holds(request.cookies.get(LOGIN_CSRF_COOKIE), form.get(CSRF_FIELD)):
            return refused(request, locale, 403, translator(locale).gettext(
                "This form has expired. Open the link from the bot again."))
        try:
            async with services.sessions.begin() as session:
                login = await logins.redeem(session, token, services.clock.now())
                if login is not None and await views.member(session, login.person_id) is None:
                    # No longer a mentor or coordinator (or consent withdrawn): the token stays unused.
                    raise DomainError("access_denied", action=views.REFUSED)
        except DomainError as error:
            return refused(request, locale, 403, describe_error(translator(locale), error))
        if login is None:
            return pages.render(request, locale, "link_gone.html", 410, person=None)
        logger.info("Console login %s", login.id)
        response = RedirectResponse("../home", status_code=303, headers=HEADERS)
        response.set_cookie(SESSION_COOKIE, keys.session_cookie(login), max_age=SESSION_SECONDS, httponly=True,
                            samesite="lax", secure=config.secure_cookies, path="/")
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
        return response

    async def logout(request: Request) -> Response:
        locale = visitor_locale(request)
        login = keys.login_of(request.cookies.get(SESSION_COOKIE))
        form = await request.form()
        if login is None or not keys.csrf_holds(login, form.get(CSRF_FIELD)):
            return refused(request, locale, 403, translator(locale).gettext(
                "This form has expired. Open the link from the bot again."))
        async with services.sessions.begin() as session:
            await logins.log_out(session, login.id, login.person_id, services.clock.now())
        response = pages.render(request, locale, "logged_out.html", person=None, bye=True)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    routes = [
        Route("/", root, methods=["GET"]),
        Route("/login/{token}", login_page, methods=["GET"]),
        Route("/login/{token}", login_press, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/home", page(home), methods=["GET"]),
        Route("/programmes", page(programmes), methods=["GET"]),
        Route("/programmes/{programme_id:int}", page(programme), methods=["GET"]),
        Route("/groups/{group_id:int}", page(group), methods=["GET"]),
        Route("/programmes/{programme_id:int}/dashboard", page(programme_dashboard), methods=["GET"]),
        Route("/groups/{group_id:int}/dashboard", page(group_dashboard), methods=["GET"]),
        Route("/programmes/{programme_id:int}/roster", page(roster_form), methods=["GET"]),
        Route("/programmes/{programme_id:int}/roster", roster_upload, methods=["POST"]),
        Route("/programmes/{programme_id:int}/invites", page(invite_sheet), methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes)
