"""What the to-do list looks like on any channel: the list's pages, one to-do, and the questions about it.

Pure builders of `mentoring.screens.Screen`s (words as message ids with values,
choices whose data `mentoring.todos.buttons.TODOS` writes, the free input
awaited); the steps that show them are `mentoring.todos.screens` (and, for the
due question, `mentoring.todos.assign_screens`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from mentoring.dates import typed_day_hint
from mentoring.i18n import N_
from mentoring.screens import (
    SHORT_LABEL_MAX,
    Awaits,
    Choice,
    Expect,
    Lines,
    Moment,
    Plural,
    Raw,
    Screen,
    Text,
    Words,
)
from mentoring.text import clip
from mentoring.todos import rules
from mentoring.todos.buttons import TODOS
from mentoring.todos.due import due_words
from mentoring.todos.views import PAGE_SIZE, DueSet, TodoPage, TodoView

LABEL_MAX = 40  # a to-do's or goal's text on a button
LINE_MAX = 70  # a to-do's text on a line of the list
GOAL_MAX = 100  # a goal's title under a to-do
SHORT_MAX = SHORT_LABEL_MAX  # a text on a small button
REASONS_SHOWN = 3
GOALS_SHOWN = 20

# Why a to-do was not done (storage.models.todos.REASON_CODES), long and short.
REASON_LABELS = {
    "no_time": N_("No time"),
    "no_chance": N_("No chance to apply it"),
    "not_worked": N_("I tried it, it did not work"),
    "shift": N_("My shift pattern"),
    "children": N_("The children: crisis, illness, school"),
    "team_support": N_("I needed team or manager support"),
    "unclear": N_("It was unclear"),
    "needed_help": N_("I needed help"),
    "other": N_("Other"),
}
REASON_SHORT = {
    "no_chance": N_("No chance"),
    "not_worked": N_("It did not work"),
    "children": N_("Children's situation"),
    "team_support": N_("Team support needed"),
    "unclear": N_("Unclear"),
    "needed_help": N_("Needed help"),
}
NOTED = N_("Thank you for telling me. Noted.")
AWAITS_TEXT = Awaits(Expect.TEXT, rules.FLOW_ADD)
AWAITS_DATE = Awaits(Expect.TEXT, rules.FLOW_DATE)
AWAITS_REASON = Awaits(Expect.TEXT, rules.FLOW_REASON)


# ----------------------------------------------------------------------------- words


def mark(item: TodoView) -> str:
    if item.status == "done":
        return "✅"
    if item.status == "not_done":
        return "❌"
    return "⏰" if item.overdue else "⬜"


def numbered(number: int, text: str | None, limit: int) -> Raw:
    prefix = f"{number}. "
    return Raw(prefix + clip(text, limit - len(prefix)))


def list_words(page: TodoPage) -> Words:
    if not page.items:
        return Text("Your to-do list is empty. Add the first step you want to take before the next session.")
    lines: list[Words] = []
    for number, item in enumerate(page.items, start=page.page * PAGE_SIZE + 1):
        due = due_words(item.due) if item.status == "open" and item.due.kind != "none" else None
        lines.append(Lines(Raw(f"{number}. {mark(item)} {clip(item.text or '…', LINE_MAX)}"), due, sep=" — "))
    return Lines(
        Text("Your to-do list (page {page} of {pages})", page=page.page + 1, pages=page.pages),
        Text("Open: {open} · Done: {done} · Not done: {not_done}",
             open=page.open, done=page.done, not_done=page.not_done),
        Raw(""),
        *lines,
        Raw(""),
        Text("Tap a to-do to mark it done, say why it was not done, or postpone it."),
    )


def detail_words(item: TodoView) -> Words:
    status = {
        "open": Text("Status: open"),
        "done": Text("Status: done"),
        "not_done": Text("Status: not done"),
    }[item.status]
    reasons = [
        Text("Why it was not done: {reason}",
             reason=Lines(Text(REASON_LABELS[code]), Raw(text) if text else None, sep=" — "))
        for code, text in item.reasons[-REASONS_SHOWN:]
    ]
    return Lines(
        Lines(Raw(mark(item)), status, sep=" "),
        Raw(""),
        Raw(item.text) if item.text else Text("(text erased)"),
        Raw(""),
        Text("From your mentor {name}", name=item.mentor_name or "…") if item.from_mentor else None,
        Text("From the group session of {date}", date=Moment(item.session_day)) if item.session_day else None,
        Text("Due: {due}", due=due_words(item.due)) if item.status == "open" else None,
        Text("The due date has passed.") if item.status == "open" and item.overdue else None,
        Text("Goal: {goal}", goal=clip(item.goal_title, GOAL_MAX)) if item.goal_title else None,
        Plural("Postponed {count} time", "Postponed {count} times", item.postponed_count,
               count=item.postponed_count) if item.postponed_count else None,
        *reasons,
    )


def _noted(note: Words | None, words: Words) -> Words:
    return Lines(note, Raw(""), words) if note is not None else words


# ----------------------------------------------------------------------------- screens


def list_screen(page: TodoPage, note: Words | None = None, *, replace: bool = True) -> Screen:
    """One page of the list: a button per to-do, arrows to the other pages, and Add."""
    rows = [
        [Choice(TODOS.encode("v", todo=item.id, page=page.page), numbered(number, item.text, LABEL_MAX),
                short=numbered(number, item.text, SHORT_MAX))]
        for number, item in enumerate(page.items, start=page.page * PAGE_SIZE + 1)
    ]
    arrows = []
    if page.page > 0:
        arrows.append(Choice(TODOS.encode("pg", page=page.page - 1, version=page.version), Raw("◀")))
    if page.page < page.pages - 1:
        arrows.append(Choice(TODOS.encode("pg", page=page.page + 1, version=page.version), Raw("▶")))
    rows += [arrows, [Choice(TODOS.encode("add"), Text("➕ Add a to-do"))]]
    return Screen(_noted(note, list_words(page)), rows, replace=replace)


def detail(item: TodoView, note: Words | None = None, page: int = 0) -> Screen:
    """One to-do with what can be done to it (a mentor's to-do cannot be deleted)."""
    rows: list[list[Choice]] = []
    if item.status == "open":
        rows.append([Choice(TODOS.encode("ok", todo=item.id), Text("✅ Done")),
                     Choice(TODOS.encode("nd", todo=item.id), Text("❌ Not done"))])
    if item.status != "done":
        rows.append([Choice(TODOS.encode("pp", todo=item.id), Text("⏭ Postpone"))])
    if not item.from_mentor:
        rows.append([Choice(TODOS.encode("del", todo=item.id), Text("🗑 Delete"))])
    rows.append([Choice(TODOS.encode("ls", page=page), Text("◀ Back to the list"))])
    return Screen(_noted(note, detail_words(item)), rows, replace=True)


def due_choices(data: Callable[[str], str]) -> list[list[Choice]]:
    """The due buttons; `data` gives each button's data for its kind (week, session, date, none)."""
    return [
        [Choice(data("week"), Text("This week")),
         Choice(data("session"), Text("Before the next session"), short=Text("Before next session"))],
        [Choice(data("date"), Text("A date…")), Choice(data("none"), Text("No date"))],
    ]


def due_question() -> Text:
    return Text("When do you want to do it?")


def date_question(awaits: Awaits, today: date) -> Screen:
    """Ask for a typed date; the example is computed from `today` (the reader's)."""
    return Screen(typed_day_hint(today), awaits=awaits, replace=True)


def due_set(result: DueSet) -> Screen:
    """After the due: the goals the to-do could belong to, or the to-do itself."""
    if not result.goals:
        return detail(result.item, Text("Saved."))
    todo_id = result.item.id
    rows = [
        [Choice(TODOS.encode("gl", todo=todo_id, goal=goal_id), Raw(clip(title, LABEL_MAX)),
                short=Raw(clip(title, SHORT_MAX)))]
        for goal_id, title in result.goals[:GOALS_SHOWN]
    ]
    rows.append([Choice(TODOS.encode("gl", todo=todo_id, goal=0), Text("No goal"))])
    words = Lines(detail_words(result.item), Raw(""), Text("Does it belong to a goal of your development plan?"))
    return Screen(words, rows, replace=True)


def _back(todo_id: int) -> Choice:
    return Choice(TODOS.encode("v", todo=todo_id, page=0), Text("◀ Back"))


def reasons(todo_id: int) -> Screen:
    rows = [
        [Choice(TODOS.encode("why", todo=todo_id, reason=code), Text(label),
                short=Text(REASON_SHORT[code]) if code in REASON_SHORT else None)]
        for code, label in REASON_LABELS.items()
    ]
    return Screen(Text("What got in the way? Your answer helps your mentor support you."),
                  [*rows, [_back(todo_id)]], replace=True)


def add_prompt() -> Screen:
    return Screen(
        Text('Write your to-do in one message: a concrete step you can check, for example '
             '"Ask the children what they want to cook on Saturday" (at most 500 characters).'),
        awaits=AWAITS_TEXT,
        replace=True,
    )


def saved_new(todo_id: int) -> Screen:
    """A new to-do was saved: when is it due?"""
    return Screen(
        Lines(Text("Saved to your to-do list."), due_question(), sep=" "),
        due_choices(lambda kind: TODOS.encode("due", todo=todo_id, kind=kind)),
    )


def own_words(todo_id: int) -> Screen:
    """After "Other": the person may write what got in the way, or finish without."""
    return Screen(
        Text("Thank you. If you like, write in one message what got in the way, or tap the button below."),
        [[Choice(TODOS.encode("skip", todo=todo_id), Text("Finish without writing"), short=Text("Skip writing"))]],
        awaits=AWAITS_REASON,
        replace=True,
    )


def until_when(todo_id: int) -> Screen:
    return Screen(
        Text("Until when?"),
        [[Choice(TODOS.encode("ppw", todo=todo_id), Text("To next week")),
          Choice(TODOS.encode("ppd", todo=todo_id), Text("A new date…"))],
         [_back(todo_id)]],
        replace=True,
    )


def delete_question(todo_id: int) -> Screen:
    return Screen(
        Text("Delete this to-do?"),
        [[Choice(TODOS.encode("delok", todo=todo_id), Text("Yes, delete it")), _back(todo_id)]],
        replace=True,
    )
