"""The console's pages and forms: `create_app(services, config)` builds the Starlette app.

Each feature's routes are in a module of `bot/console/routes/`; what they share (the
logged-in check, one transaction per request, CSRF on forms, refusals answered 403 in
the reader's language with nothing written) is `bot/console/kit.py`. Pages are Jinja2
templates (bot/console/templates) translated with the project's catalogues in the
person's language; htmx is served from bot/console/static. No name, text or token is
logged.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.console.config import ConsoleConfig
from bot.console.kit import Kit
from bot.console.pages import STATIC, Pages
from bot.console.routes import (
    admin,
    broadcasts,
    dashboard,
    invites,
    login,
    mentor,
    places,
    reports,
    roster,
)
from bot.console.security import Keys
from mentoring.runtime import Services

FEATURES = (login, places, admin, dashboard, roster, invites, broadcasts, reports, mentor)


def create_app(services: Services, config: ConsoleConfig) -> Starlette:
    """The console as an ASGI app (paths from its root; CONSOLE_URL is where that root is served)."""
    kit = Kit(services, config, Pages(), Keys(config.secret))
    routes = [route for feature in FEATURES for route in feature.routes(kit)]
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))
    return Starlette(routes=routes)
