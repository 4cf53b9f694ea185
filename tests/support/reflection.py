"""Helpers for reflection tests: members made directly in the database, and a photo message."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from mentoring.reflection.questions import Option, Question, add_version
from storage.models import ChannelIdentity, ConsentRecord, Group, Membership, Person, Role
from tests.support.notice import notice_version
from tests.support.offline import ChatUser

# The default rhythm opens reflections on Friday 10:00 Istanbul for 72 hours;
# the test programme starts on Monday 23 November 2026 (the clock fixture's day).
WEEK1_OPENS = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
WEEK1_CLOSES = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
WEEK1_OPEN = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


async def make_member(
    sessions: async_sessionmaker[AsyncSession],
    groups: list[Group],
    external_id: str,
    now: datetime,
    *,
    role: Role = Role.MENTEE,
    locale: str = "tr",
) -> MemberView:
    """A person holding `role` in each of `groups` (skipping the join flow)."""
    async with sessions.begin() as session:
        person = Person(
            display_name=f"Kişi {external_id}",
            locale=locale,
            timezone="Europe/Istanbul",
            created_at=now,
        )
        session.add(person)
        await session.flush()
        session.add(
            ChannelIdentity(
                person_id=person.id,
                channel="telegram",
                external_user_id=external_id,
                chat_id=external_id,
                created_at=now,
            )
        )
        session.add(
            ConsentRecord(person_id=person.id, notice_version=await notice_version(session, groups[0].programme_id), accepted_at=now)
        )
        session.add_all(
            [
                Membership(
                    person_id=person.id,
                    programme_id=g.programme_id,
                    group_id=g.id,
                    role=role.value,
                    joined_at=now,
                )
                for g in groups
            ]
        )
        await session.flush()
        member = await joining.member_view(session, "telegram", external_id)
    assert member is not None
    return member


async def send_photo(user: ChatUser, caption: str | None = None) -> None:
    content = {
        "photo": [
            {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
            {"file_id": "photo-big", "file_unique_id": "b", "width": 1280, "height": 960},
        ]
    }
    if caption is not None:
        content["caption"] = caption
    await user.process({"message": user._message(**content)})


# The default set opens with four button questions (tried from the plan, the skill, stress, confidence);
# the first question that takes words, a voice note or a photo is question 5 ("what happened").
FIRST_TEXT_QUESTION = 5


async def to_first_text_question(user: ChatUser, labels: tuple[str, ...] = ("Evet", "Empati", "3", "4")) -> None:
    """Answer the default set's four button questions in Turkish (after /reflect)."""
    for label in labels:
        await user.press(label)


async def use_text_questions(sessions: async_sessionmaker[AsyncSession], programme_id: int, now: datetime) -> None:
    """Give the programme a loaded set of seven questions that opens with four text questions (the
    default before issue #14 point 9), in force from week 1: for tests about written answers across
    restarts and faults, which do not need the default's buttons. A loaded set is kept as it is."""
    def asked(key: str, kind: str, text: str, *options: Option, optional: bool = False) -> Question:
        return Question(key, kind, {"tr": text, "en": text}, optional, tuple(options))

    questions = (
        asked("tried", "text", "Bu hafta gelişim planınızdan çocuklarla neyi denediniz?"),
        asked("happened", "text", "Ne oldu? Çocuklar nasıl karşılık verdi?"),
        asked("hard", "text", "Sizi en çok ne zorladı?"),
        asked("next", "text", "Gelecek hafta neyi deneyeceksiniz?"),
        asked("confidence", "scale", "Kendinize ne kadar güveniyorsunuz? (1 = hiç, 5 = çok)"),
        asked("bring_to_session", "choice", "Grup görüşmesinde konuşmak ister misiniz?",
              Option("yes", {"tr": "Evet", "en": "Yes"}), Option("no", {"tr": "Hayır", "en": "No"})),
        asked("to_mentors", "text", "Mentorlarınıza bir mesajınız var mı?", optional=True),
    )
    async with sessions.begin() as session:
        await add_version(session, programme_id, questions, 1, now)
