"""The weekly group digest: figures, flags, quotes, rendering per reader, access, chart, planning."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.access import AccessDenied
from mentoring.audit import entries
from mentoring.clock import ManualClock
from mentoring.digest import rules as digest
from mentoring.digest.chart import HEIGHT, WIDTH, chart_png
from mentoring.digest.detail import DETAIL_ACTION, mentee_detail, render_detail
from mentoring.digest.model import FlagKind, GroupDigest
from mentoring.digest.render import render
from mentoring.i18n import translator
from mentoring.joining import rules as joining
from storage.models import ChannelIdentity, OutboxMessage
from tests.support.digest import (
    EN_MORNING,
    LONG_TEXT,
    MESSAGE,
    SECRET,
    TR_MORNING,
    WEEK2_CLOSES,
    Seeded,
    seed_group,
)


@pytest.fixture
async def seeded(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> Seeded:
    return await seed_group(sessions, clock.now())


async def _digest(sessions: async_sessionmaker[AsyncSession], seeded: Seeded, who: str = "Mert") -> GroupDigest:
    async with sessions.begin() as session:
        member = await joining.member_view(session, "telegram", seeded.external[who])
        assert member is not None
        found = await digest.digest_for(session, member, seeded.group_id, TR_MORNING)
    assert found is not None
    return found


async def test_figures_of_the_week(sessions, seeded: Seeded) -> None:
    found = await _digest(sessions, seeded)
    assert (found.week, found.weeks_total) == (2, 26)
    assert (found.reflections, found.mentees) == (3, 5)
    assert (found.pairs_met, found.pairs) == (1, 2)
    assert (found.rsvp_answered, found.members) == (3, 7)
    lines = {line.name: line for line in found.lines}
    assert (lines["Ayşe"].reflected, lines["Ayşe"].confidence, lines["Ayşe"].confidence_change) == (True, 2, -2)
    assert (lines["Burak"].confidence, lines["Burak"].confidence_change) == (4, 1)
    assert (lines["Deniz"].confidence, lines["Deniz"].confidence_change) == (3, None)
    assert not lines["Cem"].reflected and not lines["Elif"].reflected
    assert (lines["Ayşe"].todos_done, lines["Ayşe"].todos_open, lines["Ayşe"].todos_overdue) == (1, 2, 1)
    assert (lines["Cem"].todos_done, lines["Cem"].todos_open) == (0, 0)
    assert found.top_reasons == (("no_time", 2), ("unclear", 1))
    assert found.top_areas == (("confidence", 2), ("peers", 1))
    session = found.next_session
    assert session is not None and session.topic == "Aktif dinleme"
    assert (session.coming, session.not_coming, session.maybe, session.no_answer) == (1, 1, 1, 4)
    assert [p.reflected for p in found.trend] == [3, 3]


async def test_every_flag_with_its_reason_and_none_for_the_rest(sessions, seeded: Seeded) -> None:
    found = await _digest(sessions, seeded)
    p = seeded.people
    flags = {(f.kind, f.person_ids, f.detail) for f in found.flags}
    assert flags == {
        (FlagKind.CONFIDENCE_DROP, (p["Ayşe"],), 2),
        (FlagKind.NO_REFLECTION_TWICE, (p["Cem"],), None),
        (FlagKind.SAME_REASON_TWICE, (p["Cem"],), "no_time"),
        (FlagKind.UNREACHABLE, (p["Elif"],), None),
        (FlagKind.PARTNERS_DISAGREE, tuple(sorted((p["Cem"], p["Deniz"]))), None),
    }
    flagged = {pid for f in found.flags for pid in f.person_ids}
    assert p["Burak"] not in flagged  # a rise in confidence and a "no" RSVP are no reason
    # Elif reflected in week 1, Deniz's one "unclear" is no repetition.
    assert (FlagKind.NO_REFLECTION_TWICE, (p["Elif"],), None) not in flags
    assert not any(f.kind is FlagKind.SAME_REASON_TWICE and f.person_ids == (p["Deniz"],) for f in found.flags)


async def test_quotes_respect_numbers_only_and_are_cut(sessions, seeded: Seeded) -> None:
    found = await _digest(sessions, seeded)
    assert found.quotes[0].text == MESSAGE and found.quotes[0].to_mentors
    assert [q.name for q in found.quotes] == ["Ayşe", "Deniz"]
    assert 190 <= len(found.quotes[1].text) <= 200 and found.quotes[1].text.endswith("…")
    assert LONG_TEXT.startswith(found.quotes[1].text[:-1])
    text = render(found, translator("en"), ZoneInfo("UTC"))
    assert SECRET not in text
    assert MESSAGE in text


async def test_rendered_in_the_readers_language_and_zone(sessions, seeded: Seeded) -> None:
    found = await _digest(sessions, seeded)
    turkish = render(found, translator("tr"), ZoneInfo("Europe/Istanbul"))
    english = render(found, translator("en"), ZoneInfo("America/New_York"))
    assert "Yansıtma: 5 mentiden 3" in turkish and "hafta 2/26" in turkish
    assert "Cem: iki haftadır yansıtma yok" in turkish
    assert "Zamanım olmadı (2)" in turkish
    assert "17:00" in turkish  # 14:00 UTC in Istanbul
    assert "Reflections: 3 of 5" in english and "week 2 of 26" in english
    assert "Cem: no reflection two weeks running" in english
    assert "9:00" in english and "AM" in english  # 14:00 UTC in New York
    assert "Elif: cannot be reached" in english
    assert len(turkish) < 4096 and len(english) < 4096


async def test_other_mentors_and_mentees_get_nothing(sessions, clock: ManualClock, seeded: Seeded) -> None:
    other = await seed_group(sessions, clock.now(), name="Grup 2", base=8000)
    for who, source in (("Mert", other), ("Ayşe", seeded)):
        async with sessions.begin() as session:
            member = await joining.member_view(session, "telegram", source.external[who])
            assert member is not None
            with pytest.raises(AccessDenied):
                await digest.digest_for(session, member, seeded.group_id, TR_MORNING)
            with pytest.raises(AccessDenied):
                await mentee_detail(session, member, seeded.group_id, seeded.people["Burak"], TR_MORNING, "tr")


async def test_detail_is_for_a_mentee_of_the_group_and_audited(sessions, clock, seeded: Seeded) -> None:
    other = await seed_group(sessions, clock.now(), name="Grup 2", base=8000)
    async with sessions.begin() as session:
        mentor = await joining.member_view(session, "telegram", seeded.external["Maria"])
        assert mentor is not None
        detail = await mentee_detail(session, mentor, seeded.group_id, seeded.people["Ayşe"], TR_MORNING, "en")
        numbers = await mentee_detail(session, mentor, seeded.group_id, seeded.people["Burak"], TR_MORNING, "en")
        # A person of another group named with this group's id, and a mentor as "mentee": refused.
        for person in (other.people["Ayşe"], seeded.people["Mert"]):
            with pytest.raises(AccessDenied):
                await mentee_detail(session, mentor, seeded.group_id, person, TR_MORNING, "en")
    text = render_detail(detail, translator("en"))
    assert MESSAGE in text and "Her gün bir çocukla oyun" in text and "Confidence by week: 1: 4, 2: 2" in text
    assert "Ayşe open" in text
    hidden = render_detail(numbers, translator("en"))
    assert SECRET not in hidden and "numbers only" in hidden and "4" in hidden
    async with sessions() as session:
        logged = [e for e in await entries(session) if e.action == DETAIL_ACTION]
    assert [(e.actor_person_id, e.subject_person_id) for e in logged] == [
        (seeded.people["Maria"], seeded.people["Ayşe"]), (seeded.people["Maria"], seeded.people["Burak"])]


async def test_chart_is_a_png_of_the_expected_size(sessions, seeded: Seeded, tmp_path: Path) -> None:
    found = await _digest(sessions, seeded)
    image = Image.open(io.BytesIO(chart_png(found)))
    assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT))
    written = digest.write_chart(found, tmp_path)
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def _queued(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "digest").order_by(OutboxMessage.idempotency_key)
        )).all())


async def test_planning_in_each_mentors_morning_once(sessions, seeded: Seeded, tmp_path: Path) -> None:
    async def plan(at) -> int:  # type: ignore[no-untyped-def]
        async with sessions.begin() as session:
            return await digest.plan_digests(session, at, chart_dir=tmp_path)

    assert await plan(WEEK2_CLOSES - timedelta(minutes=1)) == 0  # week 1's mornings are long gone... or sent
    assert await plan(EN_MORNING - timedelta(minutes=1)) == 0
    assert await plan(EN_MORNING) == 1  # 09:00 in New York comes first
    assert await plan(EN_MORNING + timedelta(hours=1)) == 0
    assert await plan(TR_MORNING) == 1
    assert await plan(TR_MORNING + timedelta(minutes=1)) == 0
    rows = await _queued(sessions)
    by_mentor = {row.person_id: row for row in rows if row.idempotency_key.startswith(f"digest:{seeded.group_id}:2:")}
    assert set(by_mentor) == {seeded.people["Mert"], seeded.people["Maria"]}
    maria, mert = by_mentor[seeded.people["Maria"]], by_mentor[seeded.people["Mert"]]
    assert (maria.not_before, mert.not_before) == (EN_MORNING, TR_MORNING)
    assert "Reflections: 3 of 5" in maria.text and "Yansıtma: 5 mentiden 3" in mert.text
    assert maria.attachment is not None and maria.attachment["type"] == "photo"
    assert Path(maria.attachment["path"]).read_bytes()[:4] == b"\x89PNG"
    assert maria.buttons is not None and maria.buttons[0][0]["data"] == f"dg:m:{seeded.group_id}:{seeded.people['Ayşe']}"


async def test_a_mentor_with_the_chart_off_gets_text_only(sessions, seeded: Seeded, tmp_path: Path) -> None:
    async with sessions.begin() as session:
        maria = await joining.member_view(session, "telegram", seeded.external["Maria"])
        assert maria is not None
        await digest.set_chart(session, maria, False, EN_MORNING)
    async with sessions.begin() as session:
        assert await digest.plan_digests(session, TR_MORNING, chart_dir=tmp_path) == 2
    rows = {row.person_id: row for row in await _queued(sessions)}
    assert rows[seeded.people["Maria"]].attachment is None
    assert rows[seeded.people["Maria"]].buttons[-1][0]["data"] == "dg:c:1"
    assert rows[seeded.people["Mert"]].attachment is not None


async def test_a_mentee_on_whatsapp_is_reachable_in_a_telegram_mentors_digest(
    sessions, seeded: Seeded, clock: ManualClock
) -> None:
    """Elif had no account; once she joins on WhatsApp, Mert's digest (read on Telegram) no longer flags her."""
    async with sessions.begin() as session:
        session.add(ChannelIdentity(person_id=seeded.people["Elif"], channel="whatsapp", external_user_id="TR.1",
                                    chat_id="905551112233", created_at=clock.now()))
    found = await _digest(sessions, seeded)
    assert not any(f.kind is FlagKind.UNREACHABLE for f in found.flags)
    assert found.mentees == 5 and {line.name for line in found.lines} >= {"Elif"}
