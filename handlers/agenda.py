"""/agenda: the group's formal agenda ("formal gündem"); mentors edit it, coordinators read it.

Callback data: `agd:g:<group>` (show), `agd:t:<topic>` (one topic's actions),
`agd:up|dn|cv|uc|del:<topic>` (move up/down, covered/not covered, delete),
`agd:add:<group>` (wait for a new topic's title).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from handlers.buttons import pressed
from handlers.common import tell_stranger
from handlers.inputs import register_input
from handlers.replies import edit_or_reply
from handlers.services import translator_for
from handlers.sessions_texts import Work, ask_for_text, keyboard, run, tell_error, text_of
from mentoring.button_data import AGENDA
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button
from mentoring.sessions import agenda
from mentoring.sessions.agenda import AgendaView, TopicView

PATTERN = rf"^{AGENDA.prefix}:"


def agenda_message(tr: Translator, view: AgendaView) -> tuple[str, list[list[Button]]]:
    _ = tr.gettext
    lines = [_("Agenda of {group}:").format(group=view.group_name)]
    if not view.topics:
        lines.append(_("The agenda is empty."))
    for number, topic in enumerate(view.topics, start=1):
        mark = " ✓ " + _("(covered)") if topic.covered else ""
        lines.append(f"{number}. {topic.title}{mark}")
    if not view.may_edit:
        return "\n".join(lines), []
    lines += ["", _("Tap a topic to move, mark or delete it.")]
    rows = [
        [Button(f"{'✓ ' if t.covered else ''}{n}. {t.title[:40]}", AGENDA.encode("t", topic=t.id))]
        for n, t in enumerate(view.topics, start=1)
    ]
    return "\n".join(lines), rows + [[Button(_("Add a topic"), AGENDA.encode("add", group=view.group_id))]]


def topic_message(tr: Translator, topic: TopicView) -> tuple[str, list[list[Button]]]:
    _ = tr.gettext
    tid = topic.id
    covered = (
        Button(_("Not covered yet"), AGENDA.encode("uc", topic=tid))
        if topic.covered
        else Button(_("Mark covered"), AGENDA.encode("cv", topic=tid))
    )
    return _("Topic: {topic}").format(topic=topic.title), [
        [Button(_("Up"), AGENDA.encode("up", topic=tid)), Button(_("Down"), AGENDA.encode("dn", topic=tid))],
        [covered, Button(_("Delete"), AGENDA.encode("del", topic=tid))],
        [Button(_("Back to the agenda"), AGENDA.encode("g", group=topic.group_id))],
    ]


async def _open(
    session: AsyncSession, member: MemberView, now: datetime
) -> AgendaView | list[tuple[int, str]]:
    groups = await agenda.groups_for(session, member)
    if len(groups) == 1:
        return await agenda.view(session, member, groups[0][0])
    if not groups:
        raise DomainError("access_denied")
    return groups


async def agenda_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the agenda of the mentor's group (or ask which group)."""
    member, result = await run(update, context, _open)
    if member is None:
        await tell_stranger(update, context)
        return
    await _render(update, context, member, result)


async def _render(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, result: object
) -> None:
    tr = translator_for(update, context, member)
    if isinstance(result, DomainError):
        await tell_error(update, tr, result)
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    if isinstance(result, AgendaView):
        text, rows = agenda_message(tr, result)
    elif isinstance(result, TopicView):
        text, rows = topic_message(tr, result)
    elif isinstance(result, list):
        text = tr.gettext("Which group's agenda?")
        rows = [[Button(name, AGENDA.encode("g", group=gid))] for gid, name in result]
    else:
        text, rows = (
            tr.gettext("Send the title of the new topic (up to {limit} characters).").format(
                limit=agenda.TITLE_MAX
            ),
            [],
        )
    await edit_or_reply(update, text, keyboard(rows))


async def agenda_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons of the agenda: open a group or topic, reorder, mark, delete, add."""
    button = await pressed(update, context, AGENDA)
    if button is None:
        return
    action, number = button.action, button.values.get("topic", button.values.get("group"))
    member, result = await run(update, context, _work(action, number))
    if member is None:
        await tell_stranger(update, context)
        return
    await _render(update, context, member, result)


def _work(action: str, number: int) -> Work[object]:
    async def work(session: AsyncSession, member: MemberView, now: datetime) -> object:
        if action == "g":
            return await agenda.view(session, member, number)
        if action == "t":
            return await agenda.topic(session, member, number)
        if action in ("up", "dn"):
            return await agenda.move_topic(session, member, number, -1 if action == "up" else 1)
        if action in ("cv", "uc"):
            return await agenda.set_covered(session, member, number, action == "cv", now)
        if action == "del":
            return await agenda.delete_topic(session, member, number)
        if action == "add":
            return await agenda.begin_add(session, member, number, now)
        raise DomainError("access_denied")

    return work


async def add_input(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting
) -> None:
    """The title of a new agenda topic."""
    tr = translator_for(update, context, member)
    text = text_of(update)
    if text is None:
        await ask_for_text(update, tr)
        return
    group_id = int(state.data["group_id"])
    member_now, result = await run(
        update, context, lambda s, m, now: agenda.add_topic(s, m, group_id, text, now)
    )
    await _render(update, context, member_now or member, result)


register_input(agenda.ADD_FLOW, add_input)
