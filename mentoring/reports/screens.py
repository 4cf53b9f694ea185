"""/report and /export as a conversation any channel can hold: which page each step shows.

Every step takes `(session, member, given, now)`, where `given` is the person's
input (`mentoring.screens`), and returns a `Reply`; the adapters only translate
it (principle 2). `start` answers /report: a coordinator's programme at a
glance, a mentor's group progress (or the choice of group). `press` answers a
report button: each carries the page it opens (`rpt:…`, written and read by
`mentoring.reports.buttons.REPORTS`, see mentoring/reports/views.py), so nothing is
kept between presses and a restart changes nothing; the Export CSV button sends
the export. `export` answers /export: the programme's figures as one .zip of
CSV files, a document.

Which page a member may open, its audit and its paging are
`mentoring.reports.views`; report pages are paged in the reader's language
(`mentoring.reports.texts`) and shown as `Raw` text. Refusals raise
`DomainError`s, worded once in `mentoring.refusals`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.access import AccessDenied
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.reports import views
from mentoring.reports.buttons import REPORTS
from mentoring.reports.views import ReportPage
from mentoring.screens import Input, Media, Reply, Screen, Text, button_of

logger = logging.getLogger(__name__)

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]

# A report button the presser may not open is refused with the general words ("not available
# to you"); /report itself says who reports are for (access_denied "report").
PAGE_REFUSED = "report_page"


def page_screen(page: ReportPage) -> Screen:
    """A report page; opened by a button, it takes the place of the page the button was under."""
    return Screen(page.text, page.buttons, replace=True)


def export_screen(programme: str, content: bytes, day: str) -> Screen:
    """The export as a document, with what it holds (and does not) as its caption."""
    return Screen(
        Text("{programme}: figures as CSV files (UTF-8). No texts people wrote are included.", programme=programme),
        media=Media(
            "document", content=content, filename=f"narbot-export-{day}.zip",
            elsewhere=Text("This app cannot receive the export's ZIP file. Send /export in Telegram, "
                           "or ask your system administrator to run: narbot export \"{programme}\"",
                           programme=programme),
        ),
    )


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/report: a coordinator's programme at a glance, a mentor's group progress; refused to anyone else."""
    page = await views.open_report(session, member, translator(member.locale), now)
    return Reply(page_screen(page))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """Open the report page a button names (after checking the presser may see it), or send the export."""
    button = button_of(given, REPORTS)
    if button.action == "x":
        return await _export(session, member, button["programme"], now)
    try:
        page = await views.pressed(session, member, translator(member.locale), button, now)
    except AccessDenied:
        logger.info("Refused report button for person %s", member.person_id)
        raise AccessDenied(PAGE_REFUSED) from None
    return Reply(page_screen(page))


async def export(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/export: the coordinator's programme's figures as one .zip of CSV files (audited)."""
    return await _export(session, member, None, now)


async def _export(session: AsyncSession, member: MemberView, programme_id: int | None, now: datetime) -> Reply:
    name, found = await views.export(session, member, programme_id, now)
    day = now.astimezone(ZoneInfo(member.timezone)).date().isoformat()
    logger.info("Sending an export to person %s (%d rows)", member.person_id, sum(found.rows.values()))
    return Reply(export_screen(name, await found.zipped_off_loop(), day))
