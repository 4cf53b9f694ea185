"""After a session, as a conversation any channel can hold: who came, the minutes, feedback.

Buttons: `ses:at:<session>` (attendance sheet), `ses:am:<session>:<person>` (toggle),
`ses:ad:<session>` (done), `ses:mn:<session>` (write minutes), `ses:ms:<session>`
(minutes later), `ses:fb:<session>:<1-5>` (feedback score, on the outbox's prompt),
`ses:fs:<session>` (skip the takeaway). The minutes and the takeaway are typed
answers waited for in the database (flows "session_minutes", "session_takeaway").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.button_data import Pressed as Button
from mentoring.joining.rules import MemberView
from mentoring.screens import Awaits, Choice, Expect, Input, Lines, Plural, Raw, Reply, Screen, Text
from mentoring.sessions import followup
from mentoring.sessions.buttons import SESSIONS
from mentoring.sessions.cards import named, typed_text, waiting_data
from mentoring.sessions.followup import AttendanceSheet
from mentoring.sessions.notices import when

MINUTES = Awaits(Expect.TEXT, followup.MINUTES_FLOW)
TAKEAWAY = Awaits(Expect.TEXT, followup.TAKEAWAY_FLOW)
NAME_MAX = 50
ACTIONS = ("at", "am", "ad", "mn", "ms", "fb", "fs")


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
        return Reply(Screen(
            Text("Thank you! What is one thing you take away from the session? Write it in a sentence, or skip."),
            [[Choice(SESSIONS.encode("fs", session=sid), Text("Skip"))]],
            awaits=TAKEAWAY, replace=True,
        ))
    await followup.take_away(session, member, sid, None, now)
    return Reply(_saved())


async def minutes(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The mentor's typed minutes of a held session."""
    text = typed_text(given)
    sid = int(str((await waiting_data(session, member, followup.MINUTES_FLOW))["session_id"]))
    await followup.save_minutes(session, member, sid, text, now)
    return Reply(Screen(Lines(Text("The minutes are saved."),
                              Text("To-dos agreed in the session? Give them to members with /assign."),
                              sep="\n\n")))


async def takeaway(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """An attendee's one typed takeaway from the session."""
    text = typed_text(given)
    sid = int(str((await waiting_data(session, member, followup.TAKEAWAY_FLOW))["session_id"]))
    await followup.take_away(session, member, sid, text, now)
    return Reply(Screen(Text("Thank you, your feedback is saved.")))
