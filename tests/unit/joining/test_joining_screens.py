"""Joining as a channel-neutral conversation: /start and the join buttons driven without any channel.

What every adapter relies on: which choices a screen offers (data the codec
reads back), the words in both languages, which language an outcome is said
in, what the channel must do after it (menu, baseline offer), and what is
stored at each step (nothing before consent).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.button_data import Pressed
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.joining import screens
from mentoring.joining.buttons import JOIN
from mentoring.joining.screens import Outcome, Visitor
from mentoring.privacy.consent import NOTICE_VERSION
from mentoring.screens import Input, Screen, Typed, short_labels_too_long
from mentoring.screens import Pressed as Press
from storage.models import ChannelIdentity, ConsentRecord, Membership, Person, Role
from tests.support.seed import seed_programme, single_invite

TR, EN = translator("tr"), translator("en")
VISITOR = Visitor("telegram", "5001", "5001", "Ayşe Telegram")


async def step(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, run: screens.VisitorStep, given: Input,
    visitor: Visitor = VISITOR,
) -> Outcome:
    """One step in one transaction, as an adapter runs it."""
    async with sessions.begin() as session:
        return await run(session, visitor, given, clock.now(), default_timezone="Europe/Istanbul")


def only_screen(outcome: Outcome) -> Screen:
    assert outcome.reply.notice is None and len(outcome.reply.screens) == 1
    return outcome.reply.screens[0]


def decoded(screen: Screen) -> list[Pressed]:
    return [Press(choice.data).decode(JOIN) for choice in screen.all_choices()]


async def stored(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions() as session:
        return {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Person, ChannelIdentity, Membership, ConsentRecord)
        }


NOTHING = {"people": 0, "channel_identities": 0, "memberships": 0, "consent_records": 0}


async def test_a_code_asks_the_language_in_both_languages_and_stores_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    code = setup.codes["mentee1"]
    outcome = await step(sessions, clock, screens.start, Typed(f"/start {code}"))
    question = only_screen(outcome)
    # Said the same whatever the reader's language: the newcomer has not chosen one yet.
    assert question.text.render(TR) == question.text.render(EN)
    assert "Lütfen dilinizi seçin" in question.text.render(EN)
    assert "Please choose your language" in question.text.render(TR)
    assert [c.label.render(EN) for c in question.all_choices()] == ["Türkçe", "English"]
    assert [(b.action, b["locale"], b["code"]) for b in decoded(question)] == [
        ("lang", "tr", code), ("lang", "en", code)]
    assert outcome.locale is None and outcome.menu_for is None and not question.replace
    assert await stored(sessions) == NOTHING


async def test_the_notice_then_consent_creates_the_member_and_asks_for_the_menu_and_baseline(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    code = setup.codes["mentee1"]
    notice = await step(sessions, clock, screens.press, Press(JOIN.encode("lang", locale="en", code=code)))
    screen = only_screen(notice)
    assert notice.locale == "en" and screen.replace
    assert "KVKK" in screen.text.render(EN) and "açık rıza" in screen.text.render(TR)
    assert [c.label.render(TR) for c in screen.all_choices()] == ["Okudum", "Şimdi değil"]
    assert [(b.action, b["locale"], b["code"]) for b in decoded(screen)] == [("yes", "en", code), ("no", "en", code)]
    assert not short_labels_too_long(screen, TR) and not short_labels_too_long(screen, EN)
    assert await stored(sessions) == NOTHING, "nothing is stored before consent"

    joined = await step(sessions, clock, screens.press, Press(JOIN.encode("yes", locale="en", code=code)))
    thanks, welcome = joined.reply.screens
    assert thanks.replace and thanks.text.render(EN) == "Thank you, that is recorded."
    assert not welcome.replace
    words = welcome.text.render(EN)
    assert words.startswith("Welcome, Ayşe Telegram!\nYou have joined as: Mentee in group Grup 1 (Nar Taneleri).")
    assert "/help — " in words
    assert joined.locale == "en"
    assert joined.menu_for is not None and joined.baseline_for == joined.menu_for
    assert joined.menu_for.locale == "en"
    assert await stored(sessions) == {"people": 1, "channel_identities": 1, "memberships": 1, "consent_records": 1}
    async with sessions() as session:
        consent = await session.scalar(select(ConsentRecord))
    assert consent is not None and consent.notice_version == f"{NOTICE_VERSION}.n1"
    assert consent.accepted_at == clock.now()

    # The same button again: already joined, in the member's language, nothing added.
    again = only_screen(await step(sessions, clock, screens.press, Press(JOIN.encode("yes", locale="tr", code=code))))
    assert again.text.render(EN).startswith("You have already joined.\n\nHello, Ayşe Telegram!")
    assert await stored(sessions) == {"people": 1, "channel_identities": 1, "memberships": 1, "consent_records": 1}


async def test_a_mentor_is_welcomed_without_the_baseline_offer(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    joined = await step(sessions, clock, screens.press,
                        Press(JOIN.encode("yes", locale="tr", code=setup.codes["mentor1"])))
    assert joined.menu_for is not None and joined.baseline_for is None
    assert "Grup 1 grubunun mentoru (Nar Taneleri)" in joined.reply.screens[1].text.render(TR)


async def test_declining_notes_only_the_refusal_and_offers_the_way_back(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    code = setup.codes["mentee1"]
    declined = only_screen(await step(sessions, clock, screens.press, Press(JOIN.encode("no", locale="en", code=code))))
    assert declined.replace and f"/start {code}" in declined.text.render(EN)
    async with sessions() as session:
        records = list(await session.scalars(select(ConsentRecord)))
    assert [(r.person_id, r.declined_at is not None) for r in records] == [(None, True)]

    unknown = only_screen(await step(sessions, clock, screens.press,
                                     Press(JOIN.encode("no", locale="en", code="nonexistent"))))
    assert unknown.text.render(EN).startswith("I do not know this invite code.")


@pytest.mark.parametrize(("text", "expected"), [
    ("/start", "To join, open the personal invite link"),
    ("/start x!", "I do not know this invite code."),
    ("/start abcdefgh23", "I do not know this invite code."),
])
async def test_start_without_a_usable_code_says_how_to_join(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, text: str, expected: str
) -> None:
    outcome = await step(sessions, clock, screens.start, Typed(text))
    assert expected in only_screen(outcome).text.render(EN)
    assert outcome.locale is None and outcome.menu_for is None
    assert await stored(sessions) == NOTHING


async def test_an_expired_code_is_named_and_a_member_sees_where_they_stand(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    short = await single_invite(
        sessions, clock.now(), setup.programme, setup.groups[0], Role.MENTOR, valid_for=timedelta(hours=1)
    )
    await step(sessions, clock, screens.press, Press(JOIN.encode("yes", locale="tr", code=setup.codes["mentee1"])))
    clock.advance(timedelta(hours=2))
    outcome = await step(sessions, clock, screens.start, Typed(f"/start {short}"))
    words = only_screen(outcome).text.render(TR)
    assert outcome.locale == "tr"
    assert "süresi dolmuş" in words and "Merhaba" in words

    member = only_screen(await step(sessions, clock, screens.start, Typed("/start"))).text.render(EN)
    assert member.startswith("Hello, Ayşe Telegram!\nYour roles in the programme:\n• Mentee in group Grup 1")


async def test_a_member_takes_a_second_role_with_a_new_code(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    await step(sessions, clock, screens.press, Press(JOIN.encode("yes", locale="en", code=setup.codes["mentee1"])))
    outcome = await step(sessions, clock, screens.start, Typed(f"/start {setup.codes['mentor1']}"))
    assert outcome.menu_for is not None and outcome.baseline_for is None
    assert "You have joined as: Mentor of group Grup 1" in only_screen(outcome).text.render(EN)
    assert (await stored(sessions))["memberships"] == 2


async def test_a_press_that_is_not_a_join_button_is_refused_as_stale(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    with pytest.raises(DomainError) as refused:
        await step(sessions, clock, screens.press, Press("privacy:keep"))
    assert refused.value.code == "stale_button"
    with pytest.raises(DomainError):
        await step(sessions, clock, screens.press, Typed("join:yes:tr:abcd2345ef"))
    assert await stored(sessions) == NOTHING
