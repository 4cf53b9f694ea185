"""The weekly invitation to reflect and its reminder, as screens any channel can show.

The scheduler (mentoring/waves.py) queues them as finished text in the
recipient's language (`reflection_prompt`, `reflection_reminder` in
`mentoring.reflection.flow`); their one button names the week, so a press on an
old invitation is recognised (`rf:go:<week>`).
"""

from __future__ import annotations

from datetime import datetime

from mentoring.i18n import Translator
from mentoring.outbox import Button, buttons_of
from mentoring.reflection.buttons import REFLECTION
from mentoring.screens import Choice, Moment, Screen, Text


def when(moment: datetime, zone: str) -> Text:
    """A moment as the reader says it, e.g. "27 Kasım 2026 Cuma saat 10:00"."""
    return Text("{day} at {time}", day=Moment(moment, zone, show="date", style="full"),
                time=Moment(moment, zone, show="time"))


def prompt(week: int, closes_at: datetime, zone: str) -> Screen:
    """The weekly invitation, with a start button that names the week."""
    return Screen(
        Text("Time for this week's reflection (week {week}).\n\n"
             "A few short questions about what you tried with the children. You can answer in "
             "writing, with a voice note or a photo. It is open until {closes}.",
             week=week, closes=when(closes_at, zone)),
        [[Choice(REFLECTION.encode("go", week=week), Text("Start my reflection"))]],
    )


def reminder(week: int, closes_at: datetime, zone: str) -> Screen:
    """A gentle reminder to those who have not sent this week's reflection."""
    return Screen(
        Text("A gentle reminder: your reflection for week {week} is still waiting. "
             "It takes a few minutes and is open until {closes}.",
             week=week, closes=when(closes_at, zone)),
        [[Choice(REFLECTION.encode("go", week=week), Text("Continue my reflection"),
                 short=Text("Continue reflection"))]],
    )


def queued(screen: Screen, tr: Translator) -> tuple[str, list[list[Button]]]:
    """A screen as the outbox keeps it: its text and buttons rendered in the reader's language."""
    return screen.text.render(tr), buttons_of(screen.choices, tr)
