"""/broadcast as a channel-neutral conversation: the steps driven without any channel.

What every adapter (Telegram today, WhatsApp next) relies on: which choices a
screen offers (data the codec reads), in which order the screens come, the
free input it waits for, what is stored, the words in both languages, and
refusals worded by mentoring/refusals.py. The progress message and its report
are screens too, shown by the handler and edited in by the progress job.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.broadcasts import progress_screens, screens
from mentoring.broadcasts.buttons import BROADCAST
from mentoring.broadcasts.progress import Counts, Progress, Unreachable
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView, RoleView
from mentoring.refusals import refusal
from mentoring.screens import (
    Awaits,
    Expect,
    Input,
    Pressed,
    Reply,
    Screen,
    Typed,
    Voice,
    short_labels_too_long,
)
from storage.models import Role
from storage.models.broadcasts import Broadcast
from tests.support.broadcasting import (
    COLLEAGUE_USER,
    COORDINATOR_USER,
    MENTEE_USER,
    Cast,
    batch_rows,
    member,
    seed_cast,
)

TR, EN = translator("tr"), translator("en")


async def step(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, who: MemberView, run: screens.Step, given: Input
) -> Reply:
    """One step in one transaction, as an adapter runs it."""
    async with sessions.begin() as session:
        return await run(session, who, given, clock.now())


def only_screen(reply: Reply) -> Screen:
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


def actions(screen: Screen) -> list[list[str]]:
    """Each row's choices as the codec reads them back."""
    return [[Pressed(choice.data).decode(BROADCAST).action for choice in row] for row in screen.choices]


def labels(screen: Screen, tr: object = TR) -> list[str]:
    return [choice.label.render(tr) for choice in screen.all_choices()]  # type: ignore[arg-type]


def press(action: str, **values: object) -> Pressed:
    return Pressed(BROADCAST.encode(action, **values))


async def the_broadcast(sessions: async_sessionmaker[AsyncSession]) -> Broadcast:
    async with sessions() as session:
        found = await session.scalar(select(Broadcast).order_by(Broadcast.id.desc()).limit(1))
    assert found is not None
    return found


async def waiting_step(sessions: async_sessionmaker[AsyncSession], who: MemberView) -> str | None:
    async with sessions() as session:
        state = await conversation.waiting(session, who.person_id)
    return state.step if state is not None and state.flow == screens.FLOW else None


def fits_small_buttons(screen: Screen) -> None:
    for tr in (TR, EN):
        assert not short_labels_too_long(screen, tr), short_labels_too_long(screen, tr)


@pytest.fixture
async def cast(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> Cast:
    return await seed_cast(sessions, clock.now(), extra_groups=8)


async def test_the_command_opens_a_draft_with_the_audience_menu_and_refuses_non_coordinators(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, cast: Cast
) -> None:
    selin = await member(sessions, COORDINATOR_USER)
    menu = only_screen(await step(sessions, clock, selin, screens.start, Typed("/broadcast")))
    assert menu.text.render(TR) == "Nar Taneleri için yeni duyuru.\n\nKimlere gitsin?"
    assert menu.text.render(EN) == "New announcement for Nar Taneleri.\n\nWho should receive it?"
    draft = (await the_broadcast(sessions)).id
    assert actions(menu) == [["all"], ["prov"], ["grp"], ["drop"]]
    assert {Pressed(c.data).decode(BROADCAST)["draft"] for c in menu.all_choices()} == {draft}
    assert labels(menu) == ["Tüm program", "Bir il", "Seçilen gruplar", "Vazgeç"]
    assert menu.awaits is None
    fits_small_buttons(menu)

    ayse = await member(sessions, MENTEE_USER)
    with pytest.raises(DomainError) as refused:
        await step(sessions, clock, ayse, screens.start, Typed("/broadcast"))
    assert refused.value.code == "not_a_coordinator"
    assert refusal(refused.value).render(TR) == "Duyuruları yalnızca programın koordinatörleri gönderebilir."
    assert refusal(refused.value).render(EN) == "Only the coordinators of a programme can send announcements."


async def test_a_coordinator_of_two_programmes_chooses_one_first(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, cast: Cast
) -> None:
    selin = await member(sessions, COORDINATOR_USER)
    far = "Çok Uzun Adlı Bir Başka Mentorluk Programı"
    both = dataclasses.replace(selin, roles=(*selin.roles, RoleView(Role.COORDINATOR, 999, far, None, None)))
    choice = only_screen(await step(sessions, clock, both, screens.start, Typed("/broadcast")))
    assert choice.text.render(EN) == "Which programme is the announcement for?"
    assert [Pressed(c.data).decode(BROADCAST)["programme"] for c in choice.all_choices()] == [cast.programme.id, 999]
    assert labels(choice) == ["Nar Taneleri", far]
    assert choice.choices[1][0].short_label(TR) == far[:19] + "…"
    fits_small_buttons(choice)
    async with sessions() as session:
        assert await session.scalar(select(Broadcast)) is None, "no draft before the programme is chosen"

    menu = only_screen(await step(sessions, clock, both, screens.press, Pressed(choice.choices[0][0].data)))
    assert menu.replace and actions(menu) == [["all"], ["prov"], ["grp"], ["drop"]]
    with pytest.raises(DomainError) as refused:  # a programme they do not coordinate
        await step(sessions, clock, selin, screens.press, press("new", programme=999))
    assert refused.value.code == "access_denied"


async def test_audience_text_time_preview_and_confirm(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, cast: Cast
) -> None:
    meltem = await member(sessions, COLLEAGUE_USER)  # English
    await step(sessions, clock, meltem, screens.start, Typed("/broadcast"))
    draft = (await the_broadcast(sessions)).id

    roles = only_screen(await step(sessions, clock, meltem, screens.press, press("all", draft=draft)))
    assert roles.text.render(EN) == (
        "Audience: the whole programme Nar Taneleri\n\nMentors, mentees, or both?"
    )
    assert actions(roles) == [["r"], ["r", "r"], ["aud"]]
    assert roles.choices[0][0].label.render(TR) == "Mentorlar ve mentiler"
    assert roles.choices[0][0].short_label(TR) == "Herkes"
    fits_small_buttons(roles)

    asked = only_screen(await step(sessions, clock, meltem, screens.press, press("r", draft=draft, role="mentee")))
    assert asked.awaits == Awaits(Expect.TEXT, "broadcast") and asked.replace and not asked.choices
    assert "at most 3500 characters" in asked.text.render(EN)
    assert await waiting_step(sessions, meltem) == "text"

    # A voice note where words are expected: say so, keep waiting.
    voice = only_screen(await step(sessions, clock, meltem, screens.typed, Voice("file", 3)))
    assert "as a text message" in voice.text.render(EN) and voice.awaits is not None
    with pytest.raises(DomainError) as too_long:
        await step(sessions, clock, meltem, screens.typed, Typed("x" * 3501))
    assert refusal(too_long.value).render(EN).startswith("That text has 3501 characters")
    assert await waiting_step(sessions, meltem) == "text"

    reply = await step(sessions, clock, meltem, screens.typed, Typed("  Mentee meeting on Friday.  "))
    copy, summary = reply.screens
    assert copy.text.render(EN) == "📣 Announcement from the coordinator Meltem Ak\n\nMentee meeting on Friday."
    assert copy.text.render(TR) == "📣 Koordinatör Meltem Ak tarafından duyuru\n\nMentee meeting on Friday."
    assert not copy.choices and not copy.replace and copy.awaits is None
    words = summary.text.render(EN)
    assert "Audience: the whole programme Nar Taneleri — mentees only" in words
    assert "It will reach 5 people" in words and "2 more cannot be reached" in words
    assert "Send time: now" in words
    assert actions(summary) == [["send"], ["later"], ["text", "aud"], ["drop"]]
    assert labels(summary, EN) == ["Send", "Choose a send time", "Change the text", "Change the audience", "Discard"]
    fits_small_buttons(summary)
    assert await waiting_step(sessions, meltem) is None
    assert (await the_broadcast(sessions)).text == "Mentee meeting on Friday."

    when = only_screen(await step(sessions, clock, meltem, screens.press, press("later", draft=draft)))
    assert when.awaits == Awaits(Expect.TEXT, "broadcast")
    assert "30.11.2026 10:00" in when.text.render(EN) and "Europe/Istanbul" in when.text.render(EN)
    assert await waiting_step(sessions, meltem) == "time"
    with pytest.raises(DomainError) as passed:
        await step(sessions, clock, meltem, screens.typed, Typed("01.01.2020 10:00"))
    assert passed.value.code == "broadcast_time_passed"
    _copy, scheduled = (await step(sessions, clock, meltem, screens.typed, Typed("24.11.2026 10:00"))).screens
    assert "Send time: 24 November 2026, 10:00 (your time)" in scheduled.text.render(EN)
    assert "Gönderim zamanı: 24 Kasım 2026, 10:00 (sizin saatinizle)" in scheduled.text.render(TR)
    assert actions(scheduled)[:2] == [["send"], ["now"]]
    assert labels(scheduled, EN)[:2] == ["Schedule", "Send now"]

    progress = only_screen(await step(sessions, clock, meltem, screens.press_at(screens.ProgressAt("5003", 41)),
                                      press("send", draft=draft)))
    assert progress.replace
    assert progress.text.render(EN) == (
        "📣 Announcement on its way\nSend time: 24 November 2026, 10:00 (your time)\n"
        "Sent: 0 · Failed: 0 · Waiting: 7"
    )
    assert actions(progress) == [["stop"]] and progress.choices[0][0].short_label(EN) == "Cancel"
    fits_small_buttons(progress)
    sent = await the_broadcast(sessions)
    assert (sent.status, sent.progress_chat_id, sent.progress_message_id) == ("sending", "5003", 41)
    assert len(await batch_rows(sessions, draft)) == 7
    assert {row.not_before for row in await batch_rows(sessions, draft)} == {datetime(2026, 11, 24, 7, tzinfo=UTC)}

    again = await step(sessions, clock, meltem, screens.press, press("send", draft=draft))  # a double tap
    assert not again.screens and again.notice is not None and not again.notice.alert
    assert again.notice.text.render(EN) == "This announcement is already on its way."
    assert len(await batch_rows(sessions, draft)) == 7


async def test_cancelling_answers_with_an_alert_and_shows_the_progress_without_a_button(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, cast: Cast
) -> None:
    selin = await member(sessions, COORDINATOR_USER)
    await step(sessions, clock, selin, screens.start, Typed("/broadcast"))
    draft = (await the_broadcast(sessions)).id
    await step(sessions, clock, selin, screens.press, press("all", draft=draft))
    await step(sessions, clock, selin, screens.press, press("r", draft=draft, role="mentor"))
    await step(sessions, clock, selin, screens.typed, Typed("Mentor toplantısı perşembe."))
    await step(sessions, clock, selin, screens.press, press("send", draft=draft))

    meltem = await member(sessions, COLLEAGUE_USER)  # any coordinator of the programme may cancel
    reply = await step(sessions, clock, meltem, screens.press, press("stop", draft=draft))
    assert reply.notice is not None and reply.notice.alert
    assert reply.notice.text.render(EN) == "Cancelled: 2 messages will not be sent."
    assert reply.notice.text.render(TR) == "İptal edildi: 2 mesaj gönderilmeyecek."
    shown = reply.screens[0]
    assert shown.replace and not shown.choices
    # Nothing was still going out, so the message becomes the report at once.
    assert shown.text.render(TR) == (
        "📣 Duyuru iptal edildi\n\nUlaştı: 0 · Ulaşılamadı: 0\nGönderilmeden iptal edilen: 2 mesaj"
    )
    assert {row.status for row in await batch_rows(sessions, draft)} == {"cancelled"}
    with pytest.raises(DomainError) as stale:  # cancelled already: the button is stale
        await step(sessions, clock, selin, screens.press, press("stop", draft=draft))
    assert stale.value.code == "broadcast_gone"


async def test_groups_are_chosen_page_by_page_and_the_page_is_kept(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, cast: Cast
) -> None:
    selin = await member(sessions, COORDINATOR_USER)
    await step(sessions, clock, selin, screens.start, Typed("/broadcast"))
    draft = (await the_broadcast(sessions)).id

    first = only_screen(await step(sessions, clock, selin, screens.press, press("grp", draft=draft, page=0)))
    assert first.text.render(EN) == "Tap the groups that should receive it, then continue."
    assert actions(first) == [["g"]] * 8 + [["grp", "grp"], ["aud"]]
    assert labels(first, EN)[-3:] == ["Page 1 of 2", "›", "Back"]
    assert labels(first, TR)[-3] == "Sayfa 1/2"
    second = only_screen(await step(sessions, clock, selin, screens.press, press("grp", draft=draft, page=1)))
    assert [row[0].label.render(TR) for row in second.choices[:3]] == ["▫️ Grup 1", "▫️ Grup 2", "▫️ Grup 3"]
    assert labels(second, EN)[-3:] == ["‹", "Page 2 of 2", "Back"]
    assert actions(second)[-2:] == [["grp", "grp"], ["aud"]]

    toggled = only_screen(await step(sessions, clock, selin, screens.press, Pressed(second.choices[0][0].data)))
    assert toggled.choices[0][0].label.render(TR) == "✅ Grup 1"
    assert Pressed(toggled.choices[0][0].data).decode(BROADCAST)["page"] == 1, "the page stays where it was"
    assert actions(toggled)[-1] == ["aud", "gok"]
    go_on = toggled.choices[-1][1]
    assert go_on.label.render(EN) == "Continue with 1 group" and go_on.short_label(TR) == "Devam et"
    fits_small_buttons(toggled)

    roles = only_screen(await step(sessions, clock, selin, screens.press, Pressed(go_on.data)))
    assert roles.text.render(EN).startswith("Audience: groups Grup 1")


async def test_provinces_and_stale_or_forged_presses(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, cast: Cast
) -> None:
    selin = await member(sessions, COORDINATOR_USER)
    await step(sessions, clock, selin, screens.start, Typed("/broadcast"))
    draft = (await the_broadcast(sessions)).id
    provinces = only_screen(await step(sessions, clock, selin, screens.press, press("prov", draft=draft, page=0)))
    assert provinces.text.render(EN) == "Which province? (Provinces with groups in Nar Taneleri.)"
    assert labels(provinces) == ["Ankara", "İzmir", "Geri"] and actions(provinces) == [["p"], ["p"], ["aud"]]
    roles = only_screen(await step(sessions, clock, selin, screens.press, Pressed(provinces.choices[0][0].data)))
    assert roles.text.render(EN).startswith("Audience: groups in Ankara")

    for given in (Typed("bc:1:all"), Pressed("bc:x:send"), Pressed("todo:add"), Pressed(f"bc:{draft}:nonsense")):
        with pytest.raises(DomainError) as stale:
            await step(sessions, clock, selin, screens.press, given)
        assert stale.value.code == "stale_button", given

    dropped = only_screen(await step(sessions, clock, selin, screens.press, press("drop", draft=draft)))
    assert dropped.text.render(EN) == "The announcement was discarded; nothing was sent." and dropped.replace
    with pytest.raises(DomainError) as gone:
        await step(sessions, clock, selin, screens.press, press("all", draft=draft))
    assert gone.value.code == "broadcast_gone"
    assert refusal(gone.value).render(TR) == "Bu düğme artık geçerli değil."


async def test_typed_text_for_a_draft_that_is_gone_stops_the_wait(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, cast: Cast
) -> None:
    selin = await member(sessions, COORDINATOR_USER)
    await step(sessions, clock, selin, screens.start, Typed("/broadcast"))
    draft = (await the_broadcast(sessions)).id
    await step(sessions, clock, selin, screens.press, press("all", draft=draft))
    await step(sessions, clock, selin, screens.press, press("r", draft=draft, role="all"))
    assert await waiting_step(sessions, selin) == "text"
    async with sessions.begin() as session:  # the draft went meanwhile (say, by another device)
        found = await session.get(Broadcast, draft)
        assert found is not None
        found.status = "done"

    gone = only_screen(await step(sessions, clock, selin, screens.typed, Typed("Geç kalan metin")))
    assert gone.text.render(EN) == (
        "That announcement is no longer being written. Send /broadcast to start a new one."
    )
    assert await waiting_step(sessions, selin) is None


def progress(locale: str = "en", **changes: object) -> Progress:
    base = Progress(7, "5001", 41, locale, "Europe/Istanbul", None, Counts(sent=3, failed=1, waiting=4),
                    cancelled=False)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_the_progress_screen_runs_then_reports() -> None:
    running = progress_screens.progress_screen(progress())
    assert running.text.render(TR) == "📣 Duyuru gönderiliyor\nGönderildi: 3 · Başarısız: 1 · Bekliyor: 4"
    assert actions(running) == [["stop"]]
    assert Pressed(running.choices[0][0].data).decode(BROADCAST)["draft"] == 7

    at = datetime(2026, 11, 24, 7, tzinfo=UTC)
    being_cancelled = progress_screens.progress_screen(progress(cancelled=True, send_at=at))
    assert being_cancelled.text.render(EN).splitlines()[:2] == [
        "📣 Announcement being cancelled", "Send time: 24 November 2026, 10:00 (your time)"]
    assert not being_cancelled.choices

    done = progress_screens.progress_screen(progress(
        counts=Counts(sent=5, failed=2, cancelled=1),
        unreachable=(Unreachable("İrem Yıldız", "blocked"), Unreachable("Kemal Öztürk", "no_account"),
                     Unreachable("Fatma Çelik", "failed")),
    ))
    assert not done.choices
    assert done.text.render(EN) == (
        "📣 Announcement sent\n\nDelivered: 5 · Could not be reached: 2\n"
        "Cancelled before sending: 1 message\n\nCould not be reached:\n"
        "• İrem Yıldız — blocked Narbot\n• Kemal Öztürk — has no Telegram account\n• Fatma Çelik — delivery failed"
    )
    assert "• İrem Yıldız — Narbot'u engellemiş" in done.text.render(TR)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_long_report_fits_one_message_in_every_language(locale: str) -> None:
    tr = translator(locale)
    # The room reckoned for each reason and for the lines above the names holds in every language.
    for code in (*progress_screens.REASONS, "failed"):
        line = progress_screens.reason(Unreachable("", code)).render(tr)
        assert len(f"• {line} — \n") <= progress_screens.REASON_ROOM, line
    most = Counts(sent=99999, failed=99999, cancelled=99999, in_doubt=99999, delivered=99999, read=99999)
    header = progress_screens.report(progress(locale, counts=most, cancelled=True,
                                              unreachable=(Unreachable("", "failed"),))).render(tr)
    assert len(header) <= progress_screens.HEADER_ROOM

    many = tuple(Unreachable(f"Katılımcı {n:04d} Uzunsoyadlıoğlu", "blocked") for n in range(400))
    report = progress_screens.report(progress(locale, counts=Counts(sent=1, failed=400), unreachable=many))
    text = report.render(tr)
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    shown = text.count("• ")
    assert 50 < shown < 400
    last = text.splitlines()[-1]
    assert str(400 - shown) in last and ("more" in last if locale == "en" else "daha" in last)


def test_every_reason_has_words_and_the_moment_reads_the_same_in_both_languages() -> None:
    at = datetime(2026, 11, 24, 7, tzinfo=UTC) + timedelta(minutes=5)
    assert progress_screens.send_time(at, "Europe/Istanbul").render(TR) == (
        "Gönderim zamanı: 24 Kasım 2026, 10:05 (sizin saatinizle)"
    )
    assert {progress_screens.reason(Unreachable("", code)).render(EN) for code in ("blocked", "no_account", "x")} == {
        "blocked Narbot", "has no Telegram account", "delivery failed"}
