"""What the to-do list looks like: texts and buttons, and the refusals' words.

Callback data: `todo:<action>:<id>[:<arg>]`, page buttons `todo:pg:<page>:<list version>`,
written and read by mentoring.button_data.TODOS; /assign uses `asg:` (handlers/todos_assign.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from handlers.common import refuse, run_action, tell_stranger
from mentoring.access import AccessDenied
from mentoring.button_data import TODOS
from mentoring.errors import DomainError
from mentoring.i18n import N_, Translator, translator
from mentoring.joining.rules import MemberView
from mentoring.todos.due import due_label
from mentoring.todos.views import PAGE_SIZE, TodoPage, TodoView

T = TypeVar("T")
LABEL_MAX = 40
LINE_MAX = 70
REASONS_SHOWN = 3

REASON_LABELS = {
    "no_time": N_("No time"),
    "no_chance": N_("No chance to apply it"),
    "unclear": N_("It was unclear"),
    "needed_help": N_("I needed help"),
    "other": N_("Other"),
}
_ERRORS = {
    "todo_gone": N_("This to-do no longer exists. Nothing was changed."),
    "todo_closed": N_("This to-do is already closed. Nothing was changed."),
    "todo_from_mentor": N_(
        "This to-do is from your mentor: you cannot delete it, but you can mark it done or say why it was not done."
    ),
    "stale_button": N_("This button is no longer active."),
    "not_a_mentee": N_("The to-do list is for mentees. Mentors give to-dos with /assign."),
    "not_a_mentor": N_("Only the mentors of a group can give to-dos."),
    "no_mentees": N_("This group has no mentees yet."),
    "todo_empty": N_(
        "Please write it as a text message: stickers, voice notes and photos cannot be saved here."
    ),
    "todo_too_long": N_(
        "This can be at most {limit} characters long; yours has {length}. Please shorten it and send it again."
    ),
    "bad_date": N_("Please type the date as DD.MM.YYYY, for example 05.12.2026."),
    "date_past": N_("That date has passed. Please type a date from today on."),
    "date_far": N_("That date is more than a year away. Please type a nearer date."),
}


def error_text(tr: Translator, error: DomainError) -> str:
    if isinstance(error, AccessDenied):
        return tr.gettext("That is not available to you.")
    return tr.gettext(_ERRORS.get(error.code, _ERRORS["stale_button"])).format(**error.values)


async def run(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    action: Callable[[AsyncSession, MemberView, datetime], Awaitable[T]],
) -> tuple[MemberView, Translator, T] | None:
    """Run one domain action for the member in one transaction; refusals change nothing."""
    member, outcome = await run_action(update, context, action)
    if isinstance(outcome, DomainError):
        # The transaction was rolled back: a refused button or input changes nothing.
        tr = translator(member.locale if member else None)
        await refuse(update, tr, error_text(tr, outcome))
        return None
    if member is None:
        await tell_stranger(update, context)
        return None
    if update.callback_query is not None:
        await update.callback_query.answer()
    return member, translator(member.locale), outcome  # type: ignore[return-value]


def _cut(text: str | None, limit: int) -> str:
    text = " ".join((text or "…").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mark(item: TodoView) -> str:
    if item.status == "done":
        return "✅"
    if item.status == "not_done":
        return "❌"
    return "⏰" if item.overdue else "⬜"


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def list_text(tr: Translator, page: TodoPage) -> str:
    _ = tr.gettext
    if not page.items:
        return _(
            "Your to-do list is empty. Add the first step you want to take before the next session."
        )
    lines = [
        _("Your to-do list (page {page} of {pages})").format(page=page.page + 1, pages=page.pages),
        _("Open: {open} · Done: {done} · Not done: {not_done}").format(
            open=page.open, done=page.done, not_done=page.not_done
        ),
        "",
    ]
    for number, item in enumerate(page.items, start=page.page * PAGE_SIZE + 1):
        line = f"{number}. {_mark(item)} {_cut(item.text, LINE_MAX)}"
        if item.status == "open" and item.due.kind != "none":
            line += f" — {due_label(tr, item.due)}"
        lines.append(line)
    lines += ["", _("Tap a to-do to mark it done, say why it was not done, or postpone it.")]
    return "\n".join(lines)


def list_markup(tr: Translator, page: TodoPage) -> InlineKeyboardMarkup:
    rows = [
        [_button(f"{number}. {_cut(item.text, LABEL_MAX)}", TODOS.encode("v", todo=item.id, page=page.page))]
        for number, item in enumerate(page.items, start=page.page * PAGE_SIZE + 1)
    ]
    arrows = []
    if page.page > 0:
        arrows.append(_button("◀", TODOS.encode("pg", page=page.page - 1, version=page.version)))
    if page.page < page.pages - 1:
        arrows.append(_button("▶", TODOS.encode("pg", page=page.page + 1, version=page.version)))
    if arrows:
        rows.append(arrows)
    rows.append([_button(tr.gettext("➕ Add a to-do"), TODOS.encode("add"))])
    return InlineKeyboardMarkup(rows)


def detail_text(tr: Translator, item: TodoView) -> str:
    _ = tr.gettext
    status = {
        "open": _("Status: open"),
        "done": _("Status: done"),
        "not_done": _("Status: not done"),
    }[item.status]
    lines = [f"{_mark(item)} {status}", "", item.text or _("(text erased)"), ""]
    if item.from_mentor:
        lines.append(_("From your mentor {name}").format(name=item.mentor_name or "…"))
    if item.status == "open":
        lines.append(_("Due: {due}").format(due=due_label(tr, item.due)))
        if item.overdue:
            lines.append(_("The due date has passed."))
    if item.goal_title:
        lines.append(_("Goal: {goal}").format(goal=_cut(item.goal_title, 100)))
    if item.postponed_count:
        lines.append(
            tr.ngettext(
                "Postponed {count} time", "Postponed {count} times", item.postponed_count
            ).format(count=item.postponed_count)
        )
    for code, text in item.reasons[-REASONS_SHOWN:]:
        reason = _(REASON_LABELS[code]) + (f" — {text}" if text else "")
        lines.append(_("Why it was not done: {reason}").format(reason=reason))
    return "\n".join(lines)


def detail_markup(tr: Translator, item: TodoView, page: int) -> InlineKeyboardMarkup:
    _ = tr.gettext
    rows = []
    if item.status == "open":
        rows.append(
            [
                _button(_("✅ Done"), TODOS.encode("ok", todo=item.id)),
                _button(_("❌ Not done"), TODOS.encode("nd", todo=item.id)),
            ]
        )
    if item.status != "done":
        rows.append([_button(_("⏭ Postpone"), TODOS.encode("pp", todo=item.id))])
    if not item.from_mentor:
        rows.append([_button(_("🗑 Delete"), TODOS.encode("del", todo=item.id))])
    rows.append([_button(_("◀ Back to the list"), TODOS.encode("ls", page=page))])
    return InlineKeyboardMarkup(rows)


def due_question(tr: Translator) -> str:
    return tr.gettext("When do you want to do it?")


def due_markup(tr: Translator, data: Callable[[str], str]) -> InlineKeyboardMarkup:
    """Due buttons; `data` gives each button's data for its kind (week, session, date, none)."""
    _ = tr.gettext
    return InlineKeyboardMarkup(
        [
            [
                _button(_("This week"), data("week")),
                _button(_("Before the next session"), data("session")),
            ],
            [_button(_("A date…"), data("date")), _button(_("No date"), data("none"))],
        ]
    )


def goal_markup(tr: Translator, todo_id: int, goals: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [
        [_button(_cut(title, LABEL_MAX), TODOS.encode("gl", todo=todo_id, goal=goal_id))]
        for goal_id, title in goals[:20]
    ]
    rows.append([_button(tr.gettext("No goal"), TODOS.encode("gl", todo=todo_id, goal=0))])
    return InlineKeyboardMarkup(rows)


def reason_markup(tr: Translator, todo_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(tr.gettext(label), TODOS.encode("why", todo=todo_id, reason=code))]
            for code, label in REASON_LABELS.items()
        ]
        + [[_button(tr.gettext("◀ Back"), TODOS.encode("v", todo=todo_id, page=0))]]
    )


def postpone_markup(tr: Translator, todo_id: int) -> InlineKeyboardMarkup:
    _ = tr.gettext
    return InlineKeyboardMarkup(
        [
            [
                _button(_("To next week"), TODOS.encode("ppw", todo=todo_id)),
                _button(_("A new date…"), TODOS.encode("ppd", todo=todo_id)),
            ],
            [_button(_("◀ Back"), TODOS.encode("v", todo=todo_id, page=0))],
        ]
    )


def delete_markup(tr: Translator, todo_id: int) -> InlineKeyboardMarkup:
    _ = tr.gettext
    return InlineKeyboardMarkup(
        [
            [
                _button(_("Yes, delete it"), TODOS.encode("delok", todo=todo_id)),
                _button(_("◀ Back"), TODOS.encode("v", todo=todo_id, page=0)),
            ],
        ]
    )


def skip_markup(tr: Translator, todo_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(tr.gettext("Finish without writing"), TODOS.encode("skip", todo=todo_id))]]
    )
