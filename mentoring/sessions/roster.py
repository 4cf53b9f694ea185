"""A session's RSVP roster: its members' answers, counted for everyone and by name for its mentors.

`rules` reads the answers and the group's current members and builds the
roster with `tally` (for `SessionView` and the digest's `NextSession`); `cards`
shows the names to the group's mentors (issue #13). Kept apart from `rules`,
which plans, moves, cancels and records the answers themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person
from storage.models.sessions import SessionRsvp


@dataclass(frozen=True)
class RsvpCounts:
    yes: int = 0
    no: int = 0
    maybe: int = 0
    none: int = 0


@dataclass(frozen=True)
class RsvpNames:
    """Who answered what, by name, in the order they joined: shown to the group's mentors only."""

    yes: tuple[str, ...] = ()
    no: tuple[str, ...] = ()
    maybe: tuple[str, ...] = ()
    none: tuple[str, ...] = ()


async def answers(session: AsyncSession, session_id: int) -> dict[int, str]:
    """Every answer given to the session, by person id (former members' too)."""
    rows = await session.execute(
        select(SessionRsvp.person_id, SessionRsvp.answer).where(
            SessionRsvp.session_id == session_id
        )
    )
    return {person_id: reply for person_id, reply in rows.all()}


def tally(people: Sequence[Person], given: Mapping[int, str]) -> tuple[RsvpCounts, RsvpNames]:
    """The current members' answers: counted, and by name (`none`: who has not answered yet).

    `people` are the group's current members in the order they joined; an answer
    of someone no longer among them is left out.
    """
    answered = {p.id: given[p.id] for p in people if p.id in given}
    counted = Counter(answered.values())
    by_answer: dict[str | None, list[str]] = {"yes": [], "no": [], "maybe": [], None: []}
    for person in people:
        by_answer.setdefault(answered.get(person.id), []).append(person.display_name)
    names = RsvpNames(*(tuple(by_answer[key]) for key in ("yes", "no", "maybe", None)))
    counts = RsvpCounts(counted["yes"], counted["no"], counted["maybe"], len(people) - len(answered))
    return counts, names
