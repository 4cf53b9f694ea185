"""Progress reports (per mentee) and the programme overview, on seeded data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from mentoring.i18n import translator
from mentoring.reports.overview import programme_overview
from mentoring.reports.rules import due_stage, group_progress, plan_progress_reports, stage_moments
from mentoring.reports.texts import render_overview, render_progress
from storage.models import ChannelIdentity, Membership, OutboxMessage, Person, Role
from tests.support.reporting import SECRET, seed_reporting


async def test_progress_figures_per_mentee(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        report = await group_progress(session, data.group_a.id, clock.now())
    assert report is not None and report.week == 12
    by_name = {m.name: m for m in report.mentees}
    assert set(by_name) == {"Ayse", "John", "Can"}  # mentees only, not the mentors
    ayse, john, can = by_name["Ayse"], by_name["John"], by_name["Can"]
    assert dict(ayse.goals) == {"done": 1, "in_progress": 1}
    assert (ayse.todos["done"], ayse.todos["open"], ayse.todos["not_done"]) == (2, 1, 1)
    assert dict(ayse.reasons) == {"no_time": 1}
    assert ayse.reflections == 3
    assert ayse.confidence == [(10, 2), (11, 3), (12, 4)] and ayse.confidence_change == 2
    # John's week-12 draft is not submitted: neither counted nor in the trend.
    assert john.reflections == 1 and john.confidence == [(11, 3)] and john.confidence_change is None
    assert dict(john.reasons) == {"unclear": 1}
    assert can.reflections == 0 and not can.todos and not can.goals


async def test_progress_text_in_both_languages_without_personal_texts(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        report = await group_progress(session, data.group_a.id, clock.now())
    assert report is not None
    turkish = "\n".join(render_progress(translator("tr"), report, "mid"))
    english = "\n".join(render_progress(translator("en"), report, "mid"))
    assert "Mid-programme progress report: Grup A" in english
    assert "Confidence (1-5): 2 → 3 → 4 (change +2)" in english
    assert "To-dos: 2 done, 1 open, 1 not done" in english
    assert "No time ×1" in english
    assert "Reflections submitted: 3 of 12 weeks" in english
    assert "Grup A" in turkish and "Confidence" not in turkish and "2 → 3 → 4" in turkish
    assert SECRET not in turkish + english


async def test_overview_per_province(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions() as session:
        overview = await programme_overview(session, data.programme.id, clock.now())
    assert overview is not None and overview.weeks == [9, 10, 11, 12]
    total = overview.total
    assert (total.groups, total.mentees, total.mentors, total.unreachable) == (2, 4, 3, 1)
    assert total.submitted == {10: 1, 11: 2, 12: 2}
    assert (total.sessions_held, total.attended, total.expected) == (3, 4, 7)
    ankara = next(p for p in overview.provinces if p.name == "Ankara")
    assert (ankara.groups, ankara.mentees, ankara.sessions_held, ankara.attended, ankara.expected) == (1, 3, 2, 3, 6)
    izmir = next(p for p in overview.provinces if p.name == "İzmir")
    assert izmir.submitted == {12: 1} and (izmir.attended, izmir.expected) == (1, 1)
    english = render_overview(translator("en"), overview, ankara.province_id)
    assert "Sessions held: 2 · attendance: 50%" in english
    assert "week 11: <3/3" in english  # two people: a small cell
    assert "Başka Program" not in render_overview(translator("tr"), overview)


async def test_stages_fall_due_in_the_middle_and_at_the_end(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    moments = stage_moments(data.programme)
    assert moments["mid"] == datetime(2026, 12, 6, 7, 0, tzinfo=UTC)  # day 90 of 181, 10:00 in Istanbul
    assert due_stage(data.programme, moments["mid"] - timedelta(minutes=1)) is None
    assert due_stage(data.programme, moments["mid"]) == "mid"
    assert due_stage(data.programme, moments["mid"] + timedelta(days=20)) is None  # too late to send
    assert due_stage(data.programme, moments["end"] + timedelta(hours=1)) == "end"


async def test_plan_progress_reports_queues_each_mentor_once(sessions, clock):
    data = await seed_reporting(sessions, clock.now())
    async with sessions.begin() as session:
        assert await plan_progress_reports(session, clock.now()) == 0  # week 12: nothing due yet
    clock.set(stage_moments(data.programme)["mid"] + timedelta(minutes=5))
    async with sessions.begin() as session:
        assert await plan_progress_reports(session, clock.now()) == 3
    async with sessions.begin() as session:
        assert await plan_progress_reports(session, clock.now()) == 0  # idempotent
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    keys = {row.idempotency_key for row in rows}
    assert keys == {f"progress:{data.group_a.id}:mid:{data.zeynep.person_id}",
                    f"progress:{data.group_a.id}:mid:{data.mark.person_id}",
                    f"progress:{data.group_b.id}:mid:{data.deniz.person_id}"}
    mark = next(r for r in rows if r.person_id == data.mark.person_id)
    assert "mid-programme progress report of Grup A" in mark.text
    assert mark.buttons == [[{"text": "Open the progress report", "data": f"rpt:g:{data.group_a.id}:0"}]]
    zeynep = next(r for r in rows if r.person_id == data.zeynep.person_id)
    assert "Grup A" in zeynep.text and "progress report" not in zeynep.text
    clock.set(stage_moments(data.programme)["end"] + timedelta(hours=2))
    async with sessions.begin() as session:
        assert await plan_progress_reports(session, clock.now()) == 3


async def test_the_overview_of_a_programme_larger_than_a_statements_bind_parameters(sessions, clock):
    """asyncpg takes at most 32,767 bind parameters: reachability is asked beside each member."""
    data = await seed_reporting(sessions, clock.now())
    now = clock.now()
    extra = 33_000
    async with sessions.begin() as session:
        ids = (await session.execute(insert(Person).returning(Person.id), [
            {"display_name": f"M{n}", "locale": "tr", "timezone": "Europe/Istanbul", "created_at": now}
            for n in range(extra)])).scalars().all()
        await session.execute(insert(Membership), [
            {"person_id": pid, "programme_id": data.programme.id, "group_id": data.group_a.id,
             "role": Role.MENTEE.value, "joined_at": now} for pid in ids])
        # Every other one can be written to; a few of those blocked the bot.
        await session.execute(insert(ChannelIdentity), [
            {"person_id": pid, "channel": "telegram", "external_user_id": str(9_000_000 + n),
             "chat_id": str(9_000_000 + n), "created_at": now,
             "blocked_at": now if n % 10 == 0 else None}
            for n, pid in enumerate(ids) if n % 2 == 0])
    async with sessions() as session:
        overview = await programme_overview(session, data.programme.id, now)
    assert overview is not None
    reachable = sum(1 for n in range(extra) if n % 2 == 0 and n % 10 != 0)
    assert overview.total.mentees == 4 + extra
    assert overview.total.unreachable == 1 + extra - reachable
