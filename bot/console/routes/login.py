"""Logging in by the bot's one-time link, and logging out."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.console.kit import Kit
from bot.console.pages import HEADERS
from bot.console.security import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_SECONDS,
    login_csrf_holds,
    new_login_csrf,
)
from mentoring.console import logins, views
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.refusals import describe_error

logger = logging.getLogger(__name__)


def routes(kit: Kit) -> list[BaseRoute]:
    services, pages, keys, config = kit.services, kit.pages, kit.keys, kit.config

    async def root(request: Request) -> Response:
        """The console's address: home when logged in, else how to log in."""
        if kit.login_of(request) is not None:
            return RedirectResponse("home", status_code=303, headers=HEADERS)
        return pages.render(request, kit.visitor_locale(request), "logged_out.html", person=None)

    async def login_page(request: Request) -> Response:
        """The page a link opens: one "Continue" button. Reading it uses nothing (a preview logs no one in)."""
        token = request.path_params["token"]
        locale = kit.visitor_locale(request)
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
        locale = kit.visitor_locale(request)
        form = await request.form()
        if not login_csrf_holds(request.cookies.get(LOGIN_CSRF_COOKIE), form.get(CSRF_FIELD)):
            return kit.expired(request, locale)
        try:
            async with services.sessions.begin() as session:
                login = await logins.redeem(session, token, services.clock.now())
                if login is not None and await views.member(session, login.person_id) is None:
                    # No longer a mentor or coordinator (or consent withdrawn): the token stays unused.
                    raise DomainError("access_denied", action=views.REFUSED)
        except DomainError as error:
            return kit.refused(request, locale, 403, describe_error(translator(locale), error))
        if login is None:
            return pages.render(request, locale, "link_gone.html", 410, person=None)
        logger.info("Console login %s", login.id)
        response = RedirectResponse("../home", status_code=303, headers=HEADERS)
        response.set_cookie(SESSION_COOKIE, keys.session_cookie(login), max_age=SESSION_SECONDS, httponly=True,
                            samesite="lax", secure=config.secure_cookies, path="/")
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
        return response

    async def logout(request: Request) -> Response:
        """Logging out ends the login row too, so the cookie is worthless everywhere."""
        locale = kit.visitor_locale(request)
        login = kit.login_of(request)
        form = await request.form()
        if login is None or not keys.csrf_holds(login, form.get(CSRF_FIELD)):
            return kit.expired(request, locale)
        async with services.sessions.begin() as session:
            await logins.log_out(session, login.id, login.person_id, services.clock.now())
        response = pages.render(request, locale, "logged_out.html", person=None, bye=True)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return [
        Route("/", root, methods=["GET"]),
        Route("/login/{token}", login_page, methods=["GET"]),
        Route("/login/{token}", login_press, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]
