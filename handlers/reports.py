"""/report and /export on Telegram: progress and impact reports for mentors, the programme report
and CSV export for coordinators.

Only the adapter: the conversation (pages, buttons, the export document,
refusals) is `mentoring.reports.screens`; each update goes in as an input, the
step runs in one transaction and its reply comes out as messages (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.reports import screens
from mentoring.reports.buttons import REPORTS

CALLBACK_PATTERN = rf"^{REPORTS.prefix}:"


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
    await run_step(update, context, screens.press)


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a coordinator their programme's figures as one .zip of CSV files."""
    await run_step(update, context, screens.export)
