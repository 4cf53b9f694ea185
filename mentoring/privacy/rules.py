"""A person's rights under KVKK: see everything stored about them (/mydata), and be forgotten (/forgetme).

Both walk the schema (mentoring.privacy.personal_data), so tables added by later
features are exported and erased without changes here.
"""

from __future__ import annotations

import base64
import enum
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, func, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit, conversation
from mentoring.objections.rules import PersonFlag, person_flags
from mentoring.privacy.consent import NOTICE_VERSION, cancel_pending_messages
from mentoring.privacy.mentions import clear_mentions
from mentoring.privacy.personal_data import clear_personal, owned_tables, person_is
from storage.models import (
    ChannelIdentity,
    ConsentRecord,
    Invite,
    InviteRedemption,
    Membership,
    OutboxMessage,
    Person,
)
from storage.models.privacy import AuditEntry

# What an erased person is called wherever a name is shown.
ERASED_NAME = "—"
PAGE_SIZE = 500
# Keeps the file well under Telegram's 50 MB upload limit even for a very active person.
MAX_ROWS_PER_TABLE = 5000


@dataclass(frozen=True)
class ConsentView:
    notice_version: str
    accepted_at: datetime | None
    withdrawn_at: datetime | None


@dataclass
class PersonExport:
    """Everything stored about a person, as JSON, with the figures for a readable summary."""

    content: bytes
    counts: dict[str, int]  # table -> rows stored about the person
    truncated: list[str] = field(default_factory=list)  # tables cut at MAX_ROWS_PER_TABLE
    consents: list[ConsentView] = field(default_factory=list)
    # The digest's flags about the person (results of automated analysis, KVKK art. 11(g)).
    automated: list[PersonFlag] = field(default_factory=list)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot put {type(value).__name__} into JSON")


async def _rows(
    session: AsyncSession, table: Table, condition: Any
) -> tuple[list[dict[str, Any]], int, bool]:
    """The rows matching `condition`, page by page, up to the cap; with the full count."""
    total = await session.scalar(select(func.count()).select_from(table).where(condition)) or 0
    rows: list[dict[str, Any]] = []
    order = list(table.primary_key.columns) or list(table.columns)
    while len(rows) < min(total, MAX_ROWS_PER_TABLE):
        page = await session.execute(
            select(table).where(condition).order_by(*order)
            .limit(min(PAGE_SIZE, MAX_ROWS_PER_TABLE - len(rows))).offset(len(rows))
        )
        batch = [dict(row._mapping) for row in page]
        if not batch:
            break
        rows.extend(batch)
    return rows, total, total > len(rows)


async def export_person(session: AsyncSession, person_id: int, now: datetime,
                        label: Callable[[str], str] | None = None) -> PersonExport:
    """Gather every row about the person (their own, and detail rows under them) and log the export.

    `label` names a kind of record (a table) in the reader's words: the file opens with
    "contents", each kind by that name with where its rows are and how many there are.
    """
    people = Person.__table__
    person_rows, _total, _cut = await _rows(session, people, people.c.id == person_id)
    tables: dict[str, list[dict[str, Any]]] = {}
    counts: dict[str, int] = {}
    truncated: list[str] = []
    for owned in owned_tables():
        rows, total, cut = await _rows(session, owned.table, owned.rows(person_is(person_id)))
        if total:
            tables[owned.table.name], counts[owned.table.name] = rows, total
        if cut:
            truncated.append(owned.table.name)
    audit_table = AuditEntry.__table__
    about, total, cut = await _rows(session, audit_table, audit_table.c.subject_person_id == person_id)
    if total:
        tables[audit_table.name], counts[audit_table.name] = about, total
    if cut:
        truncated.append(audit_table.name)
    document = {
        "generated_at": now,
        "contents": [
            {"what": label(name), "records": counts[name], "where": f"tables.{name}"}
            for name in sorted(tables, key=label)
        ] if label is not None else [],
        "current_notice_version": NOTICE_VERSION,
        "person": person_rows[0] if person_rows else None,
        "tables": tables,
        "truncated": {
            name: f"only the first {MAX_ROWS_PER_TABLE} of {counts[name]} rows; ask the programme "
                  "coordinator for the rest"
            for name in truncated
        },
    }
    consents = [
        ConsentView(row["notice_version"], row["accepted_at"], row["withdrawn_at"])
        for row in tables.get(ConsentRecord.__tablename__, [])
    ]
    automated = await person_flags(session, person_id, now)
    document["automated_results"] = [
        {"group": f.group_name, "week": f.week, "flag": f.kind.value, "detail": f.detail, "seen_by": "mentors"}
        for f in automated
    ]
    await audit.record(session, person_id, audit.MYDATA_EXPORT, person_id,
                       {"rows": sum(counts.values())}, now=now)
    content = json.dumps(document, default=_jsonable, ensure_ascii=False, indent=2).encode("utf-8")
    return PersonExport(content=content, counts=counts, truncated=truncated, consents=consents,
                        automated=automated)


async def erase_person(session: AsyncSession, person_id: int, now: datetime) -> dict[str, int] | None:
    """Erase the person's texts, name and channel identities; keep pseudonymous figures.

    Other people's messages that name or quote the person lose their text too
    (mentoring.privacy.mentions). Returns how many values were cleared per table, or
    None if there was no one to erase.
    """
    person = await session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        return None
    cleared = await clear_personal(session, person_is(person_id))
    await cancel_pending_messages(session, person_id)
    # Messages addressed to the person carry their name and their own words.
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.person_id == person_id)
        .values(text="", buttons=null(), attachment=null(), chat_id=None)
    )
    # Replies queued while Telegram refused them are addressed to the person's chat, not to them.
    own_chats = select(ChannelIdentity.chat_id).where(ChannelIdentity.person_id == person_id)
    own_replies = (OutboxMessage.person_id.is_(None), OutboxMessage.chat_id.in_(own_chats))
    await session.execute(
        update(OutboxMessage).where(*own_replies, OutboxMessage.status == "pending")
        .values(status="cancelled")
    )
    await session.execute(
        update(OutboxMessage).where(*own_replies).values(text="", buttons=null(), attachment=null())
    )
    # Messages to others that name them (a partner notice, a signed announcement, a digest).
    others_messages = await clear_mentions(session, person_id, person.display_name)
    # A roster invite carries the invitee's name.
    await session.execute(
        update(Invite)
        .where(Invite.id.in_(
            select(InviteRedemption.invite_id).where(InviteRedemption.person_id == person_id)
        ))
        .values(invitee_name=None)
    )
    await conversation.clear(session, person_id)
    await session.execute(delete(ChannelIdentity).where(ChannelIdentity.person_id == person_id))
    await session.execute(
        update(Membership).where(Membership.person_id == person_id, Membership.left_at.is_(None))
        .values(left_at=now)
    )
    await session.execute(
        update(ConsentRecord)
        .where(ConsentRecord.person_id == person_id, ConsentRecord.accepted_at.is_not(None),
               ConsentRecord.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    person.display_name = ERASED_NAME
    person.paused_until = None
    person.erased_at = now
    await audit.record(session, person_id, audit.FORGETME, person_id,
                       {"cleared": cleared, "others_messages": others_messages}, now=now)
    await session.flush()
    return cleared
