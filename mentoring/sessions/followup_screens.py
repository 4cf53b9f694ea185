"""After a session, as a conversation any channel can hold: who came, the minutes, feedback.

Buttons: `ses:at:<session>` (attendance sheet), `ses:am:<session>:<person>` (toggle),
`ses:ad:<session>` (done), `ses:mn:<session>` (write minutes), `ses:ms:<session>`
(minutes later), `ses:fb:<session>:<1-5>` (feedback score, on the outbox's prompt),
`ses:sf:<session>:<1-5>` ("I could speak freely"), `ses:fs:<session>` (skip the takeaway),
`ses:tt:<session>` (turn the takeaway into a to-do), `ses:ma:<session>:<version>` ("I have read
the minutes", on the outbox's minutes message, mentoring.sessions.minutes). The minutes and the takeaway are typed
answers waited for in the database (flows "session_minutes", "session_takeaway").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.button_data import Pressed as Button
from mentoring.joining.rules import MemberView
from mentoring.screens import (
    Awaits,
    Choice,
    Expect,
    Input,
    Lines,
    Notice,
    Plural,
    Raw,
    Reply,
    Screen,
    Text,
)
from mentoring.sessions import followup
from mentoring.sessions import minutes as minutes_
from mentoring.sessions.buttons import SESSIONS
from mentoring.sessions.cards import named, typed_text, waiting_data
from mentoring.sessions.followup import AttendanceSheet
from mentoring.sessions.notices import when
from mentoring.todos.buttons import TODOS

MINUTES = Awaits(Expect.TEXT, followup.MINUTES_FLOW)
TAKEAWAY = Awaits(Expect.TEXT, followup.TAKEAWAY_FLOW)
NAME_MAX = 50
ACTIONS = ("at", "am", "ad", "mn", "ms", "fb", "sf", "fs", "tt", "ma")


def sheet_screen(sheet: AttendanceSheet, reader_zone: str) -> Screen:
    """Everyone of the group, marked present or not; tapping a name toggles it."""
    sid, facts = sheet.facts.session_id, sheet.facts
    return Screen(
        Text("Who came to the session of {when}? Tap the names, then press Done.",
             when=when(facts.starts_at, reader_zone, facts.zone)),
        [*([named(SESSIONS.encode("am", session=sid, person=p.person_id), p.name, NAME_MAX,
                  mark="✅ " if p.present else "▫️ ")] for p in sheet.people),
         [Choice(SESSIONS.encode("ad", session=sid), Text("Done"))]],
        replace=True,
    )


def minutes_screen(session_id: int, current: str | None = None, *, replace: bool = True) -> Screen:
    """Ask for the minutes (showing those written so far); Later leaves them for another time."""
    so_far = (Raw(""), Text("Minutes so far (your message replaces them):"), Raw(current)) if current else ()
    return Screen(
        Lines(Text("Write the decisions of the session (the minutes) in one message, up to {limit} characters.",
                   limit=followup.MINUTES_MAX), *so_far),
        [[Choice(SESSIONS.encode("ms", session=session_id), Text("Later"))]],
        awaits=MINUTES, replace=replace,
    )


def _saved() -> Screen:
    return Screen(Text("Thank you, your feedback is saved."), replace=True)


def readers_words(readers: minutes_.Readers | None) -> Lines | None:
    """Who read the current minutes and who not yet, by name (the group's mentors see it)."""
    if readers is None:
        return None
    return Lines(
        Text("📝 Minutes read by: {names}", names=Raw(", ".join(readers.read))) if readers.read else None,
        Text("⏳ Not read yet: {names}", names=Raw(", ".join(readers.unread))) if readers.unread else None,
    )


def _speak_freely(session_id: int) -> Screen:
    return Screen(
        Text("Could you speak freely in the session? (1 = not at all, 5 = fully)"),
        [[Choice(SESSIONS.encode("sf", session=session_id, score=score), Raw(str(score))) for score in range(1, 6)]],
        replace=True,
    )


# ----------------------------------------------------------------------------- steps


async def press(session: AsyncSession, member: MemberView, button: Button, now: datetime) -> Reply:
    """An attendance, minutes or feedback button (read by `screens.press`)."""
    action, sid = button.action, button["session"]
    if action == "at":
        return Reply(sheet_screen(await followup.sheet(session, member, sid, now), member.timezone))
    if action == "am":
        sheet = await followup.toggle(session, member, sid, button["person"], now)
        return Reply(sheet_screen(sheet, member.timezone))
    if action == "ad":
        asked = await followup.finish_attendance(session, member, sid, now)
        done = Plural("Attendance saved. {count} attendee is asked for feedback.",
                      "Attendance saved. {count} attendees are asked for feedback.", asked, count=asked)
        return Reply(Screen(done, replace=True), minutes_screen(sid, replace=False))
    if action == "mn":
        return Reply(minutes_screen(sid, await followup.begin_minutes(session, member, sid, now)))
    if action == "ms":
        await followup.skip_minutes(session, member)
        return Reply(Screen(Text("All right. You can write the minutes later from /sessions."), replace=True))
    if action == "fb":
        await followup.rate(session, member, sid, button["score"], now)
        return Reply(_speak_freely(sid))
    if action == "sf":
        await followup.speak_freely(session, member, sid, button["score"], now)
        return Reply(Screen(
            Text("Thank you! What is one concrete thing you take away from the session? "
                 "Write it in a sentence, or skip."),
            [[Choice(SESSIONS.encode("fs", session=sid), Text("Skip"))]],
            awaits=TAKEAWAY, replace=True,
        ))
    if action == "tt":
        todo_id = await followup.takeaway_todo(session, member, sid, now)
        return Reply(Screen(
            Text("It is on your to-do list now, as a to-do from this session."),
            [[Choice(TODOS.encode("v", todo=todo_id, page=0), Text("Open the to-do"))]],
            replace=True,
        ))
    if action == "ma":
        await minutes_.acknowledge(session, member, sid, button["version"], now)
        return Reply(notice=Notice(Text("Thank you, your mentors see that you have read the minutes.")))
    await followup.take_away(session, member, sid, None, now)
    return Reply(_saved())


async def minutes(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The mentor's typed minutes of a held session."""
    text = typed_text(given)
    sid = int(str((await waiting_data(session, member, followup.MINUTES_FLOW))["session_id"]))
    sent = await followup.save_minutes(session, member, sid, text, now)
    return Reply(Screen(Lines(Text("The minutes are saved."),
                              Plural("They were sent to {count} member of the group, who is asked to confirm "
                                     "reading them.",
                                     "They were sent to {count} members of the group, who are asked to confirm "
                                     "reading them.", sent, count=sent) if sent else None,
                              Text("To-dos agreed in the session? Give them to members with /assign."),
                              sep="\n\n")))


async def takeaway(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """An attendee's one typed takeaway from the session."""
    text = typed_text(given)
    sid = int(str((await waiting_data(session, member, followup.TAKEAWAY_FLOW))["session_id"]))
    await followup.take_away(session, member, sid, text, now)
    return Reply(Screen(Text("Thank you, your feedback is saved. Would you like to make your takeaway a to-do?"),
                        [[Choice(SESSIONS.encode("tt", session=sid), Text("Make it a to-do"))]]))
