"""What the session screens share: a session's card, labels for names and titles, typed text.

Used by `screens` (/sessions, answers, moving and cancelling), `planning_screens`,
`followup_screens` and `agenda_screens`; the words are message ids rendered at the
channel edge (`mentoring.screens`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.errors import DomainError
from mentoring.i18n import N_
from mentoring.joining.rules import MemberView
from mentoring.screens import (
    SHORT_LABEL_MAX,
    Choice,
    Input,
    Lines,
    Raw,
    Reply,
    Text,
    Typed,
    Words,
)
from mentoring.sessions.notices import facts_words
from mentoring.sessions.rules import SessionView

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]

ANSWERS = {
    "yes": N_("Coming"),
    "no": N_("Not coming"),
    "maybe": N_("Not sure"),
}


def card(view: SessionView, reader_zone: str) -> Words:
    """A session as one reader sees it: its facts, whether it is cancelled, their answer, the counts,
    and for the group's mentors who is coming, not coming, not sure and silent, by name."""
    if view.may_answer:
        answer: Words = Text(ANSWERS[view.my_answer]) if view.my_answer else Text("not given yet")
        mine: Words | None = Text("Your answer: {answer}", answer=answer)
    else:
        mine = None
    counts = view.rsvp
    return Lines(
        facts_words(view.facts, reader_zone),
        Text("This session has been cancelled.") if view.cancelled else None,
        mine,
        Text("Answers: {yes} coming, {no} not coming, {maybe} not sure, {none} no answer yet",
             yes=counts.yes, no=counts.no, maybe=counts.maybe, none=counts.none)
        if view.may_manage or not view.may_answer else None,
        _who(view) if view.names is not None and not view.cancelled else None,
        sep="\n\n",
    )


def _who(view: SessionView) -> Words:
    """Each answer with the names that gave it (a mentor's view); an answer nobody gave is left out."""
    names = view.names
    assert names is not None
    rows = ((N_("✅ Coming: {names}"), names.yes), (N_("❌ Not coming: {names}"), names.no),
            (N_("❔ Not sure: {names}"), names.maybe), (N_("💤 No answer yet: {names}"), names.none))
    return Lines(*(Text(message, names=Raw(", ".join(people))) for message, people in rows if people))


def with_card(headline: Words, view: SessionView, reader_zone: str, *after: Words) -> Words:
    """A headline, the session's card, and what follows, a blank line apart."""
    return Lines(headline, card(view, reader_zone), *after, sep="\n\n")


def named(data: str, name: str, longest: int | None = None, mark: str = "") -> Choice:
    """A button labelled with a name or title (cut to `longest`), its short label cut to fit."""
    label = mark + name[:longest]
    short = Raw(label[:SHORT_LABEL_MAX]) if len(label) > SHORT_LABEL_MAX else None
    return Choice(data, Raw(label), short)


def typed_text(given: Input) -> str:
    """The text a flow waits for; a sticker, voice note or photo is refused (the wait stays)."""
    if not isinstance(given, Typed) or not given.text:
        raise DomainError("send_as_text")
    return given.text


async def waiting_data(session: AsyncSession, member: MemberView, flow: str) -> dict[str, object]:
    """The data of the wait for `flow`; a wait another step closed in the meantime is stale."""
    state = await conversation.pending(session, member.person_id)
    if state is None or state.flow != flow:
        raise DomainError("stale")
    return dict(state.data or {})
