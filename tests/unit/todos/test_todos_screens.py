"""/todo and /assign as channel-neutral conversations: the steps driven without any channel.

What every adapter relies on: which choices a screen offers (data the codec
reads back), which free input it waits for, the words in both languages, what
is stored, and refusals worded by mentoring/refusals.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView
from mentoring.refusals import refusal
from mentoring.screens import (
    Awaits,
    Expect,
    Input,
    Pressed,
    Reply,
    Screen,
    Typed,
    Unsupported,
    Voice,
    short_labels_too_long,
)
from mentoring.settings.buttons import SETTINGS
from mentoring.todos import assign_screens, screens
from mentoring.todos.buttons import ASSIGN, TODOS
from storage.models import Role
from storage.models.plans import PlanGoal
from tests.support.seed import seed_programme
from tests.support.todos import make_member, outbox_keys, reasons_of, todos_of

TR, EN = translator("tr"), translator("en")


@pytest.fixture
async def group(sessions: async_sessionmaker[AsyncSession], clock: ManualClock):
    return (await seed_programme(sessions, clock.now())).groups[0]


@pytest.fixture
async def mentee(sessions, clock, group) -> MemberView:
    return await make_member(sessions, clock.now(), group)


async def step(sessions, clock: ManualClock, member: MemberView, run: screens.Step, given: Input) -> Reply:
    """One step in one transaction, as an adapter runs it."""
    async with sessions.begin() as session:
        return await run(session, member, given, clock.now())


async def shown(sessions, clock, member, run: screens.Step, given: Input) -> Screen:
    reply = await step(sessions, clock, member, run, given)
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


async def refused_code(sessions, clock, member, run: screens.Step, given: Input) -> str:
    with pytest.raises(DomainError) as refused:
        await step(sessions, clock, member, run, given)
    return refused.value.code


def actions(screen: Screen, feature=TODOS) -> list[list[str]]:
    """Each row's choices as the codec reads them back."""
    return [[Pressed(choice.data).decode(feature).action for choice in row] for row in screen.choices]


def labels(screen: Screen, tr=TR) -> list[str]:
    return [choice.label.render(tr) for choice in screen.all_choices()]


def press(action: str, **values: object) -> Pressed:
    return Pressed(TODOS.encode(action, **values))


async def waiting(sessions, member: MemberView) -> tuple[str, str] | None:
    async with sessions() as session:
        state = await conversation.pending(session, member.person_id)
        return (state.flow, state.step) if state is not None else None


async def add(sessions, clock, member, text: str) -> Screen:
    """Add a to-do up to its due question; returns that question."""
    await step(sessions, clock, member, screens.press, press("add"))
    return await shown(sessions, clock, member, screens.answer, Typed(text))


async def test_adding_waits_for_the_text_then_offers_each_due(sessions, clock, mentee) -> None:
    empty = await shown(sessions, clock, mentee, screens.start, Typed("/todo"))
    assert empty.text.render(TR).startswith("Yapılacaklar listeniz boş.")
    assert empty.text.render(EN).startswith("Your to-do list is empty.")
    assert actions(empty) == [["add"]] and labels(empty) == ["➕ Yapılacak iş ekle"] and not empty.replace

    asked = await shown(sessions, clock, mentee, screens.press, press("add"))
    assert asked.awaits == Awaits(Expect.TEXT, "todo_add") and asked.replace and not asked.choices
    assert "tek bir mesajla yazın" in asked.text.render(TR)
    assert await waiting(sessions, mentee) == ("todo_add", "text")

    due = await shown(sessions, clock, mentee, screens.answer, Typed("  Cumartesi çocuklarla yemek yap "))
    assert due.text.render(TR).startswith("Yapılacaklar listenize kaydedildi. ")
    assert due.text.render(EN) == "Saved to your to-do list. When do you want to do it?"
    assert labels(due) == ["Bu hafta", "Bir sonraki görüşmeden önce", "Bir tarih…", "Tarih yok"]
    kinds = [Pressed(c.data).decode(TODOS)["kind"] for c in due.all_choices()]
    assert kinds == ["week", "session", "date", "none"]
    (row,) = await todos_of(sessions, mentee.person_id)
    assert (row.text, row.due_kind, row.status) == ("Cumartesi çocuklarla yemek yap", "none", "open")
    assert await waiting(sessions, mentee) is None

    saved = await shown(sessions, clock, mentee, screens.press, Pressed(due.choices[0][0].data))
    assert saved.text.render(EN).startswith("Saved.\n\n⬜ Status: open\n\nCumartesi çocuklarla yemek yap\n")
    assert "Due: by the end of the week, Sunday, November 29, 2026" in saved.text.render(EN)
    assert actions(saved) == [["ok", "nd"], ["pp"], ["del"], ["ls"]] and saved.replace
    assert (await todos_of(sessions, mentee.person_id))[0].due_on == date(2026, 11, 29)

    listed = await shown(sessions, clock, mentee, screens.start, Typed("/todo"))
    assert "1. ⬜ Cumartesi çocuklarla yemek yap — hafta sonuna kadar" in listed.text.render(TR)
    assert actions(listed) == [["v"], ["add"]]
    assert labels(listed, EN)[0] == "1. Cumartesi çocuklarla yemek yap"


async def test_refused_typed_inputs_keep_the_wait_and_store_nothing(sessions, clock, mentee) -> None:
    await step(sessions, clock, mentee, screens.press, press("add"))
    for given, code in ((Unsupported("sticker"), "todo_empty"), (Voice("v1", 3), "todo_empty"),
                        (Typed("ç" * 501), "todo_too_long")):
        assert await refused_code(sessions, clock, mentee, screens.answer, given) == code
    assert "en fazla 500 karakter" in refusal(DomainError("todo_too_long", length=501, limit=500)).render(TR)
    assert await todos_of(sessions, mentee.person_id) == []
    assert await waiting(sessions, mentee) == ("todo_add", "text")

    due = await shown(sessions, clock, mentee, screens.answer, Typed("Bir adım"))
    asked = await shown(sessions, clock, mentee, screens.press, Pressed(due.choices[1][0].data))
    assert asked.awaits == Awaits(Expect.TEXT, "todo_date")
    assert "örneğin 30.11.2026" in asked.text.render(TR)  # a week from today, never a past example
    for typed, code in (("gelecek ay", "bad_date"), ("31.02.2027", "no_such_date"), ("22.11.2026", "date_past"), ("01.01.2030", "date_far")):
        assert await refused_code(sessions, clock, mentee, screens.answer, Typed(typed)) == code
    assert await refused_code(sessions, clock, mentee, screens.answer, Unsupported("sticker")) == "bad_date"
    assert await waiting(sessions, mentee) == ("todo_date", "due")
    saved = await shown(sessions, clock, mentee, screens.answer, Typed("05.12.2026"))
    assert saved.text.render(TR).startswith("Kaydedildi.")
    (row,) = await todos_of(sessions, mentee.person_id)
    assert (row.due_kind, row.due_on) == ("date", date(2026, 12, 5))
    assert await waiting(sessions, mentee) is None


async def test_not_done_with_reasons_other_in_own_words_and_skip(sessions, clock, mentee) -> None:
    await add(sessions, clock, mentee, "Birinci")
    (first,) = await todos_of(sessions, mentee.person_id)
    asked = await shown(sessions, clock, mentee, screens.press, press("nd", todo=first.id))
    assert asked.text.render(TR).startswith("Ne engel oldu?")
    reasons = [Pressed(c.data).decode(TODOS) for c in asked.all_choices()]
    assert [b["reason"] for b in reasons if b.action == "why"] == [
        "no_time", "no_chance", "not_worked", "shift", "children", "team_support", "unclear", "needed_help",
        "other"]
    assert reasons[-1].action == "v"
    # Care work's reasons fit a phone: at most 40 characters, and a short label for small buttons.
    assert all(len(c.label.render(t)) <= 40 for c in asked.all_choices() for t in (TR, EN))
    assert short_labels_too_long(asked, TR) == short_labels_too_long(asked, EN) == []
    # "Tried it, it did not work" is kept apart from "no chance" (did not try).
    assert [c.label.render(EN) for c in asked.all_choices()][1:3] == [
        "No chance to apply it", "I tried it, it did not work"]

    other = await shown(sessions, clock, mentee, screens.press, press("why", todo=first.id, reason="other"))
    assert other.awaits == Awaits(Expect.TEXT, "todo_reason")
    assert actions(other) == [["skip"]] and labels(other) == ["Yazmadan bitir"]
    noted = await shown(sessions, clock, mentee, screens.answer, Typed("Vardiyam değişti"))
    assert "Neden yapılamadı: Diğer — Vardiyam değişti" in noted.text.render(TR)
    assert noted.text.render(EN).startswith("Thank you for telling me. Noted.\n\n❌ Status: not done")
    # Once the reason is noted, the new steps are offered (E.5.5): smaller, later, help, or back to the to-do.
    assert actions(noted) == [["sm"], ["lt"], ["hp"], ["v"]]
    assert noted.text.render(EN).endswith("What could your next step be?")

    await add(sessions, clock, mentee, "İkinci")
    second = (await todos_of(sessions, mentee.person_id))[1]
    await step(sessions, clock, mentee, screens.press, press("why", todo=second.id, reason="other"))
    await shown(sessions, clock, mentee, screens.press, press("skip", todo=second.id))
    assert [(r.reason, r.text) for r in await reasons_of(sessions, mentee.person_id)] == [
        ("other", "Vardiyam değişti"), ("other", None)]
    # The same Skip again: nothing waits for it any more.
    assert await refused_code(sessions, clock, mentee, screens.press, press("skip", todo=second.id)) == "stale_button"
    assert await refused_code(sessions, clock, mentee, screens.press, press("ok", todo=second.id)) == "todo_closed"


async def test_postpone_delete_and_a_mentors_to_do(sessions, clock, group, mentee) -> None:
    await add(sessions, clock, mentee, "Bir adım")
    (row,) = await todos_of(sessions, mentee.person_id)
    until = await shown(sessions, clock, mentee, screens.press, press("pp", todo=row.id))
    assert until.text.render(EN) == "Until when?" and actions(until) == [["ppw", "ppd"], ["v"]]
    later = await shown(sessions, clock, mentee, screens.press, press("ppw", todo=row.id))
    assert later.text.render(TR).startswith("Ertelendi.") and "1 kez ertelendi" in later.text.render(TR)
    asked = await shown(sessions, clock, mentee, screens.press, press("ppd", todo=row.id))
    assert asked.awaits == Awaits(Expect.TEXT, "todo_date")
    await shown(sessions, clock, mentee, screens.answer, Typed("10.12.2026"))
    (row,) = await todos_of(sessions, mentee.person_id)
    assert (row.due_on, row.postponed_count) == (date(2026, 12, 10), 2)

    sure = await shown(sessions, clock, mentee, screens.press, press("del", todo=row.id))
    assert sure.text.render(TR) == "Bu yapılacak iş silinsin mi?" and actions(sure) == [["delok", "v"]]
    gone = await shown(sessions, clock, mentee, screens.press, press("delok", todo=row.id))
    assert gone.text.render(TR).startswith("Silindi.\n\nYapılacaklar listeniz boş.")
    assert await todos_of(sessions, mentee.person_id) == []
    assert await refused_code(sessions, clock, mentee, screens.press, press("delok", todo=row.id)) == "todo_gone"

    mentor = await make_member(sessions, clock.now(), group, Role.MENTOR, name="Zeynep Hoca")
    asked = await shown(sessions, clock, mentor, assign_screens.start, Typed("/assign"))
    mine = next(c for c in asked.all_choices() if c.label.render(TR) == "Ayşe")
    await step(sessions, clock, mentor, assign_screens.press, Pressed(mine.data))
    await step(sessions, clock, mentor, assign_screens.answer, Typed("Gözlem notu yaz"))
    await step(sessions, clock, mentor, assign_screens.press, Pressed(ASSIGN.encode("due", kind="none")))
    (given,) = await todos_of(sessions, mentee.person_id)
    seen = await shown(sessions, clock, mentee, screens.press, press("v", todo=given.id, page=0))
    assert "From your mentor Zeynep Hoca" in seen.text.render(EN)
    assert actions(seen) == [["ok", "nd"], ["pp"], ["ls"]]
    for action in ("del", "delok"):
        assert await refused_code(sessions, clock, mentee, screens.press, press(action, todo=given.id)) == \
            "todo_from_mentor"
    # The mentor cannot work on the mentee's to-do either.
    assert await refused_code(sessions, clock, mentor, screens.press, press("ok", todo=given.id)) == "access_denied"
    assert (await todos_of(sessions, mentee.person_id))[0].status == "open"


async def test_pages_and_a_page_button_of_an_older_list(sessions, clock, mentee) -> None:
    for number in range(1, 21):
        await add(sessions, clock, mentee, f"İş {number:02d}")
    first = await shown(sessions, clock, mentee, screens.start, Typed("/todo"))
    text = first.text.render(TR)
    assert "sayfa 1/3" in text and "Açık: 20" in text and "8. ⬜ İş 08" in text and "İş 09" not in text
    assert labels(first)[-2:] == ["▶", "➕ Yapılacak iş ekle"] and len(first.choices) == 10
    forward = Pressed(first.choices[-2][0].data)
    second = await shown(sessions, clock, mentee, screens.press, forward)
    assert "sayfa 2/3" in second.text.render(TR) and "9. ⬜ İş 09" in second.text.render(TR)
    assert labels(second)[-3:-1] == ["◀", "▶"]

    (row, *_) = await todos_of(sessions, mentee.person_id)
    await step(sessions, clock, mentee, screens.press, press("ok", todo=row.id))
    stale = await shown(sessions, clock, mentee, screens.press, forward)
    assert stale.text.render(EN).startswith("Your list has changed since; here it is as it is now.\n\n")
    assert "Done: 1" in stale.text.render(EN)
    back = await shown(sessions, clock, mentee, screens.press, press("ls", page=0))
    assert back.text.render(EN).startswith("Your to-do list (page 1 of 3)")


async def test_a_goal_of_the_plan_is_offered_after_the_due(sessions, clock, group, mentee) -> None:
    async with sessions.begin() as session:
        await session.execute(insert(PlanGoal).values(
            person_id=mentee.person_id, programme_id=group.programme_id, what="Aktif dinleme", due_kind="1m",
            status="in_progress", created_at=clock.now(), updated_at=clock.now()))
    due = await add(sessions, clock, mentee, "Her gün bir çocuğu dinle")
    goals = await shown(sessions, clock, mentee, screens.press, Pressed(due.choices[0][0].data))
    assert goals.text.render(EN).endswith("Does it belong to a goal of your development plan?")
    assert labels(goals, EN) == ["Aktif dinleme", "No goal"]
    assert [Pressed(c.data).decode(TODOS).action for c in goals.all_choices()] == ["gl", "gl"]
    linked = await shown(sessions, clock, mentee, screens.press, Pressed(goals.choices[0][0].data))
    assert linked.text.render(EN).startswith("Saved.") and "Goal: Aktif dinleme" in linked.text.render(EN)
    (row,) = await todos_of(sessions, mentee.person_id)
    assert row.goal_id is not None


@pytest.mark.parametrize("given", [
    Pressed(SETTINGS.encode("menu")), Pressed("todo:nothing"), Pressed("todo:ok:07"), Typed("todo:add"),
])
async def test_data_no_todo_button_carries_is_refused_as_stale(sessions, clock, mentee, given) -> None:
    assert await refused_code(sessions, clock, mentee, screens.press, given) == "stale_button"
    assert await waiting(sessions, mentee) is None


async def test_assign_to_the_whole_group_with_a_typed_date(sessions, clock) -> None:
    first, second = (await seed_programme(sessions, clock.now(), groups=2)).groups
    await make_member(sessions, clock.now(), first, Role.MENTOR, name="Zeynep Hoca", user_id=88001)
    # The same person mentors the second group too (one more role).
    mentor = await make_member(sessions, clock.now(), second, Role.MENTOR, user_id=88001)
    ali = await make_member(sessions, clock.now(), first, name="Ali")
    bora = await make_member(sessions, clock.now(), first, name="Bora", locale="en")
    cem = await make_member(sessions, clock.now(), second, name="Cem")
    which = await shown(sessions, clock, mentor, assign_screens.start, Typed("/assign"))
    assert which.text.render(TR) == "Yapılacak iş hangi grup için?"
    assert labels(which) == ["Grup 1", "Grup 2"] and actions(which, ASSIGN) == [["g"], ["g"]]
    whom = await shown(sessions, clock, mentor, assign_screens.press, Pressed(which.choices[0][0].data))
    assert labels(whom) == ["Tüm grup", "Ali", "Bora"] and whom.replace
    write = await shown(sessions, clock, mentor, assign_screens.press, Pressed(whom.choices[0][0].data))
    assert write.awaits == Awaits(Expect.TEXT, "todo_assign")
    assert "Yapılacak işi tüm grup için" in write.text.render(TR)
    assert await refused_code(sessions, clock, mentor, assign_screens.answer, Unsupported("sticker")) == "todo_empty"
    when = await shown(sessions, clock, mentor, assign_screens.answer, Typed("Etkin dinleme dene"))
    assert when.text.render(EN) == "When do you want to do it?"
    assert actions(when, ASSIGN) == [["due", "due"], ["due", "due"]]
    # Typing while the due buttons wait shows them again.
    assert await shown(sessions, clock, mentor, assign_screens.answer, Typed("?")) == when
    date_asked = await shown(sessions, clock, mentor, assign_screens.press, Pressed(when.choices[1][0].data))
    assert date_asked.awaits == Awaits(Expect.TEXT, "todo_assign")
    assert await refused_code(sessions, clock, mentor, assign_screens.answer, Typed("01.01.2020")) == "date_past"
    done = await shown(sessions, clock, mentor, assign_screens.answer, Typed("10.12.2026"))
    assert done.text.render(TR) == "Grup 1 grubunun tamamına verildi (2 menti). Kendilerine bildirilecek."
    rows = await todos_of(sessions, ali.person_id) + await todos_of(sessions, bora.person_id)
    assert [(r.text, r.due_on) for r in rows] == [("Etkin dinleme dene", date(2026, 12, 10))] * 2
    assert await todos_of(sessions, cem.person_id) == []
    assert await outbox_keys(sessions) == sorted(f"todo-assigned:{r.id}" for r in rows)
    # The flow is over: an old due button creates nothing more.
    assert await refused_code(sessions, clock, mentor, assign_screens.press, Pressed(when.choices[0][0].data)) \
        == "stale_button"
    # Another group's buttons are not the mentor's.
    other = await make_member(sessions, clock.now(), first, Role.MENTOR, name="Deniz")
    assert await refused_code(sessions, clock, other, assign_screens.press,
                              Pressed(ASSIGN.encode("g", group=second.id))) == "access_denied"
    assert await refused_code(sessions, clock, ali, assign_screens.start, Typed("/assign")) == "not_a_mentor"


async def test_every_choice_offered_leads_somewhere_and_its_short_label_fits_small_buttons(
    sessions, clock, group, mentee
) -> None:
    """Walk every screen the list can show by pressing every choice it offers (refusals included)."""
    async with sessions.begin() as session:
        await session.execute(insert(PlanGoal).values(
            person_id=mentee.person_id, programme_id=group.programme_id, what="Zor anlarda sakin kalmak",
            due_kind="1m", status="in_progress", created_at=clock.now(), updated_at=clock.now()))
    for number in range(1, 9):
        await add(sessions, clock, mentee, f"Çocuklarla her akşam kısa bir sohbet {number}")
    due = await add(sessions, clock, mentee, "Dokuzuncu adım, bir sonraki sayfada görünür")
    start = await shown(sessions, clock, mentee, screens.start, Typed("/todo"))
    seen: set[str] = set()
    every: list[Screen] = []
    todo = [start, due]
    while todo:
        screen = todo.pop()
        every.append(screen)
        for choice in screen.all_choices():
            if choice.data in seen:
                continue
            seen.add(choice.data)
            try:
                todo.extend((await step(sessions, clock, mentee, screens.press, Pressed(choice.data))).screens)
            except DomainError as refused:
                assert refusal(refused).render(EN) != "That did not work. Please try again."
    # The walk closes to-dos before it reaches every follow-up: take one more through them.
    await add(sessions, clock, mentee, "Zehra'yla konuş")
    fresh = (await todos_of(sessions, mentee.person_id))[-1].id
    for action, values in (("nd", {}), ("why", {"reason": "other"}), ("skip", {}), ("sm", {}), ("lt", {}),
                           ("pp", {}), ("ppd", {}), ("ppw", {})):
        data = TODOS.encode(action, todo=fresh, **values)
        seen.add(data)
        every.append(await shown(sessions, clock, mentee, screens.press, Pressed(data)))

    mentor = await make_member(sessions, clock.now(), group, Role.MENTOR)
    # Asking for help needs a mentor in the group (the walk met the refusal without one).
    for action in ("hp", "hpok"):
        data = TODOS.encode(action, todo=fresh)
        seen.add(data)
        every.append(await shown(sessions, clock, mentee, screens.press, Pressed(data)))
    assert {Pressed(data).decode(TODOS).action for data in seen} == set(TODOS.actions)
    assert any(screen.awaits is not None for screen in every)
    whom = await shown(sessions, clock, mentor, assign_screens.start, Typed("/assign"))
    await step(sessions, clock, mentor, assign_screens.press, Pressed(whom.choices[0][0].data))
    every += [whom, await shown(sessions, clock, mentor, assign_screens.answer, Typed("Bir adım"))]
    for locale in SUPPORTED_LOCALES:
        for screen in every:
            assert short_labels_too_long(screen, translator(locale)) == [], (locale, screen.text.render(EN))
