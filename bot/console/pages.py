"""The console's templates: one Jinja2 environment per language, and the headers every page carries."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_percent
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from mentoring.console import dashboard, logins, roster
from mentoring.i18n import SUPPORTED_LOCALES, Translator, normalize_locale, translator
from mentoring.screens import Words

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
