"""Erasure reaches other people's messages: outbox rows that name or quote an erased person.

Enqueuers record whom a message names or quotes besides its reader
(`Outgoing.mentions`, table `outbox_mentions`): a partner notice names the new
partners, an announcement is signed by its coordinator and carries their words,
a to-do from a mentor names the mentor, a digest names the group's mentees.
When one of them is erased, each such copy in anyone's outbox loses its text
(a short note in the reader's language takes its place), its buttons and its
attachment; what was still waiting is cancelled, and a waiting digest is
deleted so the planner builds it again without the person.

Rows queued before mentions were recorded, and handlers' replies queued while
Telegram refused them, are found by the person's name (`find_unrecorded`); see
docs/privacy.md for the trade-off.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, and_, delete, exists, insert, null, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.i18n import DEFAULT_LOCALE, N_, translator
from storage.models import ChannelIdentity, Membership, OutboxMessage, Person
from storage.models.outbox_mentions import OutboxMention

REMOVED_TEXT = N_("[This message was removed at the request of a person it named.]")
# Waiting rows of these kinds are deleted, not cancelled: the planner queues them again
# (a digest is rebuilt from the group as it is now, without the erased person).
REBUILT_KINDS = ("digest",)
# Kinds whose text names other people; only these are searched by name. "reply" (bot/reply_bot.py)
# is a handler's answer queued while Telegram refused it: /partner, /digest or a mentee's detail name
# people, and such replies carry no mention records.
NAMING_KINDS = ("peer_pair", "broadcast", "todo_assigned", "digest", "reply")
# Shorter names match too many words to be searched for.
MIN_NAME_LENGTH = 3


def removed_text(locale: str | None) -> str:
    return translator(locale).gettext(REMOVED_TEXT)


def _mentioned(person_id: int) -> Select[tuple[int]]:
    return select(OutboxMention.outbox_id).where(OutboxMention.person_id == person_id)


def _for_others(person_id: int):  # type: ignore[no-untyped-def]
    # The person's own rows are erased with the rest of their data.
    return or_(OutboxMessage.person_id.is_(None), OutboxMessage.person_id != person_id)


def _names(name: str, text: str) -> bool:
    """Whether `text` has `name` as a whole word (so "Ali" is not found in "Alişan")."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


async def find_unrecorded(session: AsyncSession, person_id: int, name: str) -> list[int]:
    """Rows queued without mention records whose text names the person: their name, as a word.

    Only messages of naming kinds, to people who share a programme with the person.
    """
    name = name.strip()
    if len(name) < MIN_NAME_LENGTH:
        return []
    programmes = select(Membership.programme_id).where(Membership.person_id == person_id)
    co_members = select(Membership.person_id).where(
        Membership.programme_id.in_(programmes), Membership.person_id != person_id
    )
    # Queued replies are addressed to a chat, not a person (bot/reply_bot.py).
    co_member_chats = select(ChannelIdentity.chat_id).where(ChannelIdentity.person_id.in_(co_members))
    candidates = await session.execute(
        select(OutboxMessage.id, OutboxMessage.text).where(
            OutboxMessage.kind.in_(NAMING_KINDS),
            or_(
                OutboxMessage.person_id.in_(co_members),
                and_(OutboxMessage.person_id.is_(None), OutboxMessage.chat_id.in_(co_member_chats)),
            ),
            OutboxMessage.text.contains(name, autoescape=True),
            ~exists().where(OutboxMention.outbox_id == OutboxMessage.id),
        )
    )
    return [row_id for row_id, text in candidates if _names(name, text)]


async def clear_mentions(session: AsyncSession, person_id: int, name: str) -> int:
    """Clear every copy of the person in other people's outbox rows; returns how many rows."""
    found = await find_unrecorded(session, person_id, name)
    if found:
        await session.execute(
            insert(OutboxMention), [{"outbox_id": row_id, "person_id": person_id} for row_id in found]
        )
    mentioned, others = _mentioned(person_id), _for_others(person_id)
    waiting = (OutboxMessage.id.in_(mentioned), others, OutboxMessage.status == "pending")
    await session.execute(
        delete(OutboxMessage).where(*waiting, OutboxMessage.kind.in_(REBUILT_KINDS))
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(OutboxMessage).where(*waiting).values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    locales = set(await session.scalars(
        select(Person.locale).distinct().join(OutboxMessage, OutboxMessage.person_id == Person.id)
        .where(OutboxMessage.id.in_(mentioned), others)
    ))
    rewritten = 0
    for locale in sorted(locales | {DEFAULT_LOCALE}):
        readers = select(Person.id).where(Person.locale == locale)
        reader = OutboxMessage.person_id.in_(readers)
        if locale == DEFAULT_LOCALE:  # also rows for a chat rather than a person
            reader = or_(reader, OutboxMessage.person_id.is_(None))
        result = await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(mentioned), others, reader)
            .values(text=removed_text(locale), buttons=null(), attachment=null())
            .execution_options(synchronize_session=False)
        )
        rewritten += result.rowcount or 0
    # The rewritten rows, and the person's own (emptied by the caller), name nobody any more.
    own = select(OutboxMessage.id).where(OutboxMessage.person_id == person_id)
    await session.execute(
        delete(OutboxMention)
        .where(or_(OutboxMention.outbox_id.in_(mentioned), OutboxMention.outbox_id.in_(own)))
        .execution_options(synchronize_session=False)
    )
    return rewritten
