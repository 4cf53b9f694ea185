"""/assign as a conversation any channel can hold: a mentor gives a to-do to a mentee or the group.

Steps take `(session, member, given, now)` and return a `Reply`
(`mentoring.screens`). `start` answers /assign (the groups, or the mentees of the
mentor's one group), `press` an `asg:` button, `answer` the typed text or date.

Buttons: `asg:g:<group>` (which group), `asg:p:<group>:<mentee|all>` (for whom),
`asg:due:<kind>` (when), written and read by `mentoring.todos.buttons.ASSIGN`. The
text waits in the mentor's conversation state (flow `assign.FLOW_ADD`) until the
due is chosen; every press is checked again (a mentor of that group, a mentee of
it, the step that waits), so stale or forged buttons change nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.dates import local_today
from mentoring.joining.rules import MemberView
from mentoring.screens import (
    Awaits,
    Choice,
    Expect,
    Input,
    Plural,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    button_of,
)
from mentoring.text import clip
from mentoring.todos import assign
from mentoring.todos.assign import Assigned
from mentoring.todos.buttons import ASSIGN
from mentoring.todos.list_screens import SHORT_MAX, date_question, due_choices, due_question

# Groups have 4-6 mentees and mentors a few groups; the cap keeps any keyboard under Telegram's 100 buttons.
MAX_CHOICES = 90
NAME_MAX = 40
AWAITS = Awaits(Expect.TEXT, assign.FLOW_ASSIGN)


def _name(name: str, limit: int) -> Raw:
    return Raw(name[:limit])


def groups(choices: list[tuple[int, str]]) -> Screen:
    return Screen(
        Text("Which group is the to-do for?"),
        [[Choice(ASSIGN.encode("g", group=group_id), Raw(name), short=Raw(clip(name, SHORT_MAX)))]
         for group_id, name in choices[:MAX_CHOICES]],
    )


def for_whom(group_id: int, mentees: list[tuple[int, str]], *, replace: bool) -> Screen:
    rows = [[Choice(ASSIGN.encode("p", group=group_id, person="all"), Text("The whole group"))]]
    rows += [
        [Choice(ASSIGN.encode("p", group=group_id, person=person_id), _name(name, NAME_MAX),
                short=Raw(clip(name, SHORT_MAX)))]
        for person_id, name in mentees[:MAX_CHOICES]
    ]
    return Screen(Text("Who is the to-do for?"), rows, replace=replace)


def when() -> Screen:
    return Screen(due_question(), due_choices(lambda kind: ASSIGN.encode("due", kind=kind)))


def assigned(done: Assigned) -> Screen:
    if done.whole_group:
        count = len(done.todo_ids)
        return Screen(Plural(
            "Given to the whole group {group} ({count} mentee). They will be told.",
            "Given to the whole group {group} ({count} mentees). They will be told.",
            count, group=done.group_name, count=count,
        ), replace=True)
    return Screen(Text("Given to {name}. They will be told.", name=done.names[0]), replace=True)


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/assign: pick the group (if several), then the mentee or the whole group."""
    choices, mentees = await assign.begin(session, member, now)
    if mentees is None:
        return Reply(groups(choices))
    return Reply(for_whom(choices[0][0], mentees, replace=False))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The group, mentee and due buttons of /assign."""
    button = button_of(given, ASSIGN)
    if button.action == "g":
        group_id = button["group"]
        return Reply(for_whom(group_id, await assign.group_mentees(session, member, group_id), replace=True))
    if button.action == "p":
        person = button["person"]
        name = await assign.choose_target(
            session, member, button["group"], None if person == "all" else person, now
        )
        return Reply(Screen(
            Text("Write the to-do for {whom} in one message: concrete and measurable (at most 500 characters).",
                 whom=Raw(name) if name is not None else Text("the whole group")),
            awaits=AWAITS,
            replace=True,
        ))
    done = await assign.choose_due(session, member, button["kind"], now)
    return Reply(date_question(AWAITS, local_today(now, member.timezone)) if done is None else assigned(done))


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The mentor's text (then the due buttons), or the typed due date; a refused one leaves the wait."""
    state = await conversation.pending(session, member.person_id)
    text = given.text if isinstance(given, Typed) else ""
    if state is None or state.flow != assign.FLOW_ASSIGN:
        # Another step ended the wait in the meantime: start again.
        return await start(session, member, given, now)
    if state.step == "text":
        await assign.text_from_input(session, member, dict(state.data), text, now)
        return Reply(when())
    if state.step == "date":
        return Reply(assigned(await assign.date_from_input(session, member, text, now)))
    # The due buttons are waiting; show them again.
    return Reply(when())
