"""A programme with known figures for the report and export tests, written straight into the tables.

Programme "Nar Raporu" (2026-09-07 to 2027-03-07; the clock fixture's Monday
2026-11-23 is week 12). Group A (Ankara): mentors Zeynep (tr) and Mark (en);
mentees Ayşe, John (en) and Can (blocked the bot). Group B (İzmir): mentor
Deniz, mentee Elif. Coordinators Koray (tr) and Carol (en); Olga coordinates
another programme. Every personal text contains "SECRET" so tests can look for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.joining.rules import MemberView
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from storage.models import ChannelIdentity, Group, Programme, Role
from storage.models.peers import PeerCheckin, PeerPair, PeerPairMember
from storage.models.plans import PlanGoal, SelfAssessment
from storage.models.reflections import Reflection, ReflectionAnswer, ReflectionQuestionSet
from storage.models.sessions import GroupSession, SessionAttendance, SessionFeedback
from storage.models.todos import Todo, TodoReason
from tests.support.sessions import make_member

STARTS, ENDS = date(2026, 9, 7), date(2027, 3, 7)
USER_IDS = {"zeynep": 9001, "mark": 9002, "ayse": 9101, "john": 9102, "can": 9103,
            "deniz": 9201, "elif": 9202, "koray": 9301, "carol": 9302, "olga": 9401}
SECRET = "SECRET"


@dataclass
class Reporting:
    programme: Programme
    other: Programme
    group_a: Group
    group_b: Group
    people: dict[str, MemberView]

    def __getattr__(self, name: str) -> MemberView:
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None


async def seed_reporting(sessions: async_sessionmaker[AsyncSession], now: datetime) -> Reporting:
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec("Nar Raporu", STARTS, ENDS), now)
        other = await create_programme(session, ProgrammeSpec("Başka Program", STARTS, ENDS), now)
        group_a = await create_group(session, programme, "Grup A", now, province="Ankara")
        group_b = await create_group(session, programme, "Grup B", now, province="İzmir")
        other_group = await create_group(session, other, "Grup X", now, province="Kars")
    cast = [
        ("zeynep", group_a, Role.MENTOR, "tr"), ("mark", group_a, Role.MENTOR, "en"),
        ("ayse", group_a, Role.MENTEE, "tr"), ("john", group_a, Role.MENTEE, "en"),
        ("can", group_a, Role.MENTEE, "tr"), ("deniz", group_b, Role.MENTOR, "tr"),
        ("elif", group_b, Role.MENTEE, "tr"), ("koray", group_a, Role.COORDINATOR, "tr"),
        ("carol", group_a, Role.COORDINATOR, "en"), ("olga", other_group, Role.COORDINATOR, "tr"),
    ]
    people = {}
    for who, group, role, locale in cast:
        people[who] = await make_member(sessions, now, group, role, USER_IDS[who], name=who.capitalize(),
                                        locale=locale)
    data = Reporting(programme, other, group_a, group_b, people)
    async with sessions.begin() as session:
        await session.execute(update(ChannelIdentity).where(ChannelIdentity.person_id == data.can.person_id)
                              .values(blocked_at=now))
        await _reflections(session, data, now)
        await _plans_and_todos(session, data, now)
        await _sessions(session, data, now)
    return data


async def _reflections(session: AsyncSession, data: Reporting, now: datetime) -> None:
    qset = ReflectionQuestionSet(programme_id=data.programme.id, version=1, effective_from_week=1,
                                 questions=[], created_at=now)
    session.add(qset)
    await session.flush()
    # (who, group, week, confidence, submitted)
    plan = [("ayse", data.group_a, 10, 2, True), ("ayse", data.group_a, 11, 3, True),
            ("ayse", data.group_a, 12, 4, True), ("john", data.group_a, 11, 3, True),
            ("john", data.group_a, 12, 5, False), ("elif", data.group_b, 12, 4, True)]
    for who, group, week, confidence, submitted in plan:
        reflection = Reflection(person_id=data.people[who].person_id, group_id=group.id, week=week,
                                question_set_id=qset.id, closes_at=now, started_at=now,
                                submitted_at=now if submitted else None)
        session.add(reflection)
        await session.flush()
        session.add_all([
            ReflectionAnswer(reflection_id=reflection.id, question_key="confidence", kind="scale",
                             scale_value=confidence, answered_at=now),
            ReflectionAnswer(reflection_id=reflection.id, question_key="tried", kind="text",
                             text=f"{SECRET}-REFLECTION {who}", answered_at=now),
            ReflectionAnswer(reflection_id=reflection.id, question_key="photo", kind="text", file_kind="photo",
                             file_id=f"{SECRET}-FILE", caption=f"{SECRET}-CAPTION", answered_at=now),
        ])


async def _plans_and_todos(session: AsyncSession, data: Reporting, now: datetime) -> None:
    pid = data.programme.id
    for who, status in (("ayse", "done"), ("ayse", "in_progress"), ("john", "not_started")):
        session.add(PlanGoal(person_id=data.people[who].person_id, programme_id=pid, what=f"{SECRET}-GOAL",
                             measure=f"{SECRET}-MEASURE", note=f"{SECRET}-NOTE", due_kind="end", status=status,
                             created_at=now, updated_at=now))
    scores = {"ayse": {"baseline": {"development": 2, "confidence": 3}, "end": {"development": 4, "confidence": 4}},
              "john": {"baseline": {"development": 3}, "end": {"development": 5, "confidence": 5}},
              "can": {"baseline": {"development": 1}},
              "elif": {"baseline": {"development": 3}, "end": {"development": 3}}}
    for who, stages in scores.items():
        for stage, areas in stages.items():
            for key, score in areas.items():
                session.add(SelfAssessment(person_id=data.people[who].person_id, programme_id=pid, stage=stage,
                                           area_key=key, score=score, answered_at=now))
    todos = [("ayse", "done", None), ("ayse", "done", None), ("ayse", "open", None),
             ("ayse", "not_done", "no_time"), ("john", "not_done", "unclear")]
    for who, status, reason in todos:
        person_id = data.people[who].person_id
        todo = Todo(person_id=person_id, group_id=data.group_a.id, text=f"{SECRET}-TODO", status=status,
                    due_kind="none", week=11, created_at=now, updated_at=now)
        session.add(todo)
        await session.flush()
        if reason:
            session.add(TodoReason(todo_id=todo.id, person_id=person_id, group_id=data.group_a.id, reason=reason,
                                   text=f"{SECRET}-REASON", week=11, created_at=now))


async def _sessions(session: AsyncSession, data: Reporting, now: datetime) -> None:
    def held(group: Group, days_ago: int, status: str = "planned") -> GroupSession:
        return GroupSession(group_id=group.id, starts_at=now - timedelta(days=days_ago), place="Salon",
                            reminder_hours=[24], status=status, created_at=now, minutes=f"{SECRET}-MINUTES")

    s1, s2, s3 = held(data.group_a, 14), held(data.group_a, 7), held(data.group_a, -7)
    s4, s5 = held(data.group_a, 3, "cancelled"), held(data.group_b, 7)
    session.add_all([s1, s2, s3, s4, s5])
    await session.flush()
    attended = [(s1, "ayse", 4), (s1, "john", 5), (s2, "ayse", 3), (s5, "elif", 2)]
    for item, who, usefulness in attended:
        person_id = data.people[who].person_id
        session.add(SessionAttendance(session_id=item.id, person_id=person_id, marked_at=now))
        session.add(SessionFeedback(session_id=item.id, person_id=person_id, usefulness=usefulness,
                                    takeaway=f"{SECRET}-TAKEAWAY", answered_at=now))
    pair = PeerPair(group_id=data.group_a.id, created_at=now)
    session.add(pair)
    await session.flush()
    session.add_all([PeerPairMember(pair_id=pair.id, person_id=data.ayse.person_id),
                     PeerPairMember(pair_id=pair.id, person_id=data.john.person_id),
                     PeerCheckin(person_id=data.ayse.person_id, group_id=data.group_a.id, pair_id=pair.id, week=12,
                                 talked="yes", usefulness=4, completed_at=now, answered_at=now)])
