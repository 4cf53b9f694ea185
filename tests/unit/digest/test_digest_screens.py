"""/digest as a channel-neutral conversation: the steps driven without any channel.

What every adapter relies on: the digest's words in the reader's language, its
chart as a photo (or none once turned off), a detail button per mentee and the
chart switch (data the codec reads), and refusals worded by mentoring/refusals.py.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.audit import entries
from mentoring.clock import ManualClock
from mentoring.digest import rules as digest
from mentoring.digest import screens
from mentoring.digest.buttons import DIGEST
from mentoring.digest.detail import DETAIL_ACTION, TEXT_LIMIT, cut
from mentoring.digest.render import digest_buttons, render
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from mentoring.refusals import refusal
from mentoring.screens import Input, Pressed, Raw, Reply, Screen, Text, Typed, short_labels_too_long
from mentoring.settings.buttons import SETTINGS
from storage.models import Membership
from storage.models.digests import DigestPreference
from tests.support.digest import MESSAGE, SECRET, TR_MORNING, Seeded, seed_group

TR, EN = translator("tr"), translator("en")
COMMAND = Typed("/digest")
SEEDED_AT = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # the clock fixture's start


@pytest.fixture
async def seeded(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> Seeded:
    found = await seed_group(sessions, SEEDED_AT)
    clock.set(TR_MORNING)
    return found


async def member(sessions: async_sessionmaker[AsyncSession], seeded: Seeded, who: str) -> MemberView:
    async with sessions() as session:
        found = await joining.member_view(session, "telegram", seeded.external[who])
    assert found is not None
    return found


async def step(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, who: MemberView,
               run: screens.Step, given: Input = COMMAND) -> Reply:
    """One step in one transaction, as an adapter runs it."""
    async with sessions.begin() as session:
        return await run(session, who, given, clock.now())


async def refused(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, who: MemberView,
                  run: screens.Step, given: Input) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await step(sessions, clock, who, run, given)
    return caught.value


def only_screen(reply: Reply) -> Screen:
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


def pressed(screen: Screen) -> list[tuple[str, dict[str, object]]]:
    """Each choice as the codec reads it back: (action, values)."""
    found = []
    for choice in screen.all_choices():
        button = Pressed(choice.data).decode(DIGEST)
        found.append((button.action, dict(button.values)))
    return found


async def test_a_mentor_sees_the_digest_with_its_chart_and_a_button_per_mentee(sessions, clock, seeded) -> None:
    mert = await member(sessions, seeded, "Mert")
    screen = only_screen(await step(sessions, clock, mert, screens.start))
    text = screen.text.render(TR)
    assert "Yansıtma: 5 mentiden 3" in text and MESSAGE in text and SECRET not in text
    assert screen.media is not None and screen.media.kind == "photo" and screen.media.content is not None
    assert Image.open(io.BytesIO(screen.media.content)).format == "PNG"
    assert not screen.replace and screen.awaits is None
    offered = pressed(screen)
    people = [seeded.people[name] for name in ("Ayşe", "Burak", "Cem", "Deniz", "Elif")]
    assert offered[:5] == [("m", {"group": seeded.group_id, "person": pid}) for pid in people]
    assert offered[-1] == ("c", {"on": False})
    assert [len(row) for row in screen.choices][:3] == [2, 2, 1]  # two names a row, then the switch
    labels = [choice.label.render(TR) for choice in screen.all_choices()]
    assert labels[:5] == ["Ayşe", "Burak", "Cem", "Deniz", "Elif"] and labels[-1] == "Grafiği kapat"
    for locale in SUPPORTED_LOCALES:
        assert short_labels_too_long(screen, translator(locale)) == []


async def test_the_digest_is_in_the_readers_language(sessions, clock, seeded) -> None:
    maria = await member(sessions, seeded, "Maria")
    text = only_screen(await step(sessions, clock, maria, screens.start)).text.render(EN)
    assert "Reflections: 3 of 5" in text and "AM" in text


async def test_before_any_week_closed_and_for_a_mentee(sessions, clock, seeded) -> None:
    mert, ayse = await member(sessions, seeded, "Mert"), await member(sessions, seeded, "Ayşe")
    clock.set(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))
    early = only_screen(await step(sessions, clock, mert, screens.start))
    assert early.text.render(EN) == "No reflection week has closed yet; the first digest comes after it."
    assert early.media is None and not early.choices
    mentee = only_screen(await step(sessions, clock, ayse, screens.start))
    assert mentee.text.render(EN) == "The digest is for the mentors of a group." and not mentee.choices
    assert mentee.text.render(TR) != mentee.text.render(EN)


async def test_a_mentor_of_two_groups_chooses_one(sessions, clock, seeded) -> None:
    second = await seed_group(sessions, SEEDED_AT, name="Grup 2", base=7200)
    async with sessions.begin() as session:
        session.add(Membership(person_id=seeded.people["Mert"], programme_id=second.programme_id,
                               group_id=second.group_id, role="mentor", joined_at=clock.now()))
    mert = await member(sessions, seeded, "Mert")
    choice = only_screen(await step(sessions, clock, mert, screens.start))
    assert choice.text.render(TR) == "Hangi grubun haftalık özeti?"
    assert [c.label.render(TR) for c in choice.all_choices()] == ["Grup 1", "Grup 2"]
    assert pressed(choice) == [("g", {"group": seeded.group_id}), ("g", {"group": second.group_id})]
    chosen = only_screen(await step(sessions, clock, mert, screens.press,
                                    Pressed(DIGEST.encode("g", group=second.group_id))))
    assert "Grup 2" in chosen.text.render(TR) and "Yansıtma: 5 mentiden 3" in chosen.text.render(TR)
    # A group he does not mentor: refused, nothing shown.
    ayse = await member(sessions, seeded, "Ayşe")
    error = await refused(sessions, clock, ayse, screens.press, Pressed(DIGEST.encode("g", group=second.group_id)))
    assert error.code == "access_denied"


async def test_a_mentees_detail_is_shown_to_the_groups_mentors_only_and_audited(sessions, clock, seeded) -> None:
    maria, ayse = await member(sessions, seeded, "Maria"), await member(sessions, seeded, "Ayşe")
    detail = Pressed(DIGEST.encode("m", group=seeded.group_id, person=seeded.people["Ayşe"]))
    screen = only_screen(await step(sessions, clock, maria, screens.press, detail))
    assert "Latest reflection (week 2)" in screen.text.render(EN) and MESSAGE in screen.text.render(EN)
    assert not screen.replace and screen.media is None
    # The mentee herself, and a person of no group of hers: refused with the general words.
    for who, given in ((ayse, Pressed(DIGEST.encode("m", group=seeded.group_id, person=seeded.people["Burak"]))),
                       (maria, Pressed(DIGEST.encode("m", group=seeded.group_id, person=999_999)))):
        error = await refused(sessions, clock, who, screens.press, given)
        assert refusal(error).render(EN) == "That is not available to you."
    async with sessions() as session:
        logged = [e.subject_person_id for e in await entries(session) if e.action == DETAIL_ACTION]
    assert logged == [seeded.people["Ayşe"]]


async def test_forged_and_foreign_data_are_stale(sessions, clock, seeded) -> None:
    mert = await member(sessions, seeded, "Mert")
    for given in (Pressed("dg:m:x"), Pressed(SETTINGS.encode("menu")), Typed("hello")):
        error = await refused(sessions, clock, mert, screens.press, given)
        assert error.code == "stale_button"
        assert refusal(error).render(TR) == "Bu düğme artık geçerli değil."


async def test_the_chart_switch_is_stored_and_offers_the_way_back(sessions, clock, seeded) -> None:
    maria = await member(sessions, seeded, "Maria")
    off = only_screen(await step(sessions, clock, maria, screens.press, Pressed(DIGEST.encode("c", on=False))))
    assert off.text.render(EN) == "Your digests will come without the chart."
    assert pressed(off) == [("c", {"on": True})] and [c.label.render(EN) for c in off.all_choices()] == [
        "Turn the chart on"]
    async with sessions() as session:
        pref = await session.scalar(select(DigestPreference).where(
            DigestPreference.person_id == seeded.people["Maria"]))
    assert pref is not None and pref.chart_off
    digest = only_screen(await step(sessions, clock, maria, screens.start))
    assert digest.media is None and pressed(digest)[-1] == ("c", {"on": True})
    on = only_screen(await step(sessions, clock, maria, screens.press, Pressed(DIGEST.encode("c", on=True))))
    assert on.text.render(EN) == "The chart will come with your digests again."
    assert only_screen(await step(sessions, clock, maria, screens.start)).media is not None
    # A mentee has no digest to switch the chart of.
    ayse = await member(sessions, seeded, "Ayşe")
    error = await refused(sessions, clock, ayse, screens.press, Pressed(DIGEST.encode("c", on=False)))
    assert error.code == "access_denied"


async def test_the_screen_says_the_queued_digests_words_with_its_buttons(sessions, clock, seeded) -> None:
    maria = await member(sessions, seeded, "Maria")
    screen = only_screen(await step(sessions, clock, maria, screens.start))
    assert not isinstance(screen.text, Raw)  # message ids, rendered at the channel's edge
    async with sessions() as session:
        found = await digest.digest_for(session, maria, seeded.group_id, clock.now())
    assert found is not None
    for tr in (TR, EN):
        zone = digest.zone_of(maria.timezone)
        assert screen.text.render(tr) == render(found, tr, zone)
        assert [[(c.label.render(tr), c.data) for c in row] for row in screen.choices] == [
            [(b.text, b.data) for b in row] for row in digest_buttons(tr, found, True)]


def test_words_too_long_for_a_message_are_cut() -> None:
    said = Text("{name}: confidence down by {points}", name="Ayşe " * 40, points=2)
    assert screens.fitting(said, "en", 1000, cut) is said
    short = screens.fitting(said, "tr", 50, lambda text: text[:50])
    assert isinstance(short, Raw) and short.text == said.render(TR)[:50]
    long_detail = cut("x" * 5000)
    assert len(long_detail) == TEXT_LIMIT and long_detail.endswith("x…")
