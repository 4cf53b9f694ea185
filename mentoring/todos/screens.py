"""/todo as a conversation any channel can hold: the list, one to-do, and what can be done to it.

Every step takes `(session, member, given, now)`, where `given` is the person's
input (`mentoring.screens`), and returns a `Reply`; the adapters only translate
it (principle 2). `start` answers /todo, `press` a `todo:` button, `answer` the
typed text a to-do flow waits for (a new to-do, a date, the "other" reason, a
smaller step). Once a "not done" reason is noted, the next steps are offered
(`mentoring.todos.next_steps`: smaller, later, ask for help).

Buttons name their to-do (`todo:ok:<todo>`, `todo:v:<todo>:<page>`, page
buttons `todo:pg:<page>:<list version>`), written and read by
`mentoring.todos.buttons.TODOS`; the rules check on every press that the to-do is
still there, the person's own and in a state the action fits, so old,
double-tapped or forged buttons change nothing. The typed input waited for is a
`conversation_states` row (flows `rules.FLOW_ADD`, `FLOW_DATE`, `FLOW_REASON`, `FLOW_SMALLER`),
so a restart continues. Refusals raise `DomainError`s, worded once in
`mentoring.refusals`; a typed answer the rules refuse is answered with those
words and the wait stays.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import button_data, conversation
from mentoring.dates import local_today
from mentoring.joining.rules import MemberView
from mentoring.screens import Input, Reply, Text, Typed, button_of
from mentoring.todos import next_screens, next_steps, rules
from mentoring.todos import views as todo_views
from mentoring.todos.buttons import TODOS
from mentoring.todos.list_screens import (
    AWAITS_DATE,
    NOTED,
    add_prompt,
    date_question,
    delete_question,
    detail,
    due_set,
    list_screen,
    own_words,
    reasons,
    saved_new,
    until_when,
)

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/todo: the list's first page; a to-do input left half-way is forgotten."""
    return Reply(list_screen(await rules.open_list(session, member, now), replace=False))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A `todo:` button. Data it does not carry is refused as stale and changes nothing."""
    button = button_of(given, TODOS)
    return await _PRESSES[button.action](session, member, button, now)


def _typed(given: Input) -> str:
    # Stickers, voice notes and photos are no text: the rules refuse "" in words that say so.
    return given.text if isinstance(given, Typed) else ""


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The typed text a to-do flow waits for; one the rules refuse is explained and the wait stays."""
    state = await conversation.pending(session, member.person_id)
    text = _typed(given)
    if state is None or state.flow not in rules.MY_FLOWS:
        # Another step ended the wait in the meantime: show the list as it is.
        return Reply(list_screen(await todo_views.list_page(session, member, 0, now), replace=False))
    if state.flow == rules.FLOW_ADD:
        return Reply(saved_new((await rules.add(session, member, text, now)).id))
    if state.flow == rules.FLOW_DATE:
        todo_id, purpose = int(state.data["todo_id"]), state.step
        return Reply(due_set(await rules.date_from_input(session, member, todo_id, purpose, text, now)))
    if state.flow == rules.FLOW_SMALLER:
        return Reply(saved_new((await next_steps.add_smaller(session, member, int(state.data["todo_id"]), text,
                                                             now)).id))
    reason_id = int(state.data["reason_id"])
    item = await rules.reason_text(session, member, reason_id, text, now)
    return Reply(next_screens.offer(item, Text(NOTED)))


# ----------------------------------------------------------------------------- one per button

_Press = Callable[[AsyncSession, MemberView, button_data.Pressed, datetime], Awaitable[Reply]]


async def _page(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    page = await todo_views.list_page(session, member, button["page"], now)
    changed = button.action == "pg" and button["version"] != page.version
    # A page button of an older list: say so, and show the list as it is now.
    return Reply(list_screen(page, Text("Your list has changed since; here it is as it is now.") if changed else None))


async def _view(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(detail(await todo_views.view(session, member, button["todo"], now), page=button["page"]))


async def _add(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    await rules.start_adding(session, member, now)
    return Reply(add_prompt())


async def _due(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    todo_id, kind = button["todo"], button["kind"]
    if kind == "date":
        await rules.ask_date(session, member, todo_id, "due", now)
        return Reply(date_question(AWAITS_DATE, local_today(now, member.timezone)))
    return Reply(due_set(await rules.set_due(session, member, todo_id, kind, now)))


async def _goal(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    item = await rules.set_goal(session, member, button["todo"], button["goal"] or None, now)
    return Reply(detail(item, Text("Saved.")))


async def _done(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    item = await rules.mark_done(session, member, button["todo"], now)
    return Reply(detail(item, Text("Well done! Marked as done.")))


async def _not_done(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    await rules.check_open(session, member, button["todo"])
    return Reply(reasons(button["todo"]))


async def _why(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    item = await rules.mark_not_done(session, member, button["todo"], button["reason"], now)
    if button["reason"] != "other":
        return Reply(next_screens.offer(item, Text(NOTED)))
    return Reply(own_words(item.id))


async def _skip(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(next_screens.offer(await rules.skip_reason_text(session, member, button["todo"], now), Text(NOTED)))


async def _postpone(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    todo_id = button["todo"]
    await rules.check_postponable(session, member, todo_id)
    return Reply(until_when(todo_id))


async def _postpone_week(
    session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime
) -> Reply:
    return Reply(detail(await rules.postpone_week(session, member, button["todo"], now), Text("Postponed.")))


async def _postpone_date(
    session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime
) -> Reply:
    await rules.ask_date(session, member, button["todo"], "postpone", now)
    return Reply(date_question(AWAITS_DATE, local_today(now, member.timezone)))


async def _delete(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    todo_id = button["todo"]
    await rules.check_deletable(session, member, todo_id)
    return Reply(delete_question(todo_id))


async def _deleted(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(list_screen(await rules.delete(session, member, button["todo"], now), Text("Deleted.")))


# ----------------------------------------------------------------------------- after "not done"


async def _smaller(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(next_screens.smaller_prompt(await next_steps.start_smaller(session, member, button["todo"], now)))


async def _later(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    await rules.ask_date(session, member, button["todo"], "postpone", now)
    return Reply(next_screens.later_question(local_today(now, member.timezone)))


async def _help(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    names = await next_steps.who_will_see(session, member, button["todo"])
    return Reply(next_screens.help_question(button["todo"], names))


async def _help_sent(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(next_screens.help_sent(await next_steps.ask_help(session, member, button["todo"], now)))


_PRESSES: dict[str, _Press] = {
    "pg": _page,
    "ls": _page,
    "v": _view,
    "add": _add,
    "due": _due,
    "gl": _goal,
    "ok": _done,
    "nd": _not_done,
    "why": _why,
    "skip": _skip,
    "pp": _postpone,
    "ppw": _postpone_week,
    "ppd": _postpone_date,
    "del": _delete,
    "delok": _deleted,
    "sm": _smaller,
    "lt": _later,
    "hp": _help,
    "hpok": _help_sent,
}
