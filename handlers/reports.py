"""/report and /export: progress and impact reports for mentors, the programme report and CSV export for coordinators.

Buttons carry the page they open (`rpt:…`, see mentoring/reports/views.py), so
nothing is kept between presses and a restart changes nothing.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.buttons import pressed, refuse_button
from handlers.common import load_member, refuse, tell_stranger
from handlers.replies import edit_or_reply
from handlers.services import services, translator_for
from handlers.sessions_texts import keyboard
from mentoring.access import AccessDenied
from mentoring.button_data import REPORTS
from mentoring.i18n import Translator
from mentoring.reports import views as report_views
from mentoring.reports.exports import Export
from mentoring.reports.views import ReportPage

logger = logging.getLogger(__name__)

CALLBACK_PATTERN = rf"^{REPORTS.prefix}:"
EXPORT_PATTERN = rf"^{REPORTS.prefix}:x:"


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("report", report_command, filters=filters.ChatType.PRIVATE),
        CommandHandler("export", export_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(export_button, pattern=EXPORT_PATTERN),
        CallbackQueryHandler(report_button, pattern=CALLBACK_PATTERN),
    ]


def _refusal(tr: Translator) -> str:
    return tr.gettext("Reports are for the group's mentors and the programme's coordinators.")


async def _show(update: Update, page: ReportPage) -> None:
    await edit_or_reply(update, page.text, keyboard([row for row in page.buttons if row]))


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a coordinator their programme at a glance, a mentor their group's progress report."""
    svc = services(context)
    page: ReportPage | None = None
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
        if member is not None:
            tr = translator_for(update, context, member)
            try:
                page = await report_views.open_report(session, member, tr, svc.clock.now())
            except AccessDenied:
                page = None
    if member is None:
        await tell_stranger(update, context)
        return
    if page is None:
        await refuse(update, tr, _refusal(tr))
        return
    await _show(update, page)


async def report_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open the report page a button names (after checking the presser may see it)."""
    query = update.callback_query
    button = await pressed(update, context, REPORTS)
    if query is None or button is None:
        return
    svc = services(context)
    page: ReportPage | None = None
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
        if member is not None:
            tr = translator_for(update, context, member)
            try:
                page = await report_views.pressed(session, member, tr, button, svc.clock.now())
            except AccessDenied:
                page = None
    if member is None:
        await tell_stranger(update, context)
        return
    if page is None:
        logger.info("Refused report button for person %s", member.person_id)
        await refuse(update, tr)
        return
    await query.answer()
    await _show(update, page)


async def _send_export(update: Update, context: ContextTypes.DEFAULT_TYPE, programme_id: int | None) -> None:
    svc = services(context)
    now = svc.clock.now()
    result: tuple[str, Export] | None = None
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
        if member is not None:
            try:
                result = await report_views.export(session, member, programme_id, now)
            except AccessDenied:
                result = None
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    if result is None:
        await refuse(update, tr, tr.gettext("Only the programme's coordinators may export its figures."))
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    name, export = result
    day = now.astimezone(ZoneInfo(member.timezone)).date().isoformat()
    filename = f"narbot-export-{day}.zip"
    chat = update.effective_chat
    assert chat is not None
    caption = tr.gettext("{programme}: figures as CSV files (UTF-8). No texts people wrote are included.").format(
        programme=name)
    await chat.send_document(InputFile(export.zipped(), filename=filename), filename=filename, caption=caption)
    logger.info("Sent an export to person %s (%d rows)", member.person_id, sum(export.rows.values()))


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a coordinator their programme's figures as one .zip of CSV files."""
    await _send_export(update, context, None)


async def export_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Export CSV button of the programme report."""
    button = await pressed(update, context, REPORTS)
    if button is None:
        return
    if button.action != "x":  # the pattern sends only export buttons here
        await refuse_button(update, context)
        return
    await _send_export(update, context, button["programme"])
