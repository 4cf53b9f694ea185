"""Agenda proposals and roles in /agenda, as a conversation any channel can hold (issue #14, point 3).

The rules are `mentoring.sessions.proposals`. Buttons (`mentoring.sessions.buttons.AGENDA`):
`agd:pp:<group>` a mentee proposes (waits for the text, flow "agenda_propose");
`agd:pl:<group>` the pending proposals (mentors); `agd:p|pa|pe|pd:<proposal>` one
proposal: show, accept as it is, accept under another title (waits for it, flow
"agenda_accept"), decline; `agd:ro:<topic>` which role, `agd:rw:<topic>:<role>`
which mentee, `agd:rk:<topic>:<role>:<person>` ask; `agd:ry|rn:<role>` the
mentee's answer to a request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.audiences import sentence
from mentoring.joining.rules import MemberView
from mentoring.screens import (
    Awaits,
    Choice,
    Expect,
    Input,
    Lines,
    Raw,
    Reply,
    Screen,
    Text,
    Words,
    button_of,
)
from mentoring.sessions import agenda, agenda_screens, proposals
from mentoring.sessions.agenda_screens import agenda_screen, topic_screen
from mentoring.sessions.buttons import AGENDA
from mentoring.sessions.cards import named, typed_text, waiting_data
from mentoring.sessions.proposals import ROLE_NAMES, ProposalView, proposal_words

ACTIONS = frozenset({"pp", "pl", "p", "pa", "pe", "pd", "ro", "rw", "rk", "ry", "rn"})
PROPOSE_AWAITS = Awaits(Expect.TEXT, proposals.PROPOSE_FLOW)
ACCEPT_AWAITS = Awaits(Expect.TEXT, proposals.ACCEPT_FLOW)
NAME_LABEL_MAX = 30


def _who(found: ProposalView) -> Words:
    return Raw(found.name) if found.name is not None else Text("a former mentee")


def pending_screen(group_id: int, group_name: str, found: list[ProposalView], note: Words | None = None) -> Screen:
    """The pending proposals, a button for each, and the way back to the agenda."""
    lines: list[Words] = [Text("Proposals for the agenda of {group}:", group=group_name)]
    if not found:
        lines.append(Text("No proposals are waiting."))
    for number, item in enumerate(found, start=1):
        lines.append(Lines(Raw(f"{number}."), _who(item), Raw("—"), proposal_words(item), sep=" "))
    rows = [[named(AGENDA.encode("p", proposal=item.id), item.name or "…", NAME_LABEL_MAX, mark=f"{number}. ")]
            for number, item in enumerate(found, start=1)]
    rows.append([Choice(AGENDA.encode("g", group=group_id), Text("Back to the agenda"))])
    return Screen(Lines(note, Raw("") if note is not None else None, *lines), rows, replace=True)


def proposal_screen(found: ProposalView) -> Screen:
    """One proposal: accept it as it is (when its words fit a title), under another title, or decline it."""
    accept = [Choice(AGENDA.encode("pa", proposal=found.id), Text("✅ Accept as it is"), short=Text("✅ Accept"))] \
        if found.text is not None and len(found.text) <= agenda.TITLE_MAX else []
    return Screen(
        Lines(Text("Proposal from {name}:", name=_who(found)), proposal_words(found)),
        [[*accept, Choice(AGENDA.encode("pe", proposal=found.id), Text("Accept with a title"),
                          short=Text("Give a title"))],
         [Choice(AGENDA.encode("pd", proposal=found.id), Text("❌ Decline the proposal"), short=Text("❌ Decline"))],
         [Choice(AGENDA.encode("pl", group=found.group_id), Text("Back to the proposals"), short=Text("Back"))]],
        replace=True,
    )


async def _pending(session: AsyncSession, member: MemberView, group_id: int, note: Words | None = None) -> Reply:
    name, found = await proposals.pending(session, member, group_id)
    return Reply(pending_screen(group_id, name, found, note))


def roles_screen(topic: agenda.TopicView) -> Screen:
    return Screen(
        Text("Which role on “{topic}”?", topic=topic.title),
        [*([Choice(AGENDA.encode("rw", topic=topic.id, role=role), Text(label))] for role, label in ROLE_NAMES.items()),
         [Choice(AGENDA.encode("t", topic=topic.id), Text("Back"))]],
        replace=True,
    )


def mentees_screen(topic: agenda.TopicView, role: str, mentees: list[tuple[int, str]]) -> Screen:
    if not mentees:
        return Screen(Text("The group has no mentees yet."),
                      [[Choice(AGENDA.encode("t", topic=topic.id), Text("Back"))]], replace=True)
    return Screen(
        Text("Whom would you like to ask ({role})?", role=Text(ROLE_NAMES[role])),
        [*([named(AGENDA.encode("rk", topic=topic.id, role=role, person=pid), name, NAME_LABEL_MAX)]
           for pid, name in mentees),
         [Choice(AGENDA.encode("t", topic=topic.id), Text("Back"))]],
        replace=True,
    )


def answered(found: proposals.RoleAnswer) -> Screen:
    said = sentence("agenda_role_accepted" if found.accepted else "agenda_role_declined")
    return Screen(Text(said, role=Text(ROLE_NAMES[found.role]), topic=found.topic), replace=True)


# ----------------------------------------------------------------------------- steps


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """Every /agenda button: the proposal and role ones (`ACTIONS`) here, the others in `agenda_screens`."""
    button = button_of(given, AGENDA)
    action = button.action
    if action not in ACTIONS:
        return await agenda_screens.press(session, member, given, now)
    if action == "pp":
        await proposals.begin_propose(session, member, button["group"], now)
        return Reply(Screen(Lines(
            Text("Which topic would you like to talk about in the group session? Send it in a few words "
                 "(up to {limit} characters).", limit=agenda.TITLE_MAX),
            Text("Please do not use any child's name in it.")), awaits=PROPOSE_AWAITS, replace=True))
    if action == "pl":
        return await _pending(session, member, button["group"])
    if action == "p":
        return Reply(proposal_screen(await proposals.proposal(session, member, button["proposal"])))
    if action == "pa":
        found = await proposals.accept(session, member, button["proposal"], None, now)
        return await _pending(session, member, found.group_id, Text("Added to the agenda; {name} will be told.",
                                                                    name=_who(found)))
    if action == "pe":
        await proposals.begin_accept(session, member, button["proposal"], now)
        return Reply(Screen(Text("Send the title of the new topic (up to {limit} characters).",
                                 limit=agenda.TITLE_MAX), awaits=ACCEPT_AWAITS, replace=True))
    if action == "pd":
        found = await proposals.decline(session, member, button["proposal"], now)
        return await _pending(session, member, found.group_id, Text("Declined; {name} will be told.",
                                                                    name=_who(found)))
    if action in ("ry", "rn"):
        return Reply(answered(await proposals.answer_role(session, member, button["role"], action == "ry", now)))
    topic = await agenda.topic(session, member, button["topic"])
    if action == "ro":
        return Reply(roles_screen(topic))
    if action == "rw":
        return Reply(mentees_screen(topic, button["role"],
                                    await proposals.mentees_of(session, member, topic.group_id)))
    name = await proposals.ask_role(session, member, topic.id, button["role"], button["person"], now)
    view = await agenda.view(session, member, topic.group_id)
    return Reply(topic_screen(topic, view.roles, Text("{name} has been asked; their answer will show here.",
                                                      name=name)))


async def proposal_text(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The typed text of a mentee's proposal: thanks, and the agenda."""
    text = typed_text(given)
    group_id = int(str((await waiting_data(session, member, proposals.PROPOSE_FLOW))["group_id"]))
    await proposals.propose(session, member, group_id, text, now)
    view = await agenda.view(session, member, group_id)
    return Reply(Screen(Text(sentence("agenda_proposal"))), agenda_screen(view))


async def accept_title(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The title a mentor gives a proposal they accept: the proposals left."""
    text = typed_text(given)
    proposal_id = int(str((await waiting_data(session, member, proposals.ACCEPT_FLOW))["proposal_id"]))
    found = await proposals.accept(session, member, proposal_id, text, now)
    return await _pending(session, member, found.group_id, Text("Added to the agenda; {name} will be told.",
                                                                name=_who(found)))
