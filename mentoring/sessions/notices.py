"""What the bot tells members about a session on its own: invitation, reminders, moved,
cancelled, feedback prompt. Each is rendered in the reader's language and zone and queued
in the outbox (principle 3) by mentoring.sessions.rules.

Buttons on these messages carry their state in callback data:
`ses:r:<session>:<y|n|m>` (RSVP) and `ses:fb:<session>:<1-5>` (feedback).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from mentoring.i18n import Translator, translator
from mentoring.outbox import Button, Outgoing, buttons_of
from mentoring.screens import Choice, Lines, Moment, Text, Words, Zone
from mentoring.sessions.buttons import SESSIONS
from storage.models import Person

RSVP_CODES = {"y": "yes", "n": "no", "m": "maybe"}
ANSWER_CODES = {answer: code for code, answer in RSVP_CODES.items()}


@dataclass(frozen=True)
class SessionFacts:
    """What every notice about one session says, independent of the reader."""

    session_id: int
    version: int
    group_name: str
    starts_at: datetime
    zone: str  # the group's zone, in which the session was planned
    place: str
    topic: str | None


def when(moment: datetime, reader_zone: str, group_zone: str) -> Words:
    """A session's start as the reader reads it; names the zone when it is not the group's."""
    text = Moment(moment, reader_zone)
    return text if reader_zone == group_zone else Lines(text, Text("({zone} time)", zone=Zone(reader_zone)), sep=" ")


def when_text(tr: Translator, moment: datetime, reader_zone: str, group_zone: str) -> str:
    return when(moment, reader_zone, group_zone).render(tr)


def facts_words(facts: SessionFacts, reader_zone: str) -> Words:
    """The session's group, time, place and topic, one a line."""
    return Lines(
        Text("Group: {group}", group=facts.group_name),
        Text("When: {when}", when=when(facts.starts_at, reader_zone, facts.zone)),
        Text("Where: {place}", place=facts.place),
        Text("Topic: {topic}", topic=facts.topic) if facts.topic else None,
    )


def details(tr: Translator, facts: SessionFacts, reader_zone: str) -> str:
    return facts_words(facts, reader_zone).render(tr)


def rsvp_choices(session_id: int) -> list[list[Choice]]:
    """I'm coming / Not coming / Not sure, for one session."""
    return [
        [
            Choice(SESSIONS.encode("r", session=session_id, answer="y"), Text("I'm coming")),
            Choice(SESSIONS.encode("r", session=session_id, answer="n"), Text("Not coming")),
            Choice(SESSIONS.encode("r", session=session_id, answer="m"), Text("Not sure")),
        ]
    ]


def rsvp_buttons(tr: Translator, session_id: int) -> list[list[Button]]:
    return buttons_of(rsvp_choices(session_id), tr)


def _notice(
    facts: SessionFacts,
    person: Person,
    tr: Translator,
    *,
    kind: str,
    key: str,
    headline: str,
    question: str | None,
    not_before: datetime,
    with_rsvp: bool,
    batch: str,
) -> Outgoing:
    """A notice about one session: a headline, the session's details, an optional question."""
    parts = [headline, details(tr, facts, person.timezone)] + ([question] if question else [])
    return Outgoing(
        idempotency_key=key,
        kind=kind,
        text="\n\n".join(parts),
        not_before=not_before,
        person_id=person.id,
        buttons=rsvp_buttons(tr, facts.session_id) if with_rsvp else [],
        expires_at=facts.starts_at,
        batch_key=batch,
    )


def invitation(facts: SessionFacts, person: Person, now: datetime) -> Outgoing:
    tr = translator(person.locale)
    return _notice(
        facts, person, tr, kind="session_invite",
        key=f"session-invite:{facts.session_id}:{person.id}:{facts.version}",
        headline=tr.gettext("You are invited to a group mentoring session."),
        question=tr.gettext("Will you come?"),
        not_before=now, with_rsvp=True, batch=batch_key(facts.session_id, facts.version),
    )


def reminder(facts: SessionFacts, person: Person, hours: int) -> Outgoing:
    tr = translator(person.locale)
    headline = tr.ngettext(
        "Reminder: the group mentoring session starts in {hours} hour.",
        "Reminder: the group mentoring session starts in {hours} hours.",
        hours,
    ).format(hours=hours)
    return _notice(
        facts, person, tr, kind="session_reminder",
        key=f"session-reminder:{facts.session_id}:{person.id}:{facts.version}:{hours}",
        headline=headline, question=None,
        not_before=facts.starts_at - timedelta(hours=hours),
        with_rsvp=True, batch=batch_key(facts.session_id, facts.version),
    )


def moved(facts: SessionFacts, person: Person, now: datetime) -> Outgoing:
    tr = translator(person.locale)
    return _notice(
        facts, person, tr, kind="session_moved",
        key=f"session-moved:{facts.session_id}:{person.id}:{facts.version}",
        headline=tr.gettext("The group mentoring session has been moved to a new time."),
        question=tr.gettext("Will you come at the new time?"),
        not_before=now, with_rsvp=True, batch=batch_key(facts.session_id, facts.version),
    )


def cancelled(facts: SessionFacts, person: Person, now: datetime) -> Outgoing:
    tr = translator(person.locale)
    return _notice(
        facts, person, tr, kind="session_cancelled",
        key=f"session-cancelled:{facts.session_id}:{person.id}",
        headline=tr.gettext("The group mentoring session has been cancelled."),
        question=None, not_before=now, with_rsvp=False,
        batch=f"session:{facts.session_id}:cancelled",
    )


def feedback_prompt(facts: SessionFacts, person: Person, now: datetime) -> Outgoing:
    tr = translator(person.locale)
    _ = tr.gettext
    text = "\n\n".join(
        [
            _("Thank you for coming to the group mentoring session of {date}.").format(
                date=tr.day(facts.starts_at.astimezone(ZoneInfo(person.timezone)).date())
            ),
            _("How useful was it for you? (1 = not at all, 5 = very)"),
        ]
    )
    return Outgoing(
        idempotency_key=f"session-feedback:{facts.session_id}:{person.id}",
        kind="session_feedback",
        text=text,
        not_before=now,
        person_id=person.id,
        buttons=[
            [Button(str(score), SESSIONS.encode("fb", session=facts.session_id, score=score)) for score in range(1, 6)]
        ],
        # Feedback about a session is worth asking for a week; after that memories fade.
        expires_at=now + timedelta(days=7),
        batch_key=f"session:{facts.session_id}:feedback",
    )


def batch_key(session_id: int, version: int) -> str:
    """Groups the rows owed for one time of a session, so moving or cancelling finds them."""
    return f"session:{session_id}:v{version}"
