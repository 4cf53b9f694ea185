"""A mentor's group in the console (issue #16): the week's digest, the agenda, sessions and RSVPs.

Through the console's ASGI app on both databases, on the reporting world (tests/support/reporting.py,
week 12) plus `mentor_world`'s additions.
"""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from mentoring.console import mentor, mentor_agenda, mentor_sessions
from storage.models import Person, Role
from storage.models.agenda import AgendaProposal
from storage.models.outbox import OutboxMessage
from storage.models.peers import PeerCheckin
from storage.models.privacy import AuditEntry
from storage.models.reflections import Reflection, ReflectionAnswer, ReflectionQuestionSet
from storage.models.safeguarding import SafeguardingConcern
from storage.models.sessions import AgendaTopic, GroupSession, SessionMinutesAck, SessionRsvp
from tests.support.console import csrf_of, logged_in
from tests.support.reporting import SECRET, USER_IDS
from tests.support.sessions import make_member

NUMBERS_ONLY_TEXT = "HIDDEN-NUMBERS-ONLY-TEXT"
VOICE_ID = "HIDDEN-VOICE-FILE-ID"
WORRY_NOTE = "A worry note without names"


@pytest.fixture
async def seeded(sessions, clock, world):
    return await add_mentor_world(sessions, world, clock.now())


async def add_mentor_world(sessions, data, now):
    """Week 11: Can's "numbers only" reflection (a text and a voice note the mentors must not get), a voice
    note in Ayşe's; John met his partner and raised a worry yesterday; an agenda topic and two proposals
    (Ayşe's words, John's none); answers to the upcoming session; minutes of last week's, read by Ayşe.
    Mark reads London time."""
    async with sessions.begin() as session:
        qset = await session.scalar(select(ReflectionQuestionSet).limit(1))
        can = Reflection(person_id=data.can.person_id, group_id=data.group_a.id, week=11, question_set_id=qset.id,
                         closes_at=now, started_at=now, submitted_at=now, numbers_only=True)
        session.add(can)
        await session.flush()
        session.add_all([
            ReflectionAnswer(reflection_id=can.id, question_key="confidence", kind="scale", scale_value=3,
                             answered_at=now),
            ReflectionAnswer(reflection_id=can.id, question_key="hard", kind="text", text=NUMBERS_ONLY_TEXT,
                             answered_at=now),
            ReflectionAnswer(reflection_id=can.id, question_key="to_mentors", kind="text", file_kind="voice",
                             file_id=VOICE_ID, answered_at=now),
        ])
        ayse11 = await session.scalar(select(Reflection).where(
            Reflection.person_id == data.ayse.person_id, Reflection.week == 11))
        session.add(ReflectionAnswer(reflection_id=ayse11.id, question_key="to_mentors", kind="text",
                                     file_kind="voice", file_id=VOICE_ID, answered_at=now))
        pair = await session.scalar(select(PeerCheckin.pair_id).limit(1))
        session.add(PeerCheckin(person_id=data.john.person_id, group_id=data.group_a.id, pair_id=pair, week=11,
                                talked="yes", usefulness=4, completed_at=now, answered_at=now))
        await session.execute(update(Person).where(Person.id == data.mark.person_id)
                              .values(timezone="Europe/London"))
        session.add(SafeguardingConcern(person_id=data.john.person_id, group_id=data.group_a.id, note=WORRY_NOTE,
                                        created_at=now - timedelta(days=1)))
        session.add(AgendaTopic(group_id=data.group_a.id, title="Shift handovers", position=1, created_at=now))
        session.add_all([
            AgendaProposal(group_id=data.group_a.id, person_id=data.ayse.person_id, text="Talking with teenagers",
                           status="pending", created_at=now),
            AgendaProposal(group_id=data.group_a.id, person_id=data.john.person_id, reflection_id=None, text=None,
                           status="pending", created_at=now),
        ])
        upcoming = await session.scalar(select(GroupSession).where(
            GroupSession.group_id == data.group_a.id, GroupSession.starts_at > now))
        session.add_all([
            SessionRsvp(session_id=upcoming.id, person_id=data.zeynep.person_id, answer="yes", answered_at=now),
            SessionRsvp(session_id=upcoming.id, person_id=data.ayse.person_id, answer="no", answered_at=now),
        ])
        held = await session.scalar(select(GroupSession).where(
            GroupSession.group_id == data.group_a.id, GroupSession.starts_at == now - timedelta(days=7)))
        held.minutes_version, held.minutes_by, held.minutes_at = 1, data.mark.person_id, now
        held.attendance_recorded_at = now
        session.add(SessionMinutesAck(session_id=held.id, person_id=data.ayse.person_id, minutes_version=1,
                                      acknowledged_at=now))
    return data



async def counts(sessions) -> dict[str, object]:
    """Everything a refused or failed request must leave as it was."""
    async with sessions() as session:
        async def count(model) -> int:
            return await session.scalar(select(func.count()).select_from(model))
        return {
            "audit": await count(AuditEntry), "outbox": await count(OutboxMessage),
            "topics": await count(AgendaTopic),
            "proposals": sorted((await session.execute(
                select(AgendaProposal.id, AgendaProposal.status))).all()),
        }


async def audits(sessions, action: str) -> list[tuple[int | None, dict | None]]:
    async with sessions() as session:
        rows = await session.execute(select(AuditEntry.subject_person_id, AuditEntry.details)
                                     .where(AuditEntry.action == action).order_by(AuditEntry.id))
        return [tuple(row) for row in rows.all()]


def article(html: str, marker: str) -> str:
    """The <article> whose opening tag carries `marker`."""
    start = html.index(marker)
    return html[start:html.index("</article>", start)]


async def proposal_ids(sessions, data) -> dict[str, int]:
    async with sessions() as session:
        rows = await session.execute(select(AgendaProposal.person_id, AgendaProposal.id))
        by_person = dict(rows.all())
    return {"ayse": by_person[data.ayse.person_id], "john": by_person[data.john.person_id]}


# ----------------------------------------------------------------------------- the digest


async def test_a_mentor_reads_the_weeks_digest_as_the_mentees_allowed(client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.mark.person_id)
    group = await client.get(f"/groups/{seeded.group_a.id}")
    assert f'href="/groups/{seeded.group_a.id}/digest"' in group.text
    page = await client.get(f"/groups/{seeded.group_a.id}/digest")
    assert page.status_code == 200, page.text
    text = page.text
    # Monday 09:00: week 11's reflection window is open until 10:00 (the bot's /digest shows it so far).
    assert "week 11 of 26" in text and "data-in-progress" in text
    assert '<option value="11" selected>' in text and '<option value="1">' in text and 'value="12"' not in text
    assert "Reflections: 3 of 3" in text
    # Can chose "numbers only": the 1–5 answer, no text, and the voice note is not even named.
    can = article(text, f'data-mentee="{seeded.can.person_id}"')
    assert "data-numbers-only" in can and "<dd>3</dd>" in can and 'data-file' not in can
    assert NUMBERS_ONLY_TEXT not in text and VOICE_ID not in text and "cannot be reached" in can
    # Ayşe shares her answers: her text, a photo's caption, and a voice note named, not played.
    ayse = article(text, f'data-mentee="{seeded.ayse.person_id}"')
    assert f"{SECRET}-REFLECTION ayse" in ayse and 'data-file="voice"' in ayse and 'data-file="photo"' in ayse
    assert "<audio" not in text and "data-numbers-only" not in ayse and "3 (+1)" in ayse
    assert 'data-checkin="not_answered"' in ayse and "2 done, 1 open, 0 overdue" in ayse
    john = article(text, f'data-mentee="{seeded.john.person_id}"')
    assert 'data-checkin="met"' in john and "A worry about a child" in john
    assert 'data-checkin="no_partner"' in can
    # Needs attention: the safeguarding worry first, then the digest's flags.
    attention = text[text.index('id="attention"'):text.index('id="mentees"')]
    assert WORRY_NOTE in attention and attention.index(WORRY_NOTE) < attention.index("Can: cannot be reached")
    assert "Salon" in text and "Coming 1, not coming 1" in text
    assert await audits(sessions, mentor.DIGEST_VIEWED) == [
        (seeded.people[who].person_id, {"group_id": seeded.group_a.id, "week": 11}) for who in ("ayse", "can", "john")]


async def test_an_earlier_week_is_that_weeks_closed_digest(client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.mark.person_id)
    page = await client.get(f"/groups/{seeded.group_a.id}/digest", params={"week": 10})
    assert page.status_code == 200
    text = page.text
    assert "week 10 of 26" in text and "data-in-progress" not in text and "Reflections: 1 of 3" in text
    ayse = article(text, f'data-mentee="{seeded.ayse.person_id}"')
    assert f"{SECRET}-REFLECTION ayse" in ayse and 'data-file="voice"' not in ayse
    john = article(text, f'data-mentee="{seeded.john.person_id}"')
    assert "No reflection sent this week." in john and "A worry about a child" not in john  # raised in week 11: weeks 7-10 hold none
    assert WORRY_NOTE not in text and NUMBERS_ONLY_TEXT not in text
    assert '<option value="10" selected>' in text
    assert {details["week"] for _, details in await audits(sessions, mentor.DIGEST_VIEWED)} == {10}


# ----------------------------------------------------------------------------- who may see

PAGES = ("digest", "agenda", "sessions")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("who", "words"), [
    ("carol", "Coordinators see the programme's numbers, never the texts."),  # this programme's coordinator
    ("koray", "Koordinatörler programın sayılarını görür, metinleri asla."),
    ("deniz", "Web konsolu grupların mentorları ve programın koordinatörleri içindir."),  # another group's mentor
    ("olga", "Web konsolu grupların mentorları ve programın koordinatörleri içindir."),  # another programme's
])
async def test_others_are_refused_and_nothing_is_written(client, sessions, clock, seeded, page, who,
                                                         words):
    await logged_in(client, sessions, clock, seeded.people[who].person_id)
    before = await counts(sessions)
    answer = await client.get(f"/groups/{seeded.group_a.id}/{page}", params={"week": 11})
    assert answer.status_code == 403 and words in html.unescape(answer.text)
    for secret in (f"{SECRET}-REFLECTION", WORRY_NOTE, "Talking with teenagers", "Zeynep", "Salon"):
        assert secret not in answer.text
    assert await counts(sessions) == before


async def test_a_mentee_of_the_group_who_mentors_another_is_refused(client, sessions, clock, seeded):
    # Deniz mentors Grup B (so may open the console) and is a mentee of Grup A.
    await make_member(sessions, clock.now(), seeded.group_a, Role.MENTEE, USER_IDS["deniz"], name="Deniz")
    await logged_in(client, sessions, clock, seeded.deniz.person_id)
    before = await counts(sessions)
    for page in PAGES:
        answer = await client.get(f"/groups/{seeded.group_a.id}/{page}")
        assert answer.status_code == 403 and "Talking with teenagers" not in answer.text
    ids = await proposal_ids(sessions, seeded)
    form = await client.get(f"/groups/{seeded.group_b.id}/agenda")  # their own group: a CSRF token
    assert form.status_code == 200
    decided = await client.post(f"/groups/{seeded.group_a.id}/agenda/proposals/{ids['ayse']}/decline",
                                data={"csrf": csrf_of(form)})
    assert decided.status_code == 403
    after = await counts(sessions)
    assert after["outbox"] == before["outbox"] and after["proposals"] == before["proposals"]
    assert after["audit"] == before["audit"] + 1  # only the view of Deniz's own group's agenda


# ----------------------------------------------------------------------------- the agenda


async def test_the_agenda_shows_the_next_session_topics_and_proposals(client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.mark.person_id)
    page = await client.get(f"/groups/{seeded.group_a.id}/agenda")
    assert page.status_code == 200, page.text
    text = page.text
    assert "Shift handovers" in text and "Salon" in text and "Coming 1, not coming 1, not sure 0, no answer 3" in text
    assert "6:00\u202fAM" in text  # Monday 09:00 in Istanbul, read in Mark's London time
    ids = await proposal_ids(sessions, seeded)
    ayse = article(text, f'data-proposal="{ids["ayse"]}"')
    assert "Ayse" in ayse and "“Talking with teenagers”" in ayse and 'value="Talking with teenagers"' in ayse
    assert 'name="csrf"' in ayse and "<label" in ayse
    john = article(text, f'data-proposal="{ids["john"]}"')
    assert "(no text)" in john and 'name="title" value=""' in john
    assert await audits(sessions, mentor_agenda.AGENDA_VIEWED) == [
        (None, {"group_id": seeded.group_a.id, "proposals": [ids["ayse"], ids["john"]]})]


async def test_a_mentor_accepts_a_proposal_once_and_the_mentee_is_told(client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.mark.person_id)
    ids = await proposal_ids(sessions, seeded)
    page = await client.get(f"/groups/{seeded.group_a.id}/agenda")
    path = f"/groups/{seeded.group_a.id}/agenda/proposals/{ids['ayse']}"
    before = await counts(sessions)
    # Without the form's token: refused, nothing written.
    assert (await client.post(f"{path}/accept", data={"title": "X"})).status_code == 403
    assert (await client.post(f"{path}/accept", data={"title": "X", "csrf": "forged"})).status_code == 403
    assert await counts(sessions) == before

    accepted = await client.post(f"{path}/accept", data={"title": "  Talking with  teens ", "csrf": csrf_of(page)})
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/groups/{seeded.group_a.id}/agenda"
    async with sessions() as session:
        found = await session.get(AgendaProposal, ids["ayse"])
        topic = await session.get(AgendaTopic, found.topic_id)
        told = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "agenda_decision"))).all()
    assert found.status == "accepted" and found.decided_by == seeded.mark.person_id and topic.title == "Talking with teens"
    assert [(row.person_id, row.idempotency_key) for row in told] == [
        (seeded.ayse.person_id, f"agenda_decision:{ids['ayse']}")]
    assert "Mark" in told[0].text and "Talking with teens" in told[0].text
    assert await audits(sessions, mentor_agenda.PROPOSAL_DECIDED) == [
        (None, {"group_id": seeded.group_a.id, "proposal": ids["ayse"], "decision": "accepted"})]

    shown = await client.get(f"/groups/{seeded.group_a.id}/agenda")
    assert "Talking with teens" in shown.text and f'data-proposal="{ids["ayse"]}"' not in shown.text
    after = await counts(sessions)
    # One decision only: a second accept or a decline of the same proposal changes nothing.
    for action in ("accept", "decline"):
        again = await client.post(f"{path}/{action}", data={"title": "Other", "csrf": csrf_of(page)})
        assert again.status_code == 409 and "This proposal has already been decided." in again.text
    assert await counts(sessions) == after


async def test_declining_tells_the_mentee_and_a_proposal_without_words_needs_a_title(
        client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.mark.person_id)
    ids = await proposal_ids(sessions, seeded)
    page = await client.get(f"/groups/{seeded.group_a.id}/agenda")
    path = f"/groups/{seeded.group_a.id}/agenda/proposals/{ids['john']}"
    before = await counts(sessions)
    empty = await client.post(f"{path}/accept", data={"title": "  ", "csrf": csrf_of(page)})
    assert empty.status_code == 400 and 'role="alert"' in empty.text and f'data-proposal="{ids["john"]}"' in empty.text
    too_long = await client.post(f"{path}/accept", data={"title": "x" * 201, "csrf": csrf_of(page)})
    assert too_long.status_code == 400
    assert await counts(sessions) == before
    declined = await client.post(f"{path}/decline", data={"csrf": csrf_of(page)})
    assert declined.status_code == 303
    async with sessions() as session:
        status = await session.scalar(select(AgendaProposal.status).where(AgendaProposal.id == ids["john"]))
        told = (await session.execute(select(OutboxMessage.person_id, OutboxMessage.kind))).all()
    assert status == "declined" and told == [(seeded.john.person_id, "agenda_decision")]
    assert (await counts(sessions))["topics"] == before["topics"]


async def test_a_coordinator_cannot_decide_a_proposal(client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.carol.person_id)
    ids = await proposal_ids(sessions, seeded)
    home = await client.get("/home")
    before = await counts(sessions)
    answer = await client.post(f"/groups/{seeded.group_a.id}/agenda/proposals/{ids['ayse']}/accept",
                               data={"title": "Mine", "csrf": csrf_of(home)})
    assert answer.status_code == 403 and "never the texts" in answer.text
    assert await counts(sessions) == before


# ----------------------------------------------------------------------------- sessions


async def test_sessions_show_answers_attendance_and_minutes_read(client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.mark.person_id)
    page = await client.get(f"/groups/{seeded.group_a.id}/sessions")
    assert page.status_code == 200, page.text
    text = page.text
    async with sessions() as session:
        rows = (await session.execute(select(GroupSession.id, GroupSession.starts_at, GroupSession.status)
                                      .where(GroupSession.group_id == seeded.group_a.id)
                                      .order_by(GroupSession.starts_at))).all()
    (old, held, cancelled, upcoming) = [row.id for row in rows]
    coming = article(text, f'data-session="{upcoming}"')
    assert "Monday, November 30, 2026, 6:00\u202fAM" in coming  # Istanbul 09:00, in Mark's London time
    assert "Salon" in coming and "Shift handovers" in coming  # no topic: the agenda's next, as its invitation
    assert "Answers: 1 coming, 1 not coming, 0 not sure, 3 no answer yet" in coming
    assert "✅ Coming: Zeynep" in coming and "❌ Not coming: Ayse" in coming
    assert "💤 No answer yet: Mark, John, Can" in coming and "data-present" not in coming
    last = article(text, f'data-session="{held}"')
    assert "Present: Ayse" in last and "📝 Minutes read by: Ayse" in last and "⏳ Not read yet: Zeynep, John, Can" in last
    assert "Shift handovers" not in last and SECRET not in text  # the minutes' own text stays in the chat
    assert "Present: Ayse, John" in article(text, f'data-session="{old}"')
    gone = article(text, f'data-session="{cancelled}"')
    assert "This session has been cancelled." in gone and "data-present" not in gone and "data-names" not in gone
    assert text.index(f'data-session="{upcoming}"') < text.index(f'data-session="{held}"') < text.index(
        f'data-session="{old}"')
    assert "Grup B" not in text
    assert await audits(sessions, mentor_sessions.SESSIONS_VIEWED) == [
        (None, {"group_id": seeded.group_a.id, "sessions": [upcoming, cancelled, held, old]})]


async def test_a_turkish_mentor_reads_the_pages_in_turkish(client, sessions, clock, seeded):
    await logged_in(client, sessions, clock, seeded.zeynep.person_id)
    for page in PAGES:
        answer = await client.get(f"/groups/{seeded.group_a.id}/{page}")
        assert answer.status_code == 200 and '<html lang="tr">' in answer.text
    sessions_page = await client.get(f"/groups/{seeded.group_a.id}/sessions")
    assert "Görüşmeler ve yanıtlar" in sessions_page.text and "30 Kasım 2026" in sessions_page.text
