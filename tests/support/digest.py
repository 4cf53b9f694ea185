"""A group's two weeks, written straight into the database, for the digest tests.

Programme from Monday 23 November 2026 to 23 May 2027 (26 weeks), default
rhythm: week 2's reflection window closes on Monday 7 December, 07:00 UTC.

| mentee | week 1 | week 2 | other |
|---|---|---|---|
| Ayşe  | confidence 4 | confidence 2, texts, a message to the mentors | to-dos: 1 done, 2 open (1 overdue); area "confidence"; partner of Burak (both met) |
| Burak | confidence 3 | confidence 4, *numbers only* with texts | area "confidence"; RSVP no |
| Cem   | — | — | "no time" twice (weeks 1 and 2); partner of Deniz, says they did not meet |
| Deniz | — | confidence 3, a 300-character text | "unclear" once; area "peers"; says they met |
| Elif  | confidence 5 | — | blocked the bot |

Mentors: Mert (Turkish, Istanbul) and Maria (English, America/New_York). A
session on 10 December 14:00 UTC with the agenda topic "Aktif dinleme".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.privacy.consent import NOTICE_VERSION
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from mentoring.reflection.questions import set_for_week
from storage.models import ChannelIdentity, ConsentRecord, Membership, Person, Role
from storage.models.peers import PeerCheckin, PeerPair, PeerPairMember
from storage.models.plans import PlanAreaChoice, PlanGoal
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.sessions import AgendaTopic, GroupSession, SessionRsvp
from storage.models.todos import Todo, TodoReason

STARTS_ON = date(2026, 11, 23)
ENDS_ON = date(2027, 5, 23)
WEEK2_CLOSES = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
TR_MORNING = datetime(2026, 12, 8, 6, 0, tzinfo=UTC)  # 09:00 Istanbul
EN_MORNING = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # 09:00 New York
SESSION_AT = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
LONG_TEXT = "Çocuklarla " + "uzun bir gün geçirdik ve " * 12
MESSAGE = "Bu hafta çok yoruldum, görüşmede konuşalım."
SECRET = "Bunu mentorlar görmemeli"


@dataclass
class Seeded:
    programme_id: int
    group_id: int
    people: dict[str, int]  # name -> person id
    external: dict[str, str]  # name -> Telegram user id


async def _person(session: AsyncSession, name: str, external: str, locale: str, zone: str, now: datetime,
                  *, blocked: bool = False) -> int:
    person = Person(display_name=name, locale=locale, timezone=zone, created_at=now)
    session.add(person)
    await session.flush()
    session.add(ChannelIdentity(person_id=person.id, channel="telegram", external_user_id=external,
                                chat_id=external, created_at=now, blocked_at=now if blocked else None))
    session.add(ConsentRecord(person_id=person.id, notice_version=NOTICE_VERSION, accepted_at=now))
    return person.id


async def _reflect(session: AsyncSession, set_id: int, person: int, group: int, week: int, now: datetime,
                   confidence: int | None, texts: dict[str, str] | None = None, numbers_only: bool = False) -> None:
    reflection = Reflection(person_id=person, group_id=group, week=week, question_set_id=set_id,
                            closes_at=now, started_at=now, submitted_at=now, numbers_only=numbers_only)
    session.add(reflection)
    await session.flush()
    if confidence is not None:
        session.add(ReflectionAnswer(reflection_id=reflection.id, question_key="confidence", kind="scale",
                                     scale_value=confidence, answered_at=now))
    for key, text in (texts or {}).items():
        session.add(ReflectionAnswer(reflection_id=reflection.id, question_key=key, kind="text", text=text,
                                     answered_at=now))


async def seed_group(sessions: async_sessionmaker[AsyncSession], now: datetime, *, name: str = "Grup 1",
                     base: int = 7000) -> Seeded:
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec(f"Nar {name}", STARTS_ON, ENDS_ON), now)
        group = await create_group(session, programme, name, now)
        people: dict[str, int] = {}
        external: dict[str, str] = {}
        specs = [("Ayşe", "tr", "Europe/Istanbul", Role.MENTEE), ("Burak", "tr", "Europe/Istanbul", Role.MENTEE),
                 ("Cem", "tr", "Europe/Istanbul", Role.MENTEE), ("Deniz", "tr", "Europe/Istanbul", Role.MENTEE),
                 ("Elif", "tr", "Europe/Istanbul", Role.MENTEE), ("Mert", "tr", "Europe/Istanbul", Role.MENTOR),
                 ("Maria", "en", "America/New_York", Role.MENTOR)]
        for index, (who, locale, zone, role) in enumerate(specs):
            external[who] = str(base + index)
            people[who] = await _person(session, who, external[who], locale, zone, now, blocked=who == "Elif")
            session.add(Membership(person_id=people[who], programme_id=programme.id, group_id=group.id,
                                   role=role.value, joined_at=now))
        set_id = (await set_for_week(session, programme.id, 1, now)).id
        g, p = group.id, people
        await _reflect(session, set_id, p["Ayşe"], g, 1, now, 4)
        await _reflect(session, set_id, p["Ayşe"], g, 2, now, 2,
                       {"happened": "Oyunla sakinleştirmeyi denedim.", "to_mentors": MESSAGE})
        await _reflect(session, set_id, p["Burak"], g, 1, now, 3)
        await _reflect(session, set_id, p["Burak"], g, 2, now, 4, {"to_mentors": SECRET}, numbers_only=True)
        await _reflect(session, set_id, p["Deniz"], g, 2, now, 3, {"happened": LONG_TEXT})
        await _reflect(session, set_id, p["Elif"], g, 1, now, 5)
        pairs = []
        for a, b in (("Ayşe", "Burak"), ("Cem", "Deniz")):
            pair = PeerPair(group_id=g, created_at=now)
            session.add(pair)
            await session.flush()
            session.add_all([PeerPairMember(pair_id=pair.id, person_id=p[a]),
                             PeerPairMember(pair_id=pair.id, person_id=p[b])])
            pairs.append(pair.id)

        for who, pair, talked in (("Ayşe", 0, "yes"), ("Burak", 0, "yes"), ("Cem", 1, "no"), ("Deniz", 1, "yes")):
            session.add(PeerCheckin(person_id=p[who], group_id=g, pair_id=pairs[pair], week=2, talked=talked,
                                    answered_at=now, completed_at=now))

        def todo(who: str, status: str, due_at: datetime | None = None, week: int = 1) -> Todo:
            return Todo(person_id=p[who], group_id=g, text=f"{who} {status}", status=status, due_at=due_at,
                        week=week, created_at=now, updated_at=now)

        todos = [todo("Ayşe", "done"), todo("Ayşe", "open", WEEK2_CLOSES - timedelta(days=1)),
                 todo("Ayşe", "open", WEEK2_CLOSES + timedelta(days=30)),
                 todo("Cem", "not_done"), todo("Cem", "not_done", week=2), todo("Deniz", "not_done")]
        session.add_all(todos)
        await session.flush()
        for item, reason, week in ((todos[3], "no_time", 1), (todos[4], "no_time", 2), (todos[5], "unclear", 2)):
            session.add(TodoReason(todo_id=item.id, person_id=item.person_id, group_id=g, reason=reason,
                                   week=week, created_at=now))
        for who, key in (("Ayşe", "confidence"), ("Burak", "confidence"), ("Deniz", "peers")):
            session.add(PlanAreaChoice(person_id=p[who], programme_id=programme.id, area_key=key, chosen_at=now))
        session.add(PlanGoal(person_id=p["Ayşe"], programme_id=programme.id, what="Her gün bir çocukla oyun",
                             measure="defter", due_kind="1m", status="in_progress", created_at=now, updated_at=now))
        topic = AgendaTopic(group_id=g, title="Aktif dinleme", position=1, created_at=now)
        session.add(topic)
        await session.flush()
        planned = GroupSession(group_id=g, starts_at=SESSION_AT, place="Toplantı odası", topic_id=topic.id,
                               reminder_hours=[24, 1], created_at=now)
        session.add(planned)
        await session.flush()
        for who, answer in (("Ayşe", "yes"), ("Burak", "no"), ("Mert", "maybe")):
            session.add(SessionRsvp(session_id=planned.id, person_id=p[who], answer=answer, answered_at=now))
        return Seeded(programme.id, g, people, external)
