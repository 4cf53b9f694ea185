"""/sessions as a conversation any channel can hold, and every session button.

Every step takes `(session, member, given, now)`, where `given` is the person's
input (`mentoring.screens`), and returns a `Reply`; the adapters only translate
it (principle 2). `start` answers /sessions: the upcoming sessions of the
member's groups with their answer, and the mentor's recently held ones.
`press` answers any session button (`ses:...`, `mentoring.sessions.buttons.SESSIONS`):
answering (`ses:r:<session>:<y|n|m>`), moving (`ses:mv`), cancelling (`ses:x`, `ses:xc`,
`ses:xn`) here, planning in `planning_screens`, attendance, minutes and feedback in
`followup_screens`. Refusals raise `DomainError`s, worded once in `mentoring.refusals`.

The other conversations of this feature: /session (`planning_screens`) and
/agenda (`agenda_screens`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access
from mentoring.button_data import Pressed as Button
from mentoring.joining.rules import MemberView
from mentoring.screens import Choice, Input, Lines, Notice, Reply, Screen, Text, button_of
from mentoring.sessions import followup, followup_screens, planning, planning_screens
from mentoring.sessions import minutes as minutes_
from mentoring.sessions import rules as sessions
from mentoring.sessions.buttons import SESSIONS
from mentoring.sessions.cards import card, with_card
from mentoring.sessions.notices import RSVP_CODES, SessionFacts, rsvp_choices, when
from mentoring.sessions.rules import SessionView


def card_choices(view: SessionView) -> list[list[Choice]]:
    """Answer buttons for who may answer; Move and Cancel for who may manage; none once cancelled."""
    if view.cancelled:
        return []
    sid = view.facts.session_id
    rows = rsvp_choices(sid) if view.may_answer else []
    if view.may_manage:
        rows.append([Choice(SESSIONS.encode("mv", session=sid), Text("Move")),
                     Choice(SESSIONS.encode("x", session=sid), Text("Cancel"))])
    return rows


def card_screen(view: SessionView, reader_zone: str, *, replace: bool = False) -> Screen:
    return Screen(card(view, reader_zone), card_choices(view), replace=replace)


def held_screen(facts: SessionFacts, reader_zone: str, readers: minutes_.Readers | None = None) -> Screen:
    """A held session of the mentor's: mark who came, write the minutes, see who read them."""
    sid = facts.session_id
    return Screen(
        Lines(Text("Held session of {group}, {when}: mark who came and write the minutes.",
                   group=facts.group_name, when=when(facts.starts_at, reader_zone, facts.zone)),
              followup_screens.readers_words(readers)),
        [[Choice(SESSIONS.encode("at", session=sid), Text("Who came")),
          Choice(SESSIONS.encode("mn", session=sid), Text("Minutes"))]],
    )


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/sessions: a heading, a card per upcoming session, then the mentor's recently held ones."""
    upcoming = await sessions.upcoming(session, member, now)
    held = [(await sessions.facts_of(session, found), await minutes_.readers(session, found))
            for found in await followup.recent_held(session, member, now)]
    if upcoming:
        heading = Screen(Text("Upcoming group sessions:"))
    else:
        heading = Screen(Lines(Text("There are no upcoming group sessions."),
                               Text("Plan one with /session.") if access.mentored_groups(member) else None))
    zone = member.timezone
    return Reply(heading, *(card_screen(view, zone) for view in upcoming),
                 *(held_screen(facts, zone, readers) for facts, readers in held))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """Any session button; data no button carries is refused as stale and changes nothing."""
    button = button_of(given, SESSIONS)
    if button.action in planning_screens.ACTIONS:
        return await planning_screens.press(session, member, button, now)
    if button.action in followup_screens.ACTIONS:
        return await followup_screens.press(session, member, button, now)
    return await _manage(session, member, button, now)


async def _manage(session: AsyncSession, member: MemberView, button: Button, now: datetime) -> Reply:
    """Answer (r), move (mv), ask to cancel (x), cancel (xc) or keep (xn) a session."""
    action, sid, zone = button.action, button["session"], member.timezone
    if action == "r":
        view = await sessions.answer(session, member, sid, RSVP_CODES[button["answer"]], now)
        return Reply(card_screen(view, zone, replace=True), notice=Notice(Text("Thank you, your answer is saved.")))
    if action == "mv":
        # The planning flow asks for the new day, then the time.
        return Reply(planning_screens.prompt_screen(await planning.begin_move(session, member, sid, now), zone))
    if action == "x":
        view = await sessions.manageable(session, member, sid, now)
        return Reply(Screen(
            with_card(Text("Cancel this session? Everyone will be told."), view, zone),
            [[Choice(SESSIONS.encode("xc", session=sid), Text("Yes, cancel it")),
              Choice(SESSIONS.encode("xn", session=sid), Text("No, keep it"))]],
            replace=True,
        ))
    if action == "xc":
        view = await sessions.cancel(session, member, sid, now)
        return Reply(Screen(with_card(Text("The session has been cancelled; everyone will be told."), view, zone),
                            replace=True))
    return Reply(card_screen(await sessions.view(session, member, sid), zone, replace=True))
