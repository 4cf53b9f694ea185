"""The outbox sender on WhatsApp, against the Cloud API stand-in over real HTTP.

Inside the 24-hour window a row goes as its screen would (buttons, split
texts, its file); outside it, as the approved template of its kind whose
button shows the row; Meta's refusals become pauses, retries, unreachable
people or failed rows with Meta's reason. Time is the test's: the clock for
the window, a virtual timer for the pace.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import Sender, SenderConfig
from bot.sender_claim import NEW_PEOPLE_RETRY
from bot.whatsapp.courier import WhatsAppCourier
from mentoring.clock import ManualClock
from mentoring.delivery import BLOCKED, CHANNEL_WAIT, WHATSAPP
from mentoring.digest.buttons import DIGEST
from mentoring.nudges.templates import held_data, nudge_for, template_name
from mentoring.outbox import Button
from storage.models import ChannelIdentity, Person
from tests.support.sender import VirtualTimer, add_person, queue, row
from tests.support.whatsapp import client_for
from tests.whatsapp_standin import CloudApiStandIn

AYSE, MEHMET, ZEYNEP = "905551112233", "905551112244", "905551112255"


@pytest.fixture
async def cloud(clock: ManualClock) -> AsyncIterator[CloudApiStandIn]:
    async with CloudApiStandIn(clock=lambda: clock.now().timestamp()) as standin:
        yield standin


@pytest.fixture
async def courier(cloud: CloudApiStandIn) -> AsyncIterator[WhatsAppCourier]:
    async with client_for(cloud) as client:
        yield WhatsAppCourier(
            client, cloud.phone_number_id, rate_per_second=20, pair_seconds=6, daily_new_people=2,
            template_prefix="narbot",
        )


def sender_for(courier: WhatsAppCourier, sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> Sender:
    return Sender({WHATSAPP: courier}, sessions, clock, SenderConfig(max_attempts=3), timer=VirtualTimer(),
                  rng=random.Random(1))


async def on_whatsapp(
    sessions: async_sessionmaker[AsyncSession], cloud: CloudApiStandIn, wa_id: str, now: datetime,
    *, wrote: datetime | None, locale: str = "tr", telegram: int | None = None,
) -> int:
    """A person reached on WhatsApp at `wa_id` who last wrote at `wrote` (None: never)."""
    person_id = await add_person(sessions, now, telegram)
    person = cloud.person(wa_id)
    person.last_message_at = wrote.timestamp() if wrote is not None else None
    async with sessions.begin() as session:
        session.add(ChannelIdentity(
            person_id=person_id, channel=WHATSAPP, external_user_id=person.user_id, chat_id=wa_id,
            last_inbound_at=wrote, created_at=now,
        ))
        if locale != "tr":
            person_row = await session.get(Person, person_id)
            assert person_row is not None
            person_row.locale = locale
    return person_id


def two_buttons() -> list[list[Button]]:
    first, second = DIGEST.encode("g", group=1), DIGEST.encode("g", group=2)
    return [[Button("The first group's digest", first, "First group"),
             Button("The second group's digest", second, "Second group")]]


async def test_inside_the_window_a_row_goes_as_its_screen(cloud, courier, sessions, clock) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=2))
    await queue(sessions, now, "digest", person_id=ayse, kind="digest", buttons=two_buttons())

    assert await sender_for(courier, sessions, clock).drain() == 1

    [sent] = cloud.messages_to(AYSE)
    assert sent.kind == "interactive" and sent.text == "digest"
    assert [title for _, title in sent.choices] == ["First group", "Second group"]  # the short labels
    stored = await row(sessions, "digest")
    assert (stored.status, stored.channel, stored.template) == ("sent", WHATSAPP, None)
    assert stored.sent_message_id == sent.id


async def test_outside_the_window_the_row_goes_as_its_template(cloud, courier, sessions, clock) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=30))
    mehmet = await on_whatsapp(sessions, cloud, MEHMET, now, wrote=None, locale="en")
    await queue(sessions, now, "prompt", person_id=ayse, kind="reflection_prompt")
    await queue(sessions, now, "invite", person_id=mehmet, kind="session_invite")

    assert await sender_for(courier, sessions, clock).drain() == 2

    [to_ayse] = cloud.messages_to(AYSE)
    prompt = await row(sessions, "prompt")
    name = template_name("narbot", nudge_for("reflection_prompt"))
    assert to_ayse.template and to_ayse.body["name"] == name
    assert to_ayse.body["language"] == {"code": "tr"}
    # The template's button gives back the row, to be shown once the person taps it.
    assert to_ayse.payload == held_data(prompt.id)
    assert (prompt.status, prompt.template) == ("sent", name)
    [to_mehmet] = cloud.messages_to(MEHMET)
    assert to_mehmet.body["language"] == {"code": "en"}
    assert to_mehmet.body["name"] == template_name("narbot", nudge_for("session_invite"))
    assert not cloud.refused  # nothing free-form was tried outside the window


async def test_a_window_that_closed_on_the_way_sends_the_template_not_the_text_again(
    cloud, courier, sessions, clock
) -> None:
    now = clock.now()
    # Narbot believes Ayşe wrote an hour ago; WhatsApp knows better.
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=1))
    cloud.person(AYSE).last_message_at = None
    await queue(sessions, now, "news", person_id=ayse, kind="broadcast")

    assert await sender_for(courier, sessions, clock).drain() == 1

    assert cloud.refused == [(AYSE, 131047)]
    [sent] = cloud.messages_to(AYSE)
    assert sent.template and sent.body["name"] == template_name("narbot", nudge_for("broadcast"))
    assert (await row(sessions, "news")).template == sent.body["name"]


async def test_an_undeliverable_person_is_marked_unreachable(cloud, courier, sessions, clock) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=1))
    cloud.block(AYSE)
    await queue(sessions, now, "first", person_id=ayse)
    await queue(sessions, now + timedelta(hours=1), "later", person_id=ayse, not_before=now + timedelta(hours=1))

    await sender_for(courier, sessions, clock).drain()

    first = await row(sessions, "first")
    assert first.status == "failed" and first.last_error.startswith(BLOCKED)
    assert "131026" in first.last_error
    later = await row(sessions, "later")
    assert later.status == "failed" and later.last_error == BLOCKED
    async with sessions() as session:
        identity = await session.scalar(select(ChannelIdentity).where(ChannelIdentity.person_id == ayse))
    assert identity is not None and identity.blocked_at == now


async def test_throttling_pauses_and_retries_without_counting_an_attempt(cloud, courier, sessions, clock) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=1))
    await queue(sessions, now, "hello", person_id=ayse)
    cloud.fail_next(130429, "Rate limit hit")
    sender = sender_for(courier, sessions, clock)

    await sender.run_once()
    waiting = await row(sessions, "hello")
    assert waiting.status == "pending" and waiting.attempts == 0 and "130429" in waiting.last_error
    assert courier.limits.paused_until() > sender.timer.now()

    clock.advance(timedelta(seconds=5))
    await sender.drain()
    sent = await row(sessions, "hello")
    assert sent.status == "sent" and sent.attempts == 1
    assert [s.text for s in cloud.messages_to(AYSE)] == ["hello"]


async def test_a_refusal_for_good_fails_the_row_with_metas_reason(cloud, courier, sessions, clock) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=None)
    cloud.approved = {("narbot_other", "tr")}  # the reflection template was never approved
    await queue(sessions, now, "prompt", person_id=ayse, kind="reflection_prompt")

    await sender_for(courier, sessions, clock).drain()

    failed = await row(sessions, "prompt")
    assert failed.status == "failed" and failed.attempts == 1
    assert failed.last_error.startswith("WhatsApp 132001")


async def test_server_faults_are_retried_then_given_up(cloud, courier, sessions, clock) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=1))
    await queue(sessions, now, "hello", person_id=ayse)
    for _ in range(3):
        cloud.fail_next(131000, "Something went wrong", status=500)
    sender = sender_for(courier, sessions, clock)

    for _ in range(3):
        await sender.drain()
        clock.advance(timedelta(minutes=10))

    failed = await row(sessions, "hello")
    assert failed.status == "failed" and failed.attempts == 3
    assert failed.last_error.startswith("gave up after 3 attempts: WhatsApp 131000")


async def test_the_daily_limit_of_new_people_defers_the_rest(cloud, courier, sessions, clock) -> None:
    now = clock.now()
    people = [await on_whatsapp(sessions, cloud, wa, now, wrote=None) for wa in (AYSE, MEHMET, ZEYNEP)]
    for n, person in enumerate(people):
        await queue(sessions, now, f"prompt {n}", person_id=person, kind="reflection_prompt")
    # Someone inside the window is not a new conversation: the limit does not hold them back.
    inside = await on_whatsapp(sessions, cloud, "905551112266", now, wrote=now - timedelta(hours=1))
    await queue(sessions, now, "reply", person_id=inside)

    await sender_for(courier, sessions, clock).drain()

    assert len([s for s in cloud.sent if s.template]) == 2  # daily_new_people=2
    deferred = await row(sessions, "prompt 2")
    assert deferred.status == "pending" and deferred.not_before == now + NEW_PEOPLE_RETRY
    assert (await row(sessions, "reply")).status == "sent"

    # A day later the first two are out of the count, and the third goes.
    clock.advance(timedelta(hours=24, minutes=1))
    fresh = sender_for(courier, sessions, clock)
    assert await fresh.drain() == 1
    assert (await row(sessions, "prompt 2")).template is not None


async def test_a_long_text_goes_in_parts_and_a_photo_with_its_caption(
    cloud, courier, sessions, clock, tmp_path: Path
) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=1))
    long = ("Bir paragraf. " * 300).strip()  # 4,199 characters
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG-chart")
    await queue(sessions, now, "long", person_id=ayse, text=long)
    await queue(sessions, now, "chart", person_id=ayse, text="Bu haftanın grafiği",
                attachment={"type": "photo", "path": str(chart), "filename": "chart.png"})
    sender = sender_for(courier, sessions, clock)

    await sender.drain()

    long_row = await row(sessions, "long")
    sent = cloud.messages_to(AYSE)
    texts = [s for s in sent if s.kind == "text"]
    assert len(texts) == 2 and all(len(s.text) <= 4096 for s in texts)
    assert " ".join(s.text for s in texts).split() == long.split()  # nothing lost, no word cut
    assert long_row.sent_message_id == texts[-1].id
    [photo] = [s for s in sent if s.kind == "image"]
    assert photo.body["caption"] == "Bu haftanın grafiği"
    assert cloud.media[photo.body["id"]][0] == b"\x89PNG-chart"
    # Two rows to one person keep WhatsApp's pair rate (6 s) between them.
    assert sender.timer.now() >= 6.0 - 1e-9


async def test_a_person_on_both_channels_is_reached_where_they_joined_last(
    cloud, courier, sessions, clock
) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=1), telegram=501)
    await queue(sessions, now, "news", person_id=ayse)
    only_telegram = await add_person(sessions, now, 502)
    await queue(sessions, now, "telegram only", person_id=only_telegram)

    await sender_for(courier, sessions, clock).drain()

    assert [s.text for s in cloud.messages_to(AYSE)] == ["news"]
    waiting = await row(sessions, "telegram only")
    # This sender runs WhatsApp alone: the Telegram row waits for a sender that runs Telegram.
    assert waiting.status == "pending" and waiting.not_before == now + CHANNEL_WAIT


async def test_undeliverable_on_whatsapp_leaves_the_queue_to_telegram(cloud, courier, sessions, clock) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=1), telegram=501)
    cloud.block(AYSE)
    await queue(sessions, now, "first", person_id=ayse)
    await queue(sessions, now, "later", person_id=ayse, not_before=now + timedelta(hours=1))

    await sender_for(courier, sessions, clock).drain()

    assert (await row(sessions, "first")).status == "failed"
    # Her Telegram account still works: what waits is not given up, and goes there (decided per row).
    assert (await row(sessions, "later")).status == "pending"


async def test_a_refused_access_token_holds_everything_back_and_fails_nothing(cloud, courier, sessions, clock) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=1))
    await queue(sessions, now, "hello", person_id=ayse)
    refusals = 12  # more than max_attempts (3 here): none of them may count
    for _ in range(refusals):
        cloud.fail_next(190, "Error validating access token: Session has expired", status=401)
    sender = sender_for(courier, sessions, clock)

    for _ in range(refusals):
        await sender.drain()
        clock.advance(timedelta(minutes=6))
        sender.timer.moment += 360  # type: ignore[attr-defined]
    waiting = await row(sessions, "hello")
    assert waiting.status == "pending" and waiting.attempts == 0 and "190" in waiting.last_error
    assert cloud.refused == [(AYSE, 190)] * refusals

    await sender.drain()  # the token is fixed (no more refusals)
    assert (await row(sessions, "hello")).status == "sent"


async def test_a_part_that_went_is_not_sent_again_when_the_next_one_is_retried(
    cloud, courier, sessions, clock
) -> None:
    now = clock.now()
    ayse = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=1))
    long = ("Bir paragraf. " * 600).strip()  # three parts
    await queue(sessions, now, "long", person_id=ayse, text=long)
    cloud.fail_next(131000, "Something went wrong", status=500, after=1)
    sender = sender_for(courier, sessions, clock)

    await sender.drain()
    half = await row(sessions, "long")
    assert half.status == "pending" and half.sent_message_id == "parts:1"
    assert len(cloud.messages_to(AYSE)) == 1

    clock.advance(timedelta(minutes=1))
    await sender.drain()
    sent = cloud.messages_to(AYSE)
    assert len(sent) == 3
    assert " ".join(s.text for s in sent).split() == long.split()  # each part once, in order
    done = await row(sessions, "long")
    assert done.status == "sent" and done.sent_message_id == sent[-1].id
