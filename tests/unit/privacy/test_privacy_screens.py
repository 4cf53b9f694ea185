"""/mydata, /forgetme, withdrawal and the consent gate as a channel-neutral conversation, without any channel.

What every adapter relies on: the choices each screen offers (data the codec
reads back), the file /mydata sends, when a confirmation expires, what each
step stores, what the channel must do afterwards (drop or set the command
menu), and the consent gate's decision and words.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.gate import consent_holds
from mentoring.i18n import translator
from mentoring.joining import rules as joining
from mentoring.joining import screens as joining_screens
from mentoring.joining.buttons import JOIN
from mentoring.joining.rules import MemberView
from mentoring.joining.screens import Outcome, Visitor
from mentoring.privacy import consent_screens, notice_words, screens
from mentoring.privacy.buttons import CONSENT, PRIVACY
from mentoring.privacy.consent import NOTICE_VERSION, Standing
from mentoring.screens import (
    Input,
    Pressed,
    Reply,
    Screen,
    Typed,
    Unsupported,
    Voice,
    short_labels_too_long,
)
from storage.models import ConsentRecord, Person
from tests.support.seed import seed_programme

TR, EN = translator("tr"), translator("en")
VISITOR = Visitor("telegram", "5001", "5001", "Ayşe Yılmaz")


@pytest.fixture
async def member(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> MemberView:
    """A mentee who joined in English through the join steps."""
    setup = await seed_programme(sessions, clock.now())
    async with sessions.begin() as session:
        press = Pressed(JOIN.encode("yes", locale="en", code=setup.codes["mentee1"]))
        await joining_screens.press(session, VISITOR, press, clock.now(), default_timezone="Europe/Istanbul")
    return await fresh(sessions)


async def fresh(sessions: async_sessionmaker[AsyncSession]) -> MemberView:
    async with sessions() as session:
        found = await joining.member_view(session, VISITOR.channel, VISITOR.external_user_id)
    assert found is not None
    return found


async def step(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView, run: object, given: Input
) -> Reply | Outcome:
    async with sessions.begin() as session:
        return await run(session, member, given, clock.now())  # type: ignore[operator, no-any-return]


def actions(screen: Screen, feature: object = PRIVACY) -> list[list[str]]:
    """The actions of the feature's buttons, row by row (other features' buttons are left out)."""
    prefix = feature.prefix  # type: ignore[attr-defined]
    rows = [[c for c in row if c.data.startswith(f"{prefix}:")] for row in screen.choices]
    return [[Pressed(c.data).decode(feature).action for c in row] for row in rows if row]  # type: ignore[arg-type]


async def test_mydata_sends_a_summary_with_the_rights_and_the_whole_file(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    reply = await step(sessions, clock, member, screens.mydata, Typed("/mydata"))
    assert isinstance(reply, Reply) and reply.notice is None
    summary, document = reply.screens
    words = summary.text.render(EN)
    assert words.startswith("Everything Narbot stores about you is in the file below (JSON). In short:\n\n"
                            "Name: Ayşe Yılmaz\nLanguage: en, time zone: Europe/Istanbul\n"
                            "Your roles in the programme:\n• Mentee in group Grup 1 (Nar Taneleri)")
    assert f"• version {member.consent.due}: read on November 23, 2026" in words  # type: ignore[union-attr]
    assert member.consent is not None and member.consent.due.startswith(f"{NOTICE_VERSION}.n")
    assert "• Telegram accounts: 1" in words and "channel_identities" not in words
    assert "• Telegram hesapları: 1" in summary.text.render(TR)
    assert actions(summary)[:2] == [["withdraw"], ["forget"]]
    assert [c.data.split(":", 1)[0] for c in summary.all_choices()][2:] == ["obj"]
    assert not short_labels_too_long(summary, TR) and not short_labels_too_long(summary, EN)
    assert document.media is not None and document.media.kind == "document"
    assert document.media.filename == "narbot-mydata-2026-11-23.json"
    assert document.media.content is not None
    exported = json.loads(document.media.content)
    assert "Ayşe Yılmaz" in json.dumps(exported, ensure_ascii=False)


async def test_forgetme_asks_then_erases_while_fresh_and_asks_the_channel_to_drop_the_menu(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    reply = await step(sessions, clock, member, screens.forgetme, Typed("/forgetme"))
    assert isinstance(reply, Reply)
    (question,) = reply.screens
    assert question.text.render(EN).startswith("Do you want Narbot to erase your data?")
    assert actions(question) == [["forget_confirmed"], ["keep"]]
    assert not short_labels_too_long(question, TR) and not short_labels_too_long(question, EN)
    yes = Pressed(next(question.all_choices()).data)
    assert yes.decode(PRIVACY)["offered"] == clock.now()

    clock.advance(timedelta(minutes=9))
    erased = await step(sessions, clock, member, screens.press, yes)
    assert isinstance(erased, Outcome) and erased.menu_gone and erased.menu_for is None
    (screen,) = erased.reply.screens
    assert screen.replace and screen.text.render(EN).startswith("Your data has been erased.")
    async with sessions() as session:
        person = await session.get(Person, member.person_id)
        gone = await joining.member_view(session, VISITOR.channel, VISITOR.external_user_id)
    assert person is not None and person.erased_at is not None and person.display_name != "Ayşe Yılmaz"
    assert gone is None


async def test_an_old_confirmation_expires_and_changes_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    reply = await step(sessions, clock, member, screens.forgetme, Typed("/forgetme"))
    assert isinstance(reply, Reply)
    yes = Pressed(next(reply.screens[0].all_choices()).data)
    clock.advance(timedelta(minutes=11))
    expired = await step(sessions, clock, member, screens.press, yes)
    assert isinstance(expired, Outcome) and not expired.menu_gone
    assert expired.reply.notice is not None and expired.reply.notice.alert
    assert expired.reply.notice.text.render(EN).startswith("This question has expired and nothing was changed.")
    assert expired.reply.screens[0].replace
    async with sessions() as session:
        person = await session.get(Person, member.person_id)
    assert person is not None and person.erased_at is None

    kept = await step(sessions, clock, member, screens.press, Pressed(PRIVACY.encode("keep")))
    assert isinstance(kept, Outcome)
    assert kept.reply.screens[0].text.render(TR) == TR.gettext("Nothing was changed.")


async def test_withdrawing_asks_in_a_new_message_then_records_it_and_the_notice_brings_them_back(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    asked = await step(sessions, clock, member, screens.press, Pressed(PRIVACY.encode("withdraw")))
    assert isinstance(asked, Outcome)
    (question,) = asked.reply.screens
    assert not question.replace, "the /mydata summary stays readable"
    assert question.text.render(EN).startswith("Do you want Narbot to stop?")
    assert actions(question) == [["withdraw_confirmed"], ["keep"]]
    assert [c.short_label(EN) for c in question.all_choices()] == ["Yes, stop", "No, keep it"]
    assert not short_labels_too_long(question, TR)

    done = await step(sessions, clock, member, screens.press, Pressed(next(question.all_choices()).data))
    assert isinstance(done, Outcome) and done.locale == "en"
    assert done.reply.screens[0].text.render(EN).startswith("You stopped Narbot on November 23, 2026")
    member = await fresh(sessions)
    assert member.consent is not None and member.consent.withdrawn

    # The gate now holds them; "Read the notice" shows it, and "I have read it" brings them back.
    held = consent_screens.held(member.consent)
    assert actions(held, CONSENT) == [["show"]]
    assert [c.short_label(TR) for c in held.all_choices()] == ["Metni oku"]
    shown = await step(sessions, clock, member, consent_screens.consent_press, Pressed(CONSENT.encode("show")))
    assert isinstance(shown, Outcome) and shown.menu_for is None
    assert "KVKK" in shown.reply.screens[0].text.render(EN)
    assert actions(shown.reply.screens[0], CONSENT) == [["yes"], ["no"]]

    back = await step(sessions, clock, member, consent_screens.consent_press,
                      Pressed(CONSENT.encode("yes", version=member.consent.due)))
    assert isinstance(back, Outcome) and back.menu_for is not None
    assert back.reply.screens[0].text.render(EN).startswith(
        "Thank you, that is recorded.\n\nHello, Ayşe Yılmaz!")
    member = await fresh(sessions)
    assert member.consent is not None and member.consent.is_current
    async with sessions() as session:
        records = list(await session.scalars(select(ConsentRecord).where(ConsentRecord.person_id == member.person_id)))
    assert len(records) == 2


async def test_an_answer_to_an_older_notice_shows_the_current_one_and_records_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    await step(sessions, clock, member, screens.press, Pressed(PRIVACY.encode("withdraw_confirmed", offered=clock.now())))
    member = await fresh(sessions)
    old = await step(sessions, clock, member, consent_screens.consent_press,
                     Pressed(CONSENT.encode("yes", version="2025-01")))
    assert isinstance(old, Outcome) and old.menu_for is None
    # Still withdrawn, so the withdrawal and the way back are shown again.
    assert old.reply.screens[0].text.render(EN).startswith("You stopped Narbot")
    assert (await fresh(sessions)).consent.withdrawn  # type: ignore[union-attr]
    with pytest.raises(DomainError) as refused:
        await step(sessions, clock, member, consent_screens.consent_press, Pressed(PRIVACY.encode("keep")))
    assert refused.value.code == "stale_button"


def standing(version: str | None = NOTICE_VERSION, withdrawn: bool = False) -> Standing:
    moment = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    return Standing(1, "tr", "Europe/Istanbul", version, moment, moment if withdrawn else None)


@pytest.mark.parametrize(("given", "held"), [
    (Typed("hello"), True),
    (Typed("/todo"), True),
    (Typed("/mydata"), False),
    (Typed("/ForgetMe@narbot_bot now"), False),
    (Typed(""), True),
    (Pressed(PRIVACY.encode("keep")), False),
    (Pressed(CONSENT.encode("show")), False),
    (Pressed("todo:add"), True),
    (Voice("file", 3), True),
    (Unsupported("sticker"), True),
])
def test_the_gate_holds_everything_but_the_notice_and_the_rights(given: Input, held: bool) -> None:
    assert consent_holds(standing(withdrawn=True), given) is held
    assert consent_holds(standing("2025-01"), given) is held
    assert consent_holds(standing(), given) is False, "current consent passes"
    assert consent_holds(None, given) is False, "someone who has not joined consents by joining"


def test_the_gate_shows_the_notice_for_an_older_version_and_the_way_back_after_a_withdrawal() -> None:
    older = consent_screens.held(standing("2025-01"))
    assert older.text.render(TR) == notice_words.notice(None).render(TR) and not older.replace
    assert [Pressed(c.data).decode(CONSENT).values for c in older.all_choices()] == [
        {"version": NOTICE_VERSION}, {"version": NOTICE_VERSION}]
    withdrawn = consent_screens.held(standing(withdrawn=True))
    assert "23 Kasım 2026" in withdrawn.text.render(TR) and "/forgetme" in withdrawn.text.render(TR)
    assert [c.label.render(EN) for c in withdrawn.all_choices()] == ["Read the notice and come back"]
