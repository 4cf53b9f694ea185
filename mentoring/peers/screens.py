"""/partner as a conversation any channel can hold: the peer partner page and the weekly check-in.

Every step takes `(session, member, given, now)`, where `given` is the person's
input (`mentoring.screens`), and returns a `Reply`; the adapters only translate
it (principle 2). `start` answers /partner: who the partner(s) are and the goals
they share, then this week's check-in where it waits (the question, or the step
the person stopped at). `press` answers a check-in button: talked or not, which
goal was supported, how useful the talk was.

Buttons carry the week and the answer (`pc:t:2:yes`, `pc:g:2:<goal>`,
`pc:u:2:4`, written and read by `mentoring.peers.buttons.CHECKIN`); each press is
checked against the open window and the answer so far (`mentoring.peers.rules`),
so a stale or forged one changes nothing. Refusals raise `DomainError`s, worded
once in `mentoring.refusals`. /pairs is `mentoring.peers.pairs_screens`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.access import AccessDenied, mentee_groups
from mentoring.joining.rules import MemberView
from mentoring.peers import prompts
from mentoring.peers import rules as peers
from mentoring.peers.buttons import CHECKIN
from mentoring.screens import (
    SHORT_LABEL_MAX,
    Choice,
    Input,
    Lines,
    Plural,
    Raw,
    Reply,
    Screen,
    Text,
    Words,
    button_of,
)
from mentoring.text import clip
from storage.models.peers import PeerCheckin

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]

# Keeps /partner under Telegram's 4096 characters and 100 buttons even for a trio with long plans.
SHOWN_GOALS = 10
GOAL_IN_PAGE = 150  # characters of a goal on the partner page
GOAL_ON_BUTTON = 40  # ... and on a button


# ----------------------------------------------------------------------------- screens


def partner_page(pair: peers.Partnership | None) -> Screen:
    """Who the peer partner(s) are, and the goals each shares (or that none has a partner yet)."""
    if pair is None:
        return Screen(Text("You do not have a peer partner yet; your mentors will pair you."))
    parts: list[Words] = [Text("Your peer trio partners:") if len(pair.partners) > 1 else
                          Plural("Your peer partner:", "Your peer partners:", 1)]
    for person_id, name in pair.partners:
        if name is None:  # they erased their data: no name, no goals
            parts += [Raw(""), Lines(Raw("👤 "), Text("a former member"), sep="")]
            continue
        parts += [Raw(""), Raw(f"👤 {name}")]
        goals = pair.shared[person_id]
        if not goals:
            parts.append(Text("No goals shared with you yet."))
            continue
        parts.append(Text("Goals shared with you:"))
        parts += [Raw(f"• {clip(goal.what, GOAL_IN_PAGE)}") for goal in goals[:SHOWN_GOALS]]
        if len(goals) > SHOWN_GOALS:
            more = len(goals) - SHOWN_GOALS
            parts.append(Plural("… and {count} more goal", "… and {count} more goals", more, count=more))
    return Screen(Lines(*parts))


def support_question(week: int, pair: peers.Partnership) -> Screen:
    """Which of the partner's shared goals the talk supported, or something else."""
    rows = [[Choice(CHECKIN.encode("g", week=week, goal=goal.id), Raw(clip(goal.what, GOAL_ON_BUTTON)),
                    short=Raw(clip(goal.what, SHORT_LABEL_MAX)))]
            for goals in pair.shared.values() for goal in goals[:SHOWN_GOALS]]
    rows.append([Choice(CHECKIN.encode("g", week=week, goal=0), Text("Something else"))])
    return Screen(Text("Good! Which part of their plan did you support?"), rows, replace=True)


def usefulness_question(week: int) -> Screen:
    return Screen(
        Text("How useful was your talk? 1 = not much, 5 = very useful."),
        [[Choice(CHECKIN.encode("u", week=week, score=score), Raw(str(score))) for score in range(1, 6)]],
        replace=True,
    )


def next_step(answer: PeerCheckin, pair: peers.Partnership) -> Screen:
    """After an answer: the next question, or thanks once the check-in is complete."""
    if answer.completed_at is not None:
        if answer.talked == "yes":
            return Screen(Text("Thank you! Your check-in is saved."), replace=True)
        return Screen(Text("Thank you, noted. Try to reach your partner before the next group session."),
                      replace=True)
    if answer.supported_goal_id is None and not answer.supported_other:
        return support_question(answer.week, pair)
    return usefulness_question(answer.week)


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/partner: the partner page, then this week's check-in when it is open and not yet complete."""
    if not mentee_groups(member):
        raise AccessDenied("partner")
    view = await peers.partner_view(session, member.person_id, member.timezone, now)
    page = partner_page(view.partnership)
    pair, window, answer = view.partnership, view.window, view.answer
    if pair is None or window is None or (answer is not None and answer.completed_at is not None):
        return Reply(page)
    if answer is None:
        return Reply(page, prompts.prompt(window.week, window.closes_at, view.tz.key))
    # Begun but not finished: continue where they were (as a new message, not in place of the page).
    return Reply(page, dataclasses.replace(next_step(answer, pair), replace=False))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A check-in button; the press is checked against the open week and the answer so far."""
    button = button_of(given, CHECKIN)
    week, pid = button["week"], member.person_id
    if button.action == "t":
        answer, pair = await peers.answer_talked(session, pid, week, button["talked"], now)
    elif button.action == "g":
        answer, pair = await peers.answer_support(session, pid, week, button["goal"] or None, now)
    else:
        answer, pair = await peers.answer_usefulness(session, pid, week, button["score"], now)
    return Reply(next_step(answer, pair))

