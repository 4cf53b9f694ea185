"""The roster: upload a CSV or .xlsx file, see every problem by line, then the printable invite sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.console.config import ConsoleConfig
from bot.console.kit import Kit, Shown, Visit
from bot.console.security import CSRF_FIELD
from bot.qr import qr_svg
from mentoring import offload
from mentoring.console import roster
from mentoring.i18n import translator
from mentoring.joining.invites import invite_link, whatsapp_link
from mentoring.joining.roster import RosterError, describe_problem

# A multipart body carries a little more than its file (boundaries, the CSRF field).
UPLOAD_OVERHEAD = 64 * 1024
# An upload with thousands of bad lines lists this many problems, then how many more there are.
SHOWN_PROBLEMS = 100


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


def cards(sheet: roster.InviteSheet, config: ConsoleConfig) -> list[Card]:
    """Every person's links and QR codes (CPU work: run off the event loop)."""
    made = []
    for entry in sheet.entries:
        channels = []
        if config.telegram_username:
            link = invite_link(config.telegram_username, entry.code)
            channels.append(Channel("Telegram", link, Markup(qr_svg(link))))  # our SVG: no user text in it
        if config.whatsapp_number:
            link = whatsapp_link(config.whatsapp_number, entry.code)
            channels.append(Channel("WhatsApp", link, Markup(qr_svg(link))))  # our SVG: no user text in it
        made.append(Card(entry, tuple(channels)))
    return made


def routes(kit: Kit) -> list[BaseRoute]:
    config = kit.config
    channels = config.telegram_username is not None or config.whatsapp_number is not None

    async def roster_form(visit: Visit) -> Shown:
        programme_id, name = await roster.roster_page(visit.session, visit.person, visit.path_int("programme_id"))
        return Shown("roster.html", {"programme_id": programme_id, "programme_name": name, "channels": channels})

    async def invite_sheet(visit: Visit) -> Shown:
        sheet = await roster.open_invites(visit.session, visit.person, visit.path_int("programme_id"), visit.now)
        return Shown("invites.html", {"sheet": sheet, "cards": await offload.run(cards, sheet, config),
                                      "zone": visit.person.timezone, "again": True})

    async def roster_upload(request: Request) -> Response:
        """A roster file: checked whole; every problem by line in the page, or the invites and their sheet."""
        locale = kit.visitor_locale(request)
        login = kit.login_of(request)
        if int(request.headers.get("content-length") or 0) > roster.MAX_BYTES + UPLOAD_OVERHEAD:
            return kit.refused(request, locale, 413, translator(locale).gettext(
                roster.UploadError("too_big").message()).format(limit=roster.MAX_BYTES // 1000))
        async with request.form(max_files=1, max_fields=4) as form:
            if login is None or not kit.keys.csrf_holds(login, form.get(CSRF_FIELD)):
                return kit.expired(request, locale)
            upload = form.get("roster")
            filename = getattr(upload, "filename", None) or ""
            data = await upload.read(roster.MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""

        async def imported(visit: Visit) -> Shown:
            programme_id, name = await roster.roster_page(visit.session, visit.person,
                                                          visit.path_int("programme_id"))
            shown: dict[str, Any] = {"programme_id": programme_id, "programme_name": name, "channels": channels}
            tr = translator(visit.person.locale)
            try:
                lines = await offload.run(roster.read_upload, filename, data)
                sheet = await roster.import_sheet(visit.session, visit.person, programme_id, lines, visit.now)
            except roster.UploadError as error:
                problems = [tr.gettext(error.message()).format(limit=roster.MAX_BYTES // 1000)]
            except RosterError as error:
                problems = [describe_problem(tr, problem) for problem in error.problems]
            else:
                return Shown("invites.html", {"sheet": sheet, "cards": await offload.run(cards, sheet, config),
                                              "zone": visit.person.timezone, "again": False})
            return Shown("roster.html", {**shown, "problems": problems[:SHOWN_PROBLEMS],
                                         "more": len(problems) - SHOWN_PROBLEMS}, status=400)

        return await kit.run(request, imported)

    return [
        Route("/programmes/{programme_id:int}/roster", kit.page(roster_form), methods=["GET"]),
        Route("/programmes/{programme_id:int}/roster", roster_upload, methods=["POST"]),
        Route("/programmes/{programme_id:int}/invites", kit.page(invite_sheet), methods=["GET"]),
    ]
