"""/broadcast as a conversation any channel can hold: compose, preview, confirm, cancel.

Every step takes `(session, member, given, now)`, where `given` is the person's
input (`mentoring.screens`), and returns a `Reply`; the adapters only translate
it (principle 2). `start` answers the command (a choice of programmes, or the
audience menu of the one programme the coordinator has), `press` (or
`press_at`, which knows where the pressed message is) a broadcast button, and
`typed` the text or send time the draft waits for.

The draft lives in the `broadcasts` table and the wait for the text or the send
time in `conversation_states` (`mentoring.broadcasts.rules`); buttons carry the
draft's id (`bc:<id>:<action>`, written and read by
`mentoring.broadcasts.buttons.BROADCAST`), so a restart in the middle continues.
Confirming turns the pressed summary into the progress message
(`mentoring.broadcasts.progress_screens`), which the progress job keeps up to
date. What each screen says and offers is `mentoring.broadcasts.draft_screens`.
Refusals raise `DomainError`s, worded once in `mentoring.refusals`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import button_data, conversation
from mentoring.broadcasts import rules
from mentoring.broadcasts.audience import programme_groups, programme_provinces
from mentoring.broadcasts.buttons import BROADCAST
from mentoring.broadcasts.draft_screens import (
    AWAITS,
    FLOW,
    PAGE_SIZE,
    TIME,
    ask_text,
    ask_time,
    audience_menu,
    group_menu,
    no_longer_written,
    not_text,
    preview_copy,
    preview_summary,
    programme_choice,
    province_menu,
    role_menu,
)
from mentoring.broadcasts.progress import progress_of
from mentoring.broadcasts.progress_screens import progress_screen
from mentoring.broadcasts.rules import BroadcastGone, DraftView
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.screens import Input, Notice, Plural, Reply, Screen, Text, Typed, button_of

__all__ = ["FLOW", "ProgressAt", "Step", "press", "press_at", "start", "typed"]

logger = logging.getLogger(__name__)

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]


@dataclass(frozen=True)
class ProgressAt:
    """Where the pressed summary is, so the progress job can keep it up to date (the channel's ids)."""

    chat_id: str
    message_id: int


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/broadcast: a new announcement; choose the programme (if several), then the audience."""
    programmes = rules.programmes_to_coordinate(member)
    if not programmes:
        raise DomainError("not_a_coordinator")
    if len(programmes) > 1:
        return Reply(programme_choice(programmes))
    return Reply(audience_menu(await rules.start_draft(session, member, programmes[0][0], now)))


def press_at(where: ProgressAt | None) -> Step:
    """The step for a broadcast button on the message at `where` (None: a channel that cannot edit it)."""

    async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
        """Every button of the flow; stale, foreign or forged ones are refused and change nothing."""
        button = button_of(given, BROADCAST)
        if button.action == "send":
            return await _confirm(session, member, button["draft"], now, where)
        return await _PRESSES[button.action](session, member, button, now)

    return press


press = press_at(None)


async def typed(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The announcement's text, or its send time, typed by the coordinator: then the preview."""
    state = await conversation.waiting(session, member.person_id)
    if state is None or state.flow != FLOW:
        return Reply(no_longer_written())
    text = AWAITS.accept(given)
    if not isinstance(text, Typed):
        return Reply(not_text(state.step, member.timezone, now))
    broadcast_id = int(state.data.get("broadcast_id", 0))
    try:
        if state.step == TIME:
            view = await rules.set_send_time(session, member, broadcast_id, text.text, now)
        else:
            view = await rules.set_text(session, member, broadcast_id, text.text, now)
    except BroadcastGone:
        # Sent, discarded or replaced meanwhile: nothing waits for this any more.
        await rules.stop_waiting(session, member.person_id)
        return Reply(no_longer_written())
    return Reply(preview_copy(view), preview_summary(view, member.timezone))


# ----------------------------------------------------------------------------- one per button

_Press = Callable[[AsyncSession, MemberView, button_data.Pressed, datetime], Awaitable[Reply]]


async def _new(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(audience_menu(await rules.start_draft(session, member, button["programme"], now)))


async def _audience(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(audience_menu(await rules.draft(session, member, button["draft"])))


async def _whole(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(role_menu(await rules.choose_scope(session, member, button["draft"], "programme")))


async def _provinces(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    view = await rules.draft(session, member, button["draft"])
    page = button["page"]
    found, total = await programme_provinces(session, view.programme_id, page * PAGE_SIZE, PAGE_SIZE)
    return Reply(province_menu(view, found, page, total))


async def _province(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(role_menu(await rules.choose_province(session, member, button["draft"], button["province"])))


async def _group_page(session: AsyncSession, view: DraftView, page: int) -> Reply:
    found, total = await programme_groups(session, view.programme_id, page * PAGE_SIZE, PAGE_SIZE)
    return Reply(group_menu(view, found, page, total))


async def _groups(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return await _group_page(session, await rules.draft(session, member, button["draft"]), button["page"])


async def _toggle(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    view = await rules.toggle_group(session, member, button["draft"], button["group"])
    return await _group_page(session, view, button["page"])


async def _chosen(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(role_menu(await rules.choose_scope(session, member, button["draft"], "groups")))


async def _role(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    """With the audience set: ask for the text, or (when changing the audience) show the summary again."""
    view = await rules.choose_role(session, member, button["draft"], button["role"], now)
    if view.text is None:
        return Reply(ask_text())
    return Reply(preview_summary(view, member.timezone))


async def _text(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    await rules.ask_text(session, member, button["draft"], now)
    return Reply(ask_text())


async def _later(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    await rules.ask_send_time(session, member, button["draft"], now)
    return Reply(ask_time(member.timezone, now))


async def _now(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    return Reply(preview_summary(await rules.send_now_instead(session, member, button["draft"]), member.timezone))


async def _drop(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    await rules.discard(session, member, button["draft"])
    return Reply(Screen(Text("The announcement was discarded; nothing was sent."), replace=True))


async def _confirm(
    session: AsyncSession, member: MemberView, broadcast_id: int, now: datetime, where: ProgressAt | None
) -> Reply:
    """Queue the announcement; the pressed summary becomes the progress message."""
    confirmed = await rules.confirm(
        session, member, broadcast_id, now,
        progress_chat_id=where.chat_id if where else None, progress_message_id=where.message_id if where else None,
    )
    progress = await progress_of(session, broadcast_id)
    if confirmed.already or progress is None:
        return Reply(notice=Notice(Text("This announcement is already on its way.")))
    logger.info("Broadcast %s confirmed: %s messages queued", broadcast_id, confirmed.queued)
    return Reply(progress_screen(progress))


async def _cancel(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Reply:
    """Stop what has not gone out yet; the report follows when the last message is settled."""
    broadcast_id = button["draft"]
    stopped = await rules.cancel(session, member, broadcast_id, now)
    progress = await progress_of(session, broadcast_id)
    assert progress is not None
    logger.info("Broadcast %s cancelled: %s messages stopped", broadcast_id, stopped)
    return Reply(
        progress_screen(progress),
        notice=Notice(Plural("Cancelled: {count} message will not be sent.",
                             "Cancelled: {count} messages will not be sent.", stopped, count=stopped), alert=True),
    )


_PRESSES: dict[str, _Press] = {
    "new": _new,
    "aud": _audience,
    "all": _whole,
    "prov": _provinces,
    "p": _province,
    "grp": _groups,
    "g": _toggle,
    "gok": _chosen,
    "r": _role,
    "text": _text,
    "later": _later,
    "now": _now,
    "drop": _drop,
    "stop": _cancel,
}
