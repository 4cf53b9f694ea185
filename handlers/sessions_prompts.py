"""How each step of planning a session is shown: question text and buttons."""

from __future__ import annotations

from telegram import Update

from handlers.replies import edit_or_reply
from handlers.sessions_texts import keyboard, session_card
from mentoring.button_data import SESSIONS
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button
from mentoring.sessions import planning
from mentoring.sessions.planning import Prompt


def _stop_row(tr: Translator) -> list[Button]:
    return [Button(tr.gettext("Stop planning"), SESSIONS.encode("stop"))]


def _prompt_message(
    tr: Translator, prompt: Prompt, reader_zone: str
) -> tuple[str, list[list[Button]]]:
    _ = tr.gettext
    if prompt.step == "group":
        return _("Which group is the session for?"), [
            [Button(name, SESSIONS.encode("grp", group=gid))] for gid, name in prompt.groups
        ]
    if prompt.step == "date":
        intro = (
            _("New time for the session of {group}.")
            if prompt.moving
            else _("Planning a group mentoring session for {group}.")
        ).format(group=prompt.group_name)
        days = [Button(tr.date(day, "EEE d MMM"), SESSIONS.encode("d", day=day)) for day in prompt.days]
        rows = [days[i : i + 4] for i in range(0, len(days), 4)]
        return intro + "\n\n" + _(
            "On which day? Choose below or type a date as DD.MM.YYYY."
        ), rows + [_stop_row(tr)]
    if prompt.step == "time":
        slots = [Button(slot, SESSIONS.encode("t", at=planning.parse_time(slot)))
                 for slot in planning.TIME_SLOTS]
        return _("At what time (the group's local time)? Choose below or type it as HH:MM."), [
            slots,
            _stop_row(tr),
        ]
    if prompt.step == "place":
        return _("Where will the group meet? Send the place or the online link."), [_stop_row(tr)]
    if prompt.step == "topic":
        rows = [[Button(title[:60], SESSIONS.encode("tp", topic=tid))] for tid, title in prompt.topics]
        return _("Which agenda topic will the session work on?"), rows + [
            [Button(_("No particular topic"), SESSIONS.encode("tp", topic=0))]
        ]
    assert prompt.view is not None
    card = session_card(tr, prompt.view, reader_zone)
    if prompt.step == "moved":
        return _("The session has been moved; everyone will be told.") + "\n\n" + card, []
    invited = tr.ngettext(
        "Invitations go out to {count} member.",
        "Invitations go out to {count} members.",
        prompt.invited,
    ).format(count=prompt.invited)
    return _("The session is planned.") + "\n\n" + card + "\n\n" + invited, []


async def show_prompt(update: Update, tr: Translator, member: MemberView, prompt: Prompt) -> None:
    text, rows = _prompt_message(tr, prompt, member.timezone)
    await edit_or_reply(update, text, keyboard(rows))
