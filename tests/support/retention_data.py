"""Programmes past and within retention, with every kind of text retention clears (real schema).

Old ended RETENTION_DAYS_AFTER_PROGRAMME + 1 days before `now`, Recent 170 days before, Running
has not ended. Ali is a mentee of Old only; Banu of Old and Running; Cem of Recent; Mert mentors
Old and Running. Texts name their owner, so a test reads at a glance what went and what stayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ChannelIdentity, Group, Membership, OutboxMessage, Role
from storage.models.broadcasts import Broadcast
from storage.models.outbox_mentions import OutboxMention
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.sessions import GroupSession, SessionFeedback
from tests.support.waves import add_group, add_mentee, add_programme, submit_reflection

DAYS = 180


@dataclass
class Cast:
    old: int
    recent: int
    running: int
    ali: int
    banu: int
    cem: int
    mert: int
    ali_chat: str


async def _answer(session: AsyncSession, group: Group, person: int, now: datetime, **values: object) -> None:
    await submit_reflection(session, group, person, 1, now)
    reflection = await session.scalar(
        select(Reflection.id).where(Reflection.person_id == person, Reflection.group_id == group.id))
    session.add(ReflectionAnswer(reflection_id=reflection, question_key="q1", kind="text", answered_at=now,
                                 **values))


async def _session_with_minutes(session: AsyncSession, group: Group, now: datetime, minutes: str) -> int:
    found = GroupSession(group_id=group.id, starts_at=now, place="Oda 1", reminder_hours=[24], created_at=now,
                         minutes=minutes, minutes_at=now)
    session.add(found)
    await session.flush()
    return found.id


def _row(key: str, kind: str, text: str, now: datetime, **values: object) -> OutboxMessage:
    values.setdefault("status", "sent")
    return OutboxMessage(idempotency_key=key, kind=kind, text=text, not_before=now, created_at=now, **values)


async def build(sessions: async_sessionmaker[AsyncSession], now: datetime) -> Cast:
    today = now.date()
    async with sessions.begin() as session:
        old = await add_programme(session, now, date(2025, 9, 1), ends_on=today - timedelta(days=DAYS + 1),
                                  name="Eski")
        recent = await add_programme(session, now, date(2025, 12, 1), ends_on=today - timedelta(days=170),
                                     name="Yakın")
        running = await add_programme(session, now, today - timedelta(days=30), name="Süren")
        old_group = await add_group(session, old, now, "Eski 1")
        recent_group = await add_group(session, recent, now, "Yakın 1")
        running_group = await add_group(session, running, now, "Süren 1")
        ali = await add_mentee(session, old_group, now)
        banu = await add_mentee(session, old_group, now)
        cem = await add_mentee(session, recent_group, now)
        mert = await add_mentee(session, old_group, now, role=Role.MENTOR)
        for person, role in ((banu, Role.MENTEE), (mert, Role.MENTOR)):
            session.add(Membership(person_id=person, programme_id=running.id, group_id=running_group.id,
                                   role=role.value, joined_at=now))
        await session.flush()
        ali_chat = await session.scalar(select(ChannelIdentity.chat_id).where(ChannelIdentity.person_id == ali))
        assert ali_chat is not None

        # Reflections: a text and a voice note (a media reference), a photo with its caption.
        await _answer(session, old_group, ali, now, text="Ali yansıma", file_kind="voice", file_id="voice-ali",
                      file_duration=12)
        await _answer(session, old_group, banu, now, file_kind="photo", file_id="photo-banu",
                      caption="Banu fotoğraf")
        await _answer(session, running_group, banu, now, text="Banu süren yansıma")
        await _answer(session, recent_group, cem, now, text="Cem yansıma")
        # Session minutes, and Banu's feedback on a session of each of her programmes.
        old_session = await _session_with_minutes(session, old_group, now, "Eski tutanak")
        running_session = await _session_with_minutes(session, running_group, now, "Süren tutanak")
        await _session_with_minutes(session, recent_group, now, "Yakın tutanak")
        for session_id, takeaway in ((old_session, "Banu eski ders"), (running_session, "Banu süren ders")):
            session.add(SessionFeedback(session_id=session_id, person_id=banu, usefulness=4, takeaway=takeaway,
                                        answered_at=now))
        # Old's announcement, written by Mert, and its copy to Banu.
        broadcast = Broadcast(programme_id=old.id, person_id=mert, status="done", text="Eski duyuru",
                              created_at=now)
        session.add(broadcast)
        await session.flush()
        digest = _row("digest:old", "digest", "Özet: Ali", now, person_id=mert)
        session.add_all([
            _row("prompt:ali", "reflection_prompt", "Ali istem", now, person_id=ali),
            _row("late:ali", "reflection_reminder", "Ali bekleyen", now, person_id=ali, status="pending"),
            _row("reply:ali", "reply", "Ali yanıt", now, chat_id=ali_chat),
            digest,
            _row("broadcast:banu", "broadcast", "Eski duyuru", now, person_id=banu,
                 batch_key=f"broadcast:{broadcast.id}", attachment={"type": "document", "path": "/tmp/x.pdf"}),
            _row("digest:running", "digest", "Özet: Banu", now, person_id=mert),
            _row("prompt:cem", "reflection_prompt", "Cem istem", now, person_id=cem),
        ])
        await session.flush()
        session.add(OutboxMention(outbox_id=digest.id, person_id=ali))
    return Cast(old.id, recent.id, running.id, ali, banu, cem, mert, ali_chat)


# What retention clears in Old, per table (values), and the texts that stay.
CLEARED = {
    "reflection_answers": 4,  # Ali's text and voice note, Banu's photo and caption
    "group_sessions": 1,
    "session_feedback": 1,
    "broadcasts": 1,
    "outbox_messages": 5,  # Ali's two rows and reply, the digest naming Ali, the announcement's copy
}
STAYING = {"Banu süren yansıma", "Cem yansıma", "Süren tutanak", "Yakın tutanak", "Banu süren ders",
           "Özet: Banu", "Cem istem"}
GOING = {"Ali yansıma", "voice-ali", "photo-banu", "Banu fotoğraf", "Eski tutanak", "Banu eski ders",
         "Eski duyuru", "Ali istem", "Ali bekleyen", "Ali yanıt", "Özet: Ali"}


async def texts(sessions: async_sessionmaker[AsyncSession]) -> set[str]:
    """Every text and media reference the cast wrote or was sent, as stored now."""
    async with sessions() as session:
        found: set[str | None] = set()
        for column in (ReflectionAnswer.text, ReflectionAnswer.file_id, ReflectionAnswer.caption,
                       GroupSession.minutes, SessionFeedback.takeaway, Broadcast.text, OutboxMessage.text):
            found |= set((await session.scalars(select(column))).all())
    return {text for text in found if text}
