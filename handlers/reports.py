"""/report and /export on Telegram: progress and impact reports for mentors, the programme report
and CSV export for coordinators.

Only the adapter: the conversation (pages, buttons, the export document,
refusals) is `mentoring.reports.screens`; each update goes in as an input, the
step runs in one transaction and its reply comes out as messages (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import Step, run_step
from mentoring.reports import screens
from mentoring.reports.buttons import REPORTS

CALLBACK_PATTERN = rf"^{REPORTS.prefix}:"
EXPORT_DATA = f"{REPORTS.prefix}:x:"  # the Export CSV button


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("report", report_command, filters=filters.ChatType.PRIVATE),
        CommandHandler("export", export_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(report_button, pattern=CALLBACK_PATTERN),
    ]


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a coordinator their programme at a glance, a mentor their group's progress report."""
    await run_step(update, context, screens.start)


async def report_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open the report page a button names, or send the export (the Export CSV button)."""
    data = update.callback_query.data if update.callback_query is not None else None
    if isinstance(data, str) and data.startswith(EXPORT_DATA):
        await _aside(update, context, screens.press)
    else:
        await run_step(update, context, screens.press)


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a coordinator their programme's figures as one .zip of CSV files."""
    await _aside(update, context, screens.export)


async def _aside(update: Update, context: ContextTypes.DEFAULT_TYPE, step: Step) -> None:
    """Run a step that takes long (an export: seconds at a large programme) beside the update queue
    when the bot is running, so other people's updates are answered meanwhile (on SQLite four updates
    are handled at once, bot/app.py, and an export would hold one of those slots for seconds); PTB
    awaits such tasks when it stops. An application that is
    not running (tests driving `process_update`) runs it in line."""
    if context.application.running:
        context.application.create_task(run_step(update, context, step), update=update,
                                        name="narbot:export")
    else:
        await run_step(update, context, step)
