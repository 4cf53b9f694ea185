"""/todo: the mentee's to-do list, and the buttons and typed inputs that work on it.

Each button names its to-do in the callback data; the domain checks that it is
still there, the person's own and open, so old, double-tapped or forged buttons
are refused and change nothing. Typed inputs (a new to-do, a date, the "other"
reason) wait in the database (mentoring.conversation), so a restart continues.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import todos_assign
from handlers.buttons import pressed
from handlers.inputs import register_input
from handlers.replies import edit_or_reply
from handlers.todos_view import (
    delete_markup,
    detail_markup,
    detail_text,
    due_markup,
    due_question,
    goal_markup,
    list_markup,
    list_text,
    postpone_markup,
    reason_markup,
    run,
    skip_markup,
)
from mentoring.button_data import TODOS, Pressed
from mentoring.conversation import Waiting
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.todos import rules as todos
from mentoring.todos import views as todo_views
from mentoring.todos.views import DueSet, TodoView

CALLBACK_PATTERN = rf"^{TODOS.prefix}:"


async def todo_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the person's to-do list, first page."""
    done = await run(update, context, todos.open_list)
    if done is not None:
        _, tr, page = done
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            list_text(tr, page), reply_markup=list_markup(tr, page)
        )


async def _show_detail(
    update: Update, tr: Translator, item: TodoView, note: str | None = None, page: int = 0
) -> None:
    text = detail_text(tr, item)
    await edit_or_reply(
        update, f"{note}\n\n{text}" if note else text, detail_markup(tr, item, page)
    )


async def _show_due_set(update: Update, tr: Translator, result: DueSet) -> None:
    if result.goals:
        await edit_or_reply(
            update,
            detail_text(tr, result.item)
            + "\n\n"
            + tr.gettext("Does it belong to a goal of your development plan?"),
            goal_markup(tr, result.item.id, result.goals),
        )
    else:
        await _show_detail(update, tr, result.item, tr.gettext("Saved."))


async def todo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every `todo:` button: paging, viewing, adding, due, goal, done, not done, postpone, delete."""
    button = await pressed(update, context, TODOS)
    if button is not None:
        await _BUTTONS[button.action](update, context, button)


async def _page(
    update: Update, context: ContextTypes.DEFAULT_TYPE, page: int, version: str
) -> None:
    done = await run(update, context, lambda s, m, now: todo_views.list_page(s, m, page, now))
    if done is None:
        return
    _, tr, current = done
    text = list_text(tr, current)
    if version and version != current.version:
        # A page button of an older list: say so, and show the list as it is now.
        text = tr.gettext("Your list has changed since; here it is as it is now.") + "\n\n" + text
    await edit_or_reply(update, text, list_markup(tr, current))


async def _list(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    await _page(update, context, button["page"], "")


async def _paged(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    await _page(update, context, button["page"], button["version"])


async def _view(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id = button["todo"]
    done = await run(update, context, lambda s, m, now: todo_views.view(s, m, todo_id, now))
    if done is not None:
        await _show_detail(update, done[1], done[2], page=button["page"])


async def _add(update: Update, context: ContextTypes.DEFAULT_TYPE, _button: Pressed) -> None:
    done = await run(update, context, todos.start_adding)
    if done is not None:
        tr = done[1]
        await edit_or_reply(
            update,
            tr.gettext(
                "Write your to-do in one message: a concrete step you can check, for example "
                '"Ask the children what they want to cook on Saturday" (at most 500 characters).'
            ),
        )


async def _due(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id, kind = button["todo"], button["kind"]
    if kind == "date":
        done = await run(
            update, context, lambda s, m, now: todos.ask_date(s, m, todo_id, "due", now)
        )
        if done is not None:
            await edit_or_reply(update, _date_question(done[1]))
        return
    result = await run(update, context, lambda s, m, now: todos.set_due(s, m, todo_id, kind, now))
    if result is not None:
        await _show_due_set(update, result[1], result[2])


def _date_question(tr: Translator) -> str:
    return tr.gettext("Type the date as DD.MM.YYYY, for example 05.12.2026.")


async def _goal(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id, goal_id = button["todo"], button["goal"] or None
    done = await run(update, context, lambda s, m, now: todos.set_goal(s, m, todo_id, goal_id, now))
    if done is not None:
        await _show_detail(update, done[1], done[2], done[1].gettext("Saved."))


async def _done(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id = button["todo"]
    done = await run(update, context, lambda s, m, now: todos.mark_done(s, m, todo_id, now))
    if done is not None:
        await _show_detail(update, done[1], done[2], done[1].gettext("Well done! Marked as done."))


async def _not_done(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id = button["todo"]
    done = await run(update, context, lambda s, m, now: todos.check_open(s, m, todo_id))
    if done is not None:
        tr = done[1]
        await edit_or_reply(
            update,
            tr.gettext("What got in the way? Your answer helps your mentor support you."),
            reason_markup(tr, todo_id),
        )


async def _why(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id, reason = button["todo"], button["reason"]
    done = await run(
        update, context, lambda s, m, now: todos.mark_not_done(s, m, todo_id, reason, now)
    )
    if done is None:
        return
    tr, item = done[1], done[2]
    if reason == "other":
        await edit_or_reply(
            update,
            tr.gettext(
                "Thank you. If you like, write in one message what got in the way, or tap the button below."
            ),
            skip_markup(tr, item.id),
        )
    else:
        await _show_detail(update, tr, item, tr.gettext("Thank you for telling me. Noted."))


async def _skip(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id = button["todo"]
    done = await run(update, context, lambda s, m, now: todos.skip_reason_text(s, m, todo_id, now))
    if done is not None:
        await _show_detail(
            update, done[1], done[2], done[1].gettext("Thank you for telling me. Noted.")
        )


async def _postpone(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id = button["todo"]
    done = await run(update, context, lambda s, m, now: todos.check_postponable(s, m, todo_id))
    if done is not None:
        await edit_or_reply(
            update, done[1].gettext("Until when?"), postpone_markup(done[1], todo_id)
        )


async def _postpone_week(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id = button["todo"]
    done = await run(update, context, lambda s, m, now: todos.postpone_week(s, m, todo_id, now))
    if done is not None:
        await _show_detail(update, done[1], done[2], done[1].gettext("Postponed."))


async def _postpone_date(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id = button["todo"]
    done = await run(
        update, context, lambda s, m, now: todos.ask_date(s, m, todo_id, "postpone", now)
    )
    if done is not None:
        await edit_or_reply(update, _date_question(done[1]))


async def _delete(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id = button["todo"]
    done = await run(update, context, lambda s, m, now: todos.check_deletable(s, m, todo_id))
    if done is not None:
        await edit_or_reply(
            update, done[1].gettext("Delete this to-do?"), delete_markup(done[1], todo_id)
        )


async def _delete_confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE, button: Pressed) -> None:
    todo_id = button["todo"]
    done = await run(update, context, lambda s, m, now: todos.delete(s, m, todo_id, now))
    if done is not None:
        tr, page = done[1], done[2]
        await edit_or_reply(
            update, tr.gettext("Deleted.") + "\n\n" + list_text(tr, page), list_markup(tr, page)
        )


_BUTTONS = {
    "pg": _paged,
    "ls": _list,
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
    "delok": _delete_confirmed,
}


# --- Typed inputs --------------------------------------------------------------------


async def _text_input(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting
) -> None:
    """The text of a new to-do."""
    text = (update.effective_message.text if update.effective_message else None) or ""
    done = await run(update, context, lambda s, m, now: todos.add(s, m, text, now))
    if done is not None:
        tr, todo_id = done[1], done[2].id
        await update.effective_message.reply_text(  # type: ignore[union-attr]
            tr.gettext("Saved to your to-do list.") + " " + due_question(tr),
            reply_markup=due_markup(tr, lambda kind: TODOS.encode("due", todo=todo_id, kind=kind)),
        )


async def _date_input(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting
) -> None:
    """A typed date: the due of a new to-do, or a postponed one's new date."""
    text = (update.effective_message.text if update.effective_message else None) or ""
    todo_id, purpose = int(state.data["todo_id"]), state.step
    done = await run(
        update, context, lambda s, m, now: todos.date_from_input(s, m, todo_id, purpose, text, now)
    )
    if done is not None:
        await _show_due_set(update, done[1], done[2])


async def _reason_input(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting
) -> None:
    """The person's own words for an "other" reason."""
    text = (update.effective_message.text if update.effective_message else None) or ""
    reason_id = int(state.data["reason_id"])
    done = await run(
        update, context, lambda s, m, now: todos.reason_text(s, m, reason_id, text, now)
    )
    if done is not None:
        await _show_detail(
            update, done[1], done[2], done[1].gettext("Thank you for telling me. Noted.")
        )


register_input(todos.FLOW_ADD, _text_input)
register_input(todos.FLOW_DATE, _date_input)
register_input(todos.FLOW_REASON, _reason_input)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("todo", todo_command, filters=private),
        CallbackQueryHandler(todo_button, pattern=CALLBACK_PATTERN),
        *todos_assign.handlers(),
    ]
