"""A demo programme to try Narbot with at once: its current week is open, and it has a history.

`seed_demo` makes the programme start 29 days before today (in its zone), so
today is the second day of week 5. Each group's rhythm opens the reflection and
the partner check-in on the first day of every week at 08:00, for 96 and 72
hours: both are open now and for two more days at least, whatever the hour. A
group session is planned two days from now; weeks 1 to 4 have reflections,
check-ins, to-dos and a past session with answers from five example mentees
(people without any chat: the bot never writes to them), so `/digest`,
`/report` and the chart have something to show.

Someone who joins a demo group as a mentee is given a peer partner at once
(`pair_newcomer`, called by the join step): the example mentee Elif waits for
one, later newcomers make a trio with the last pair. Outside the demo
programme nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.calendar import Rhythm, Window, WindowKind, window
from mentoring.joining.invites import InviteSpec, create_invite
from mentoring.privacy import notice as notices
from mentoring.privacy.notice import NoticeFields
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from mentoring.reflection.questions import set_for_week
from storage.models import Group, Invite, Membership, Person, Programme, Role
from storage.models.peers import PeerCheckin, PeerPair, PeerPairMember
from storage.models.plans import PlanAreaChoice, PlanGoal
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.schedule import GroupSchedule
from storage.models.sessions import AgendaTopic, GroupSession, SessionRsvp
from storage.models.todos import Todo, TodoReason
from storage.repositories import programmes as repo

DEMO_PROGRAMME = "Nar Taneleri Demo"
DEMO_ZONE = "Europe/Istanbul"
HISTORY_WEEKS = 4  # closed weeks before the current one
CURRENT_WEEK = HISTORY_WEEKS + 1
OPENS_AT = time(8, 0)  # one of the times /rhythm offers
REFLECTION_HOURS, CHECKIN_HOURS = 96, 72  # options /rhythm offers
SESSION_AT = time(18, 0)
GROUPS = (("Ankara 1", "Ankara"), ("İstanbul 1", "İstanbul"))

# Example mentees: confidence (1-5) in weeks 1..4, None for no reflection. The last weeks show
# what a digest flags: Cem's confidence drops, Deniz has not reflected twice, and Cem and Deniz
# disagree whether they met; Cem gives "no time" for his to-dos twice.
MENTEES: tuple[tuple[str, tuple[int | None, ...]], ...] = (
    ("Ayşe", (3, 3, 4, 4)),
    ("Burak", (2, 3, 3, 3)),
    ("Cem", (4, 4, 4, 2)),
    ("Deniz", (3, 4, None, None)),
    ("Elif", (4, 4, 5, 5)),
)
MENTOR = "Selin"
PAIRS = (("Ayşe", "Burak"), ("Cem", "Deniz"))  # Elif waits for a partner: the first newcomer
MET = {1: ("yes", "yes"), 2: ("yes", "no"), 3: ("yes", "yes"), 4: ("yes", "no")}  # by pair index 0, 1
TEXTS = {
    "Ayşe": ("Akşam yemeğinde her çocuğa gününü sordum.", "Küçükler sırayla konuşmayı sevdi."),
    "Burak": ("Oyun saatinde sakin bir köşe hazırladım.", "İki çocuk orada dinlendi."),
    "Cem": ("Ödev saatini kısa parçalara böldüm.", "Bu hafta zor geçti, yorgundum."),
    "Elif": ("Bir çocukla her gün beş dakika baş başa oyun oynadım.", "Bana daha çok güvenmeye başladı."),
}
DEMO_SKILLS = ("listening", "empathy", "encouraging", "problems")
TO_MENTORS = "Bu hafta çok yoruldum; görüşmede zor anlarda sakin kalmayı konuşabilir miyiz?"
ELIF_GOAL = ("Her gün bir çocukla beş dakika baş başa oyun", "Deftere her gün bir satır")


@dataclass(frozen=True)
class DemoInvite:
    label: str
    role: Role
    group: str | None
    code: str
    max_uses: int | None  # None: any number of people may use it


@dataclass(frozen=True)
class DemoWeek:
    """What is open in the demo's current week, for the printout."""

    week: int
    reflection: Window
    checkin: Window
    session_at: datetime
    zone: ZoneInfo


@dataclass(frozen=True)
class Demo:
    invites: list[DemoInvite]
    week: DemoWeek
    created: bool  # False: it existed already (nothing was added)


def rhythm_on(starts_on: date) -> Rhythm:
    """Both windows open on the weekday each programme week starts on, at 08:00."""
    weekday = starts_on.weekday()
    return Rhythm(reflection_weekday=weekday, reflection_time=OPENS_AT, reflection_open_hours=REFLECTION_HOURS,
                  checkin_weekday=weekday, checkin_time=OPENS_AT, checkin_open_hours=CHECKIN_HOURS)


def demo_start(now: datetime) -> date:
    """The first day of a demo seeded at `now`: yesterday is the first day of week 5."""
    return now.astimezone(ZoneInfo(DEMO_ZONE)).date() - timedelta(days=7 * HISTORY_WEEKS + 1)


def demo_week(starts_on: date, now: datetime) -> DemoWeek:
    """The windows of the week `now` falls in (or of the current week when it is reseen later)."""
    zone = ZoneInfo(DEMO_ZONE)
    today = now.astimezone(zone).date()
    week = max(1, (today - starts_on).days // 7 + 1)
    rhythm = rhythm_on(starts_on)
    return DemoWeek(
        week,
        window(WindowKind.REFLECTION, rhythm, starts_on, week, zone),
        window(WindowKind.CHECKIN, rhythm, starts_on, week, zone),
        _local(starts_on + timedelta(days=7 * (week - 1) + 3), SESSION_AT, zone),
        zone,
    )


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


DEMO_NOTICE = NoticeFields(
    institution="Narbot demo: not a real data controller",
    address="none (a demonstration; do not share real data here)",
    contact="the person who showed you this demo",
    email="demo@example.invalid",
)


async def seed_demo(session: AsyncSession, now: datetime, retention_days: int = 180) -> Demo:
    """Create the demo programme once; running it again adds nothing and gives its invites back."""
    existing = await repo.programme_by_name(session, DEMO_PROGRAMME)
    if existing is not None:
        assert existing.starts_on is not None
        return Demo(await _invites_of(session, existing), demo_week(existing.starts_on, now), created=False)
    starts_on = demo_start(now)
    programme = await create_programme(
        session,
        ProgrammeSpec(DEMO_PROGRAMME, starts_on=starts_on, ends_on=starts_on + timedelta(weeks=26, days=-1),
                      timezone=DEMO_ZONE),
        now,
    )
    # The demo's notice says plainly that nobody stands behind it; it asks the transfer-abroad consent,
    # so whoever tries the demo sees every question a real member is asked.
    await notices.load(session, programme.id, DEMO_NOTICE, retention_days, now)
    groups = [await _demo_group(session, programme, name, province, now) for name, province in GROUPS]
    invites: list[DemoInvite] = []
    for role in (Role.MENTEE, Role.MENTOR):  # mentees first: most people try that
        for group in groups:
            invite = await create_invite(
                session, InviteSpec(role, programme, group, max_uses=None, valid_for=None), now
            )
            invites.append(DemoInvite(f"{role.value} · {group.name}", role, group.name, invite.code, None))
    coordinator = await create_invite(
        session, InviteSpec(Role.COORDINATOR, programme, max_uses=None, valid_for=None), now
    )
    invites.append(DemoInvite("coordinator", Role.COORDINATOR, None, coordinator.code, None))
    return Demo(invites, demo_week(starts_on, now), created=True)


async def _invites_of(session: AsyncSession, programme: Programme) -> list[DemoInvite]:
    rows = await session.execute(
        select(Invite, Group.name).outerjoin(Group, Group.id == Invite.group_id)
        .where(Invite.programme_id == programme.id, Invite.revoked_at.is_(None), Invite.max_uses.is_(None))
        .order_by(Invite.id)
    )
    found = [
        DemoInvite(f"{invite.role} · {name}" if name else invite.role, Role(invite.role), name, invite.code, None)
        for invite, name in rows
    ]
    order = {Role.MENTEE: 0, Role.MENTOR: 1, Role.COORDINATOR: 2}
    return sorted(found, key=lambda item: order[item.role])


async def _demo_group(session: AsyncSession, programme: Programme, name: str, province: str,
                      now: datetime) -> Group:
    """A group with its rhythm, five example mentees and a mentor, and four weeks behind it."""
    assert programme.starts_on is not None
    starts_on = programme.starts_on
    zone = ZoneInfo(programme.timezone)
    group = await create_group(session, programme, name, now, province=province)
    rhythm = rhythm_on(starts_on)
    session.add(GroupSchedule(group_id=group.id, **{field: getattr(rhythm, field)
                                                    for field in Rhythm.__dataclass_fields__}))
    joined = _local(starts_on, time(9, 0), zone)
    people: dict[str, int] = {}
    for who in [m for m, _ in MENTEES] + [MENTOR]:
        person = Person(display_name=who, locale="tr", timezone=programme.timezone, created_at=joined)
        session.add(person)
        await session.flush()
        people[who] = person.id
        session.add(Membership(person_id=person.id, programme_id=programme.id, group_id=group.id,
                               role=(Role.MENTOR if who == MENTOR else Role.MENTEE).value, joined_at=joined))
    await session.flush()
    set_id = (await set_for_week(session, programme.id, 1, now)).id
    for who, scores in MENTEES:
        for week, score in enumerate(scores, start=1):
            if score is not None:
                await _reflect(session, set_id, group.id, people[who], week, score, rhythm, starts_on, zone,
                               texts=TEXTS.get(who), to_mentors=TO_MENTORS if (who, week) == ("Cem", 4) else None)
    await _pairs(session, group.id, people, rhythm, starts_on, zone)
    await _plans(session, programme.id, people, joined)
    await _todos(session, group.id, people, rhythm, starts_on, zone)
    await _sessions(session, group.id, people, starts_on, zone, now)
    await session.flush()
    return group


async def _reflect(session: AsyncSession, set_id: int, group_id: int, person_id: int, week: int, score: int,
                   rhythm: Rhythm, starts_on: date, zone: ZoneInfo, *, texts: tuple[str, str] | None,
                   to_mentors: str | None) -> None:
    found = window(WindowKind.REFLECTION, rhythm, starts_on, week, zone)
    at = found.opens_at + timedelta(hours=10)
    reflection = Reflection(person_id=person_id, group_id=group_id, week=week, question_set_id=set_id,
                            closes_at=found.closes_at, started_at=at, submitted_at=at)
    session.add(reflection)
    await session.flush()
    # The default question set's keys (mentoring.reflection.questions.DEFAULT_QUESTIONS).
    answers = [ReflectionAnswer(reflection_id=reflection.id, question_key="plan_tried", kind="choice",
                                choice_value="yes" if score >= 3 else "partly", answered_at=at),
               ReflectionAnswer(reflection_id=reflection.id, question_key="skill", kind="choice",
                                choice_value=DEMO_SKILLS[(person_id + week) % len(DEMO_SKILLS)], answered_at=at),
               ReflectionAnswer(reflection_id=reflection.id, question_key="stress", kind="scale",
                                scale_value=max(1, score - 1) if week == 4 else score, answered_at=at),
               ReflectionAnswer(reflection_id=reflection.id, question_key="confidence", kind="scale",
                                scale_value=score, answered_at=at),
               ReflectionAnswer(reflection_id=reflection.id, question_key="bring_to_session", kind="choice",
                                choice_value="yes" if score <= 2 else "maybe", answered_at=at)]
    if texts:
        answers.append(ReflectionAnswer(reflection_id=reflection.id, question_key="happened", kind="text",
                                        text=" ".join(texts), answered_at=at))
    if to_mentors:
        answers.append(ReflectionAnswer(reflection_id=reflection.id, question_key="to_mentors", kind="text",
                                        text=to_mentors, answered_at=at))
    session.add_all(answers)


async def _pairs(session: AsyncSession, group_id: int, people: dict[str, int], rhythm: Rhythm,
                 starts_on: date, zone: ZoneInfo) -> None:
    created = _local(starts_on, time(10, 0), zone)
    for index, (a, b) in enumerate(PAIRS):
        pair = PeerPair(group_id=group_id, created_by=people[MENTOR], created_at=created)
        session.add(pair)
        await session.flush()
        session.add_all([PeerPairMember(pair_id=pair.id, person_id=people[a]),
                         PeerPairMember(pair_id=pair.id, person_id=people[b])])
        for week, said in MET.items():
            at = window(WindowKind.CHECKIN, rhythm, starts_on, week, zone).opens_at + timedelta(hours=6)
            for who, talked in zip((a, b), (said[0], said[index]), strict=True):
                session.add(PeerCheckin(
                    person_id=people[who], group_id=group_id, pair_id=pair.id, week=week, talked=talked,
                    supported_other=talked == "yes", usefulness=4 if talked == "yes" else None,
                    answered_at=at, completed_at=at))


async def _plans(session: AsyncSession, programme_id: int, people: dict[str, int], at: datetime) -> None:
    for who, area in (("Ayşe", "own_stress"), ("Burak", "own_stress"), ("Cem", "teen_talk"), ("Elif", "own_stress")):
        session.add(PlanAreaChoice(person_id=people[who], programme_id=programme_id, area_key=area, chosen_at=at))
    what, measure = ELIF_GOAL
    session.add(PlanGoal(person_id=people["Elif"], programme_id=programme_id, what=what, measure=measure,
                         due_kind="1m", status="in_progress", shared=True, created_at=at, updated_at=at))


async def _todos(session: AsyncSession, group_id: int, people: dict[str, int], rhythm: Rhythm,
                 starts_on: date, zone: ZoneInfo) -> None:
    def at(week: int) -> datetime:
        return window(WindowKind.REFLECTION, rhythm, starts_on, week, zone).opens_at + timedelta(hours=11)

    items = [
        Todo(person_id=people["Ayşe"], group_id=group_id, text="Sırayla konuşma oyununu iki kez oynamak",
             status="done", week=2, created_at=at(2), updated_at=at(3), closed_at=at(3)),
        Todo(person_id=people["Elif"], group_id=group_id, text="Baş başa oyun saatini deftere yazmak",
             status="open", week=4, due_at=at(4) + timedelta(days=10), created_at=at(4), updated_at=at(4)),
        Todo(person_id=people["Cem"], group_id=group_id, text="Ödev saatine mola eklemek",
             status="not_done", week=3, created_at=at(3), updated_at=at(4), closed_at=at(4)),
        Todo(person_id=people["Cem"], group_id=group_id, text="Ödev saatinde sakin köşe kurmak",
             status="not_done", week=4, created_at=at(4), updated_at=at(4), closed_at=at(4)),
    ]
    session.add_all(items)
    await session.flush()
    for item in items[2:]:
        session.add(TodoReason(todo_id=item.id, person_id=item.person_id, group_id=group_id, reason="shift",
                               week=item.week, created_at=item.updated_at))


async def _sessions(session: AsyncSession, group_id: int, people: dict[str, int], starts_on: date,
                    zone: ZoneInfo, now: datetime) -> None:
    past_topic = AgendaTopic(group_id=group_id, title="Çocuklarla sınır koymak", position=1,
                             covered_at=_local(starts_on + timedelta(days=17), SESSION_AT, zone),
                             created_by=people[MENTOR], created_at=now)
    topic = AgendaTopic(group_id=group_id, title="Zor anlarda sakin kalmak", position=2,
                        created_by=people[MENTOR], created_at=now)
    session.add_all([past_topic, topic])
    await session.flush()
    past = GroupSession(group_id=group_id, starts_at=_local(starts_on + timedelta(days=17), SESSION_AT, zone),
                        place="Toplum Merkezi, 2. kat", topic_id=past_topic.id, reminder_hours=[24, 1],
                        created_by=people[MENTOR], created_at=now - timedelta(days=14))
    coming = GroupSession(group_id=group_id, starts_at=demo_week(starts_on, now).session_at,
                          place="Toplum Merkezi, 2. kat", topic_id=topic.id, reminder_hours=[24, 1],
                          created_by=people[MENTOR], created_at=now)
    session.add_all([past, coming])
    await session.flush()
    for planned, answers in ((past, {"Ayşe": "yes", "Burak": "yes", "Cem": "no", "Elif": "yes", MENTOR: "yes"}),
                             (coming, {"Ayşe": "yes", "Burak": "maybe", "Cem": "no", MENTOR: "yes"})):
        for who, answer in answers.items():
            session.add(SessionRsvp(session_id=planned.id, person_id=people[who], answer=answer,
                                    answered_at=min(now, planned.starts_at - timedelta(days=1))))


async def pair_newcomer(session: AsyncSession, programme: Programme, group_id: int | None, role: str,
                        person_id: int, now: datetime) -> None:
    """A mentee who joined a demo group gets a peer partner at once, so the check-in can be tried today."""
    if programme.name != DEMO_PROGRAMME or group_id is None or role != Role.MENTEE.value:
        return
    from mentoring.peers.pairing import auto_pair  # imported late: pairing imports the join rules

    group = await session.get(Group, group_id)
    assert group is not None
    mentor = await session.scalar(
        select(Membership.person_id).where(Membership.group_id == group_id, Membership.role == Role.MENTOR.value)
        .order_by(Membership.id).limit(1)
    )
    await auto_pair(session, group, mentor if mentor is not None else person_id, now)
