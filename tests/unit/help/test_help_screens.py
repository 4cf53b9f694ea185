"""/help and /language as a channel-neutral conversation: the steps driven without any channel."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.help import commands as help_commands
from mentoring.help import screens
from mentoring.help.buttons import LANGUAGE
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView, RoleView
from mentoring.refusals import refusal
from mentoring.screens import Input, Pressed, Reply, Screen, Typed, short_labels_too_long
from mentoring.settings.buttons import SETTINGS
from storage.models import Person, Role

TR, EN = translator("tr"), translator("en")


@pytest.fixture
async def member(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> MemberView:
    async with sessions.begin() as session:
        person = Person(display_name="Deniz", locale="tr", timezone="Europe/Istanbul", created_at=clock.now())
        session.add(person)
        await session.flush()
        mentee = RoleView(Role.MENTEE, 1, "Program", 1, "Grup A")
        return MemberView(person.id, "Deniz", "tr", "Europe/Istanbul", (mentee,), "v1")


async def step(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView,
    run: screens.Step, given: Input,
) -> Reply:
    async with sessions.begin() as session:
        return await run(session, member, given, clock.now())


def only_screen(reply: Reply) -> Screen:
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


async def stored_locale(sessions: async_sessionmaker[AsyncSession], member: MemberView) -> str:
    async with sessions() as session:
        person = await session.get(Person, member.person_id)
        assert person is not None
        return person.locale


async def test_help_lists_the_commands_of_the_members_roles_in_their_language(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    screen = only_screen(await step(sessions, clock, member, screens.commands, Typed("/help")))
    lines = screen.text.render(TR).split("\n")
    assert lines[0] == "Yapabilecekleriniz:"
    assert "/language — Dili değiştirin" in lines
    names = [line.split(" — ")[0] for line in lines[1:]]
    assert names == [f"/{spec.name}" for spec in help_commands.commands_for({Role.MENTEE})]
    assert "/todo" in names and "/broadcast" not in names and "/digest" not in names
    assert screen.text.render(EN).startswith("What you can do:\n/reflect — This week's reflection")
    assert not screen.choices and not screen.replace and screen.awaits is None

    coordinator = MemberView(member.person_id, "Deniz", "en", "Europe/Istanbul",
                             (RoleView(Role.COORDINATOR, 1, "Program", None, None),), "v1")
    text = only_screen(await step(sessions, clock, coordinator, screens.commands, Typed("/help"))).text.render(EN)
    assert "/broadcast — Send an announcement" in text and "/todo" not in text


def test_people_without_a_role_see_only_the_stranger_commands() -> None:
    listed = screens.command_list(help_commands.commands_for(())).text.render(EN).split("\n")[1:]
    assert [line.split(" — ")[0] for line in listed] == ["/language", "/help", "/start"]


async def test_language_choices_carry_each_supported_language_named_in_itself(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    screen = only_screen(await step(sessions, clock, member, screens.languages, Typed("/language")))
    assert screen.text.render(TR) == "Hangi dili kullanayım?"
    assert screen.text.render(EN) == "Which language should I use?"
    assert len(screen.choices) == 1
    chosen = [Pressed(choice.data).decode(LANGUAGE) for choice in screen.all_choices()]
    assert [(b.action, b["locale"]) for b in chosen] == [("choose", code) for code in SUPPORTED_LOCALES]
    labels = {b["locale"]: c.label.render(EN) for b, c in zip(chosen, screen.all_choices(), strict=True)}
    assert labels == {"tr": "Türkçe", "en": "English"}
    assert [c.label.render(TR) for c in screen.all_choices()] == list(labels.values())
    assert short_labels_too_long(screen, TR) == [] and short_labels_too_long(screen, EN) == []
    assert screen == screens.languages_screen(), "strangers are offered the same choice"


async def test_choosing_a_language_stores_it_and_confirms_in_that_language(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView
) -> None:
    english = Pressed(LANGUAGE.encode("choose", locale="en"))
    screen = only_screen(await step(sessions, clock, member, screens.choose, english))
    # Whatever language the reply is read in, it confirms in the one chosen.
    assert screen.text.render(TR) == screen.text.render(EN) == "From now on I will write to you in English."
    assert screen.replace and not screen.choices
    assert await stored_locale(sessions, member) == "en"

    turkish = Pressed(LANGUAGE.encode("choose", locale="tr"))
    screen = only_screen(await step(sessions, clock, member, screens.choose, turkish))
    assert screen.text.render(EN) == "Bundan sonra size Türkçe yazacağım."
    assert await stored_locale(sessions, member) == "tr"


@pytest.mark.parametrize("given", [
    Pressed(SETTINGS.encode("menu")), Pressed("lang:xx"), Pressed("lang:en:1"), Typed("English"),
])
async def test_data_no_language_button_carries_is_refused_and_changes_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView, given: Input
) -> None:
    assert screens.chosen_locale(given) is None
    with pytest.raises(DomainError) as raised:
        await step(sessions, clock, member, screens.choose, given)
    assert raised.value.code == "stale_button"
    assert refusal(raised.value).render(EN) == "This button is no longer active."
    assert await stored_locale(sessions, member) == "tr"


def test_the_chosen_language_is_read_from_the_press() -> None:
    assert screens.chosen_locale(Pressed(LANGUAGE.encode("choose", locale="en"))) == "en"
    assert screens.chosen_locale(Pressed(LANGUAGE.encode("choose", locale="tr"))) == "tr"
