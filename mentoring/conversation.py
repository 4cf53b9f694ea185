"""The one input the bot waits for from a person (principle 1: kept in the database).

Each change is one statement (an upsert or a delete), because a change of
step happens on nearly every message a person sends; an object of the same
state already loaded in the session is kept in step with it. So one update
reads a person's wait once: the router, the flow and its step each ask, and
within a transaction `pending` answers with what it read or changed there
(the state, or "no wait") instead of asking the database again; a query would
hand back the same loaded object anyway. A rollback expires the object and
starts another transaction, which reads again.

A channel splits a text longer than its longest message into parts (Telegram:
4,096 characters each). A text that long, typed while a flow waits, is *held*
in the wait's data until the rest comes (`hold`, `held`, `release`);
`mentoring.entries.take` joins the parts into one answer. Nothing is kept
anywhere else, so a restart between the parts loses nothing.

A voice note or photo sent before the person has answered the media consent
question is held the same way (`hold_media`, `held_media`, `drop_media`): only the
channel's reference to it, until they say yes (the flow gets it) or no (it is dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from mentoring.button_data import Choice, Feature
from mentoring.screens import Photo, Voice
from storage.models import ConversationState
from storage.upsert import upsert_statement

_COLUMNS = ("flow", "step", "data", "updated_at")
# Built once: these run on nearly every message (storage/upsert.py says why).
_PENDING = select(ConversationState).where(ConversationState.person_id == bindparam("person_id"))
# session.info key: (the transaction, person -> their wait as read or changed in it, None for none).
_KNOWN = "narbot.conversation.known"


async def expect(
    session: AsyncSession, person_id: int, flow: str, step: str, now: datetime, data: dict[str, Any] | None = None
) -> None:
    """Wait for the person's next message to go to `flow` at `step`; replaces any earlier wait."""
    values = {"flow": flow, "step": step, "data": dict(data or {}), "updated_at": now}
    # On the table, not the entity: a plain upsert skips the ORM's bulk-insert machinery.
    statement = upsert_statement(session, ConversationState.__table__, ("person_id",), _COLUMNS)
    await session.execute(statement, {"person_id": person_id, **values})
    loaded = _loaded(session, person_id)
    if loaded is not None:
        for name, value in values.items():
            set_committed_value(loaded, name, value)
    else:
        _known(session).pop(person_id, None)  # read it back when asked


@dataclass(frozen=True)
class Waiting:
    """What a person's next free input goes to: a flow, its step and the step's data (read-only)."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


async def waiting(session: AsyncSession, person_id: int) -> Waiting | None:
    """The wait as adapters see it: a copy, so changing it goes through `expect` and `clear`."""
    state = await pending(session, person_id)
    return None if state is None else Waiting(state.flow, state.step, dict(state.data or {}))


async def pending(session: AsyncSession, person_id: int) -> ConversationState | None:
    known = _known(session)
    if person_id in known:
        state = known[person_id]
        if state is None or not inspect(state).expired_attributes:
            return state
    state = known[person_id] = await session.scalar(_PENDING, {"person_id": person_id})
    return state


async def clear(session: AsyncSession, person_id: int, flow: str | None = None) -> None:
    """Stop waiting (only if the wait belongs to `flow`, when given)."""
    statement = delete(ConversationState).where(ConversationState.person_id == person_id)
    if flow is not None:
        statement = statement.where(ConversationState.flow == flow)
    await session.execute(statement.execution_options(synchronize_session=False))
    loaded = _loaded(session, person_id)
    if flow is None or (loaded is not None and loaded.flow == flow):
        if loaded is not None:
            session.expunge(loaded)
        _known(session)[person_id] = None
    elif loaded is None:
        _known(session).pop(person_id, None)  # another flow's wait may be left: read it when asked


def _known(session: AsyncSession) -> dict[int, ConversationState | None]:
    """The waits read or changed in the session's current transaction (held, so they stay loaded)."""
    transaction = session.sync_session.get_transaction()
    known = session.info.get(_KNOWN)
    if known is None or known[0] is not transaction:
        known = session.info[_KNOWN] = (transaction, {})
    return known[1]


def _loaded(session: AsyncSession, person_id: int) -> ConversationState | None:
    key = session.sync_session.identity_key(ConversationState, person_id)
    found = session.sync_session.identity_map.get(key)
    return found if isinstance(found, ConversationState) else None


# ---- a text the channel split into parts ----

# The parts of one split paste arrive within a second or two of each other (by the messages' dates).
PART_WINDOW = timedelta(seconds=3)
_HELD = "held"

# "That was all": a held part is the whole answer (it is given to the flow that waits).
PARTS = Feature("part", {"all": ("all",)})
# The commands a paused flow is taken up again by ("Back to /todo"): one tap on any channel.
RESUMABLE = ("todo", "assign", "plan", "session", "sessions", "agenda", "settings", "broadcast")
RESUME = Feature("back", {"c": ("c", Choice("command", RESUMABLE))})
TABLES = (PARTS, RESUME)


@dataclass(frozen=True)
class Held:
    """The parts of a long text received so far, and when the last of them was sent."""

    text: str
    at: datetime

    def followed_by(self, sent_at: datetime) -> bool:
        """Whether a text sent at `sent_at` is the next part of the same paste."""
        return timedelta(0) <= sent_at - self.at <= PART_WINDOW


def held(waiting: Waiting | None) -> Held | None:
    """The part of a long text the wait holds, if any."""
    found = waiting.data.get(_HELD) if waiting is not None else None
    if not isinstance(found, dict) or not isinstance(found.get("text"), str):
        return None
    try:
        at = datetime.fromisoformat(str(found.get("at")))
    except ValueError:
        return None
    return Held(found["text"], at)


async def hold(session: AsyncSession, person_id: int, waiting: Waiting, part: Held, now: datetime) -> Waiting:
    """Keep `part` in the wait (the flow and its step stay as they are) until the rest comes."""
    data = {**waiting.data, _HELD: {"text": part.text, "at": part.at.isoformat()}}
    await expect(session, person_id, waiting.flow, waiting.step, now, data)
    return Waiting(waiting.flow, waiting.step, data)


async def release(session: AsyncSession, person_id: int, waiting: Waiting, now: datetime) -> Waiting:
    """The wait without its held part (the caller gives the part to the flow)."""
    data = {key: value for key, value in waiting.data.items() if key != _HELD}
    await expect(session, person_id, waiting.flow, waiting.step, now, data)
    return Waiting(waiting.flow, waiting.step, data)


# ---- a voice note or photo waiting for the person's media consent ----

_MEDIA = "media"


def held_media(waiting: Waiting | None) -> Voice | Photo | None:
    """The voice note or photo the wait holds until the person answers the media consent question."""
    found = waiting.data.get(_MEDIA) if waiting is not None else None
    if not isinstance(found, dict) or not isinstance(found.get("ref"), str):
        return None
    if found.get("kind") == "voice":
        return Voice(found["ref"], int(found.get("duration") or 0), found.get("caption"))
    return Photo(found["ref"], found.get("caption"))


async def hold_media(session: AsyncSession, person_id: int, waiting: Waiting, media: Voice | Photo,
                     now: datetime) -> None:
    """Keep the channel's reference to `media` in the wait (the file itself stays with the channel)."""
    kept: dict[str, Any] = {"kind": "voice" if isinstance(media, Voice) else "photo", "ref": media.ref,
                            "caption": media.caption}
    if isinstance(media, Voice):
        kept["duration"] = media.duration
    await expect(session, person_id, waiting.flow, waiting.step, now, {**waiting.data, _MEDIA: kept})


async def drop_media(session: AsyncSession, person_id: int, waiting: Waiting, now: datetime) -> Waiting:
    """The wait without its held media (given to the flow, or not kept)."""
    data = {key: value for key, value in waiting.data.items() if key != _MEDIA}
    await expect(session, person_id, waiting.flow, waiting.step, now, data)
    return Waiting(waiting.flow, waiting.step, data)
