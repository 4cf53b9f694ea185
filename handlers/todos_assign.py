"""/assign: a mentor gives a to-do to one mentee or the whole group.

Buttons: `asg:g:<group>` (which group), `asg:p:<group>:<mentee|all>` (for whom),
`asg:due:<kind>` (when; the text waits in the mentor's conversation state).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.buttons import pressed
from handlers.inputs import register_input
from handlers.replies import edit_or_reply
from handlers.todos_view import due_markup, due_question, run
from mentoring.button_data import ASSIGN
from mentoring.conversation import Waiting
from mentoring.i18n import Translator, translator
from mentoring.joining.rules import MemberView
from mentoring.todos import assign as todo_assign
from mentoring.todos.assign import Assigned

CALLBACK_PATTERN = rf"^{ASSIGN.prefix}:"
# Groups have 4-6 mentees and mentors a few groups; the cap keeps any keyboard under Telegram's 100 buttons.
MAX_CHOICES = 90


def _groups_markup(groups: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(name, callback_data=ASSIGN.encode("g", group=gid))]
            for gid, name in groups[:MAX_CHOICES]
        ]
    )


def _mentees_markup(
    tr: Translator, group_id: int, mentees: list[tuple[int, str]]
) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(tr.gettext("The whole group"), callback_data=ASSIGN.encode("p", group=group_id, person="all"))]
    ]
    rows += [
        [InlineKeyboardButton(name[:40], callback_data=ASSIGN.encode("p", group=group_id, person=pid))]
        for pid, name in mentees[:MAX_CHOICES]
    ]
    return InlineKeyboardMarkup(rows)


def _due_data(kind: str) -> str:
    return ASSIGN.encode("due", kind=kind)


def _for_whom_text(tr: Translator) -> str:
    return tr.gettext("Who is the to-do for?")


async def assign_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start giving a to-do: pick the group (if several), then the mentee or the whole group."""
    done = await run(update, context, todo_assign.begin)
    if done is None:
        return
    tr, (groups, mentees) = done[1], done[2]
    assert update.effective_message is not None
    if mentees is None:
        await update.effective_message.reply_text(
            tr.gettext("Which group is the to-do for?"), reply_markup=_groups_markup(groups)
        )
    else:
        await update.effective_message.reply_text(
            _for_whom_text(tr), reply_markup=_mentees_markup(tr, groups[0][0], mentees)
        )


async def assign_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The group, mentee and due buttons of /assign."""
    button = await pressed(update, context, ASSIGN)
    if button is None:
        return
    if button.action == "g":
        group_id = button["group"]
        done = await run(
            update, context, lambda s, m, now: todo_assign.group_mentees(s, m, group_id)
        )
        if done is not None:
            await edit_or_reply(
                update, _for_whom_text(done[1]), _mentees_markup(done[1], group_id, done[2])
            )
    elif button.action == "p":
        group_id, person = button["group"], button["person"]
        person_id = None if person == "all" else person
        done = await run(
            update,
            context,
            lambda s, m, now: todo_assign.choose_target(s, m, group_id, person_id, now),
        )
        if done is not None:
            tr, name = done[1], done[2]
            whom = name if name is not None else tr.gettext("the whole group")
            await edit_or_reply(
                update,
                tr.gettext(
                    "Write the to-do for {whom} in one message: concrete and measurable "
                    "(at most 500 characters)."
                ).format(whom=whom),
            )
    else:
        kind = button["kind"]
        done = await run(update, context, lambda s, m, now: todo_assign.choose_due(s, m, kind, now))
        if done is None:
            return
        if done[2] is None:
            await edit_or_reply(
                update, done[1].gettext("Type the date as DD.MM.YYYY, for example 05.12.2026.")
            )
        else:
            await edit_or_reply(update, _assigned_text(done[1], done[2]))


def _assigned_text(tr: Translator, assigned: Assigned) -> str:
    if assigned.whole_group:
        count = len(assigned.todo_ids)
        return tr.ngettext(
            "Given to the whole group {group} ({count} mentee). They will be told.",
            "Given to the whole group {group} ({count} mentees). They will be told.",
            count,
        ).format(group=assigned.group_name, count=count)
    return tr.gettext("Given to {name}. They will be told.").format(name=assigned.names[0])


async def _assign_input(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting
) -> None:
    """The mentor's text (then the due buttons), or the typed due date."""
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    if state.step == "text":
        data = dict(state.data)
        done = await run(
            update, context, lambda s, m, now: todo_assign.text_from_input(s, m, data, text, now)
        )
        if done is not None:
            await message.reply_text(
                due_question(done[1]), reply_markup=due_markup(done[1], _due_data)
            )
    elif state.step == "date":
        done = await run(
            update, context, lambda s, m, now: todo_assign.date_from_input(s, m, text, now)
        )
        if done is not None:
            await message.reply_text(_assigned_text(done[1], done[2]))
    else:
        # The due buttons are waiting; show them again.
        tr = translator(member.locale)
        await message.reply_text(due_question(tr), reply_markup=due_markup(tr, _due_data))


register_input(todo_assign.FLOW_ASSIGN, _assign_input)


def handlers() -> list[BaseHandler]:
    """The /assign command and its buttons."""
    return [
        CommandHandler("assign", assign_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(assign_button, pattern=CALLBACK_PATTERN),
    ]
