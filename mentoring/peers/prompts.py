"""The weekly check-in question, as the outbox sends it and as /partner shows it.

One screen with its three answers (talked, did not, could not reach), written
once: `prompt`/`reminder` are the screens (mentoring.peers.screens shows the
prompt on /partner), `checkin_prompt`/`checkin_reminder` render them for the
outbox in the reader's language (mentoring.waves queues them).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from mentoring.i18n import Translator
from mentoring.outbox import Button, buttons_of
from mentoring.peers.buttons import CHECKIN
from mentoring.screens import Choice, Moment, Screen, Text


def talked_choices(week: int) -> list[list[Choice]]:
    """Did you talk this week? Yes, no, or could not reach them."""
    return [[Choice(CHECKIN.encode("t", week=week, talked="yes"), Text("Yes")),
             Choice(CHECKIN.encode("t", week=week, talked="no"), Text("No"))],
            [Choice(CHECKIN.encode("t", week=week, talked="unreachable"), Text("I could not reach them"),
                    short=Text("Could not reach"))]]


def prompt(week: int, closes_at: datetime, zone: str) -> Screen:
    """The weekly question to each partner, with its three answers."""
    return Screen(
        Text("Peer partner check-in, week {week}: did you talk with your peer partner this week? "
             "You can answer until {closes}.",
             week=week, closes=Moment(closes_at, zone, show="deadline")),
        talked_choices(week),
    )


def reminder(week: int, closes_at: datetime, zone: str) -> Screen:
    """A reminder for someone who has not answered yet."""
    return Screen(
        Text("A reminder: this week's check-in with your peer partner is still open until {closes}. "
             "Did you talk this week?",
             closes=Moment(closes_at, zone, show="deadline")),
        talked_choices(week),
    )


def outgoing(screen: Screen, tr: Translator) -> tuple[str, list[list[Button]]]:
    """A screen as the outbox keeps it: its text and buttons in the reader's language."""
    return screen.text.render(tr), buttons_of(screen.choices, tr)


def checkin_prompt(tr: Translator, week: int, closes_at: datetime, tz: ZoneInfo) -> tuple[str, list[list[Button]]]:
    return outgoing(prompt(week, closes_at, tz.key), tr)


def checkin_reminder(tr: Translator, week: int, closes_at: datetime, tz: ZoneInfo) -> tuple[str, list[list[Button]]]:
    return outgoing(reminder(week, closes_at, tz.key), tr)
