"""A tapped nudge: the held outbox row, shown to the person it was for.

The template's quick-reply button carries `held:<outbox row id>`
(`mentoring.nudges.templates.held_data`). Its press arrives inside the 24-hour
window, so `show` answers with the row itself: its text, its buttons as
choices and its photo or document if the file is still there. A row that is
gone, emptied (erased by retention or at someone's request) or someone
else's is never shown: the person is told it is no longer here.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.delivery import WHATSAPP
from mentoring.joining.rules import MemberView
from mentoring.nudges.buttons import HELD
from mentoring.outbox import screen_of
from mentoring.screens import Input, Lines, Reply, Screen, Text, button_of
from storage.models import OutboxMessage

logger = logging.getLogger(__name__)


def gone() -> Screen:
    """What a press of a nudge whose message is not (or no longer) the person's gets."""
    return Screen(Lines(Text("That message is no longer here."), Text("Send /help to see what I can do.")))


async def show(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The held outbox row the pressed nudge stood for, or `gone()`."""
    row_id = button_of(given, HELD)["message"]
    row = await session.get(OutboxMessage, row_id)
    if row is None or row.person_id != member.person_id or not row.text:
        # Ids only: never the text, and never whose row it was.
        logger.info("Held outbox row %s not shown (%s)", row_id, "missing" if row is None else "not showable")
        return Reply(gone())
    # A nudge is WhatsApp's: a file sent by reference shows only if its id is WhatsApp's.
    return Reply(screen_of(row.text, row.buttons, row.attachment, WHATSAPP))
