"""/agenda as a conversation any channel can hold: the group's formal agenda ("formal gündem").

Mentors of the group edit it, its mentees read it (and propose topics), the
programme's coordinators read it (`mentoring.sessions.agenda` decides).
Proposals and roles are `proposal_screens`, whose `press` takes every /agenda
button and hands the ones below to this module's `press`. Buttons: `agd:g:<group>` (show),
`agd:t:<topic>` (one topic's actions), `agd:up|dn|cv|uc|del:<topic>` (move up or
down, covered or not, delete), `agd:add:<group>` (wait for a typed title, flow
"agenda_add"), written and read by `mentoring.sessions.buttons.AGENDA`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access
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
from mentoring.sessions import agenda
from mentoring.sessions.agenda import AgendaView, RoleLine, TopicView
from mentoring.sessions.buttons import AGENDA
from mentoring.sessions.cards import named, typed_text, waiting_data
from mentoring.sessions.proposals import ROLE_NAMES, ROLE_STATUS

AWAITS = Awaits(Expect.TEXT, agenda.ADD_FLOW)
TITLE_LABEL_MAX = 40


def agenda_screen(view: AgendaView) -> Screen:
    """The topics in order, covered ones marked; for its mentors a button per topic and Add."""
    lines: list[Words] = [Text("Agenda of {group}:", group=view.group_name)]
    if not view.topics:
        lines.append(Text("The agenda is empty."))
    for number, topic in enumerate(view.topics, start=1):
        title = Raw(f"{number}. {topic.title}")
        lines.append(Lines(title, Text("(covered)"), sep=" ✓ ") if topic.covered else title)
        lines += [role_words(r) for r in view.roles if r.topic_id == topic.id]
    if view.may_propose:
        lines += [Raw(""), Text("Is there something you would like the group to talk about? Propose a topic.")]
        return Screen(Lines(*lines), [[Choice(AGENDA.encode("pp", group=view.group_id), Text("Propose a topic"))]],
                      replace=True)
    if not view.may_edit:
        return Screen(Lines(*lines), replace=True)
    lines += [Raw(""), Text("Tap a topic to move, mark or delete it.")]
    rows = [
        [named(AGENDA.encode("t", topic=t.id), t.title, TITLE_LABEL_MAX, mark=f"{'✓ ' if t.covered else ''}{n}. ")]
        for n, t in enumerate(view.topics, start=1)
    ]
    pending = [[Choice(AGENDA.encode("pl", group=view.group_id),
                       Text("Proposals waiting ({count})", count=view.pending), short=Text("Proposals"))]] \
        if view.pending else []
    return Screen(Lines(*lines),
                  [*rows, *pending, [Choice(AGENDA.encode("add", group=view.group_id), Text("Add a topic"))]],
                  replace=True)


def role_words(role: RoleLine) -> Words:
    """"   🎭 Ayşe: presenter (accepted)": a role on a topic and its answer."""
    return Text("   🎭 {name}: {role} ({status})", name=role.name, role=Text(ROLE_NAMES[role.role]),
                status=Text(ROLE_STATUS[role.status]))


def topic_screen(topic: TopicView, roles: tuple[RoleLine, ...] = (), note: Words | None = None) -> Screen:
    """One topic with its roles: move it, mark it covered (or not), delete it, ask for a role, or go back."""
    tid = topic.id
    covered = (Choice(AGENDA.encode("uc", topic=tid), Text("Not covered yet")) if topic.covered
               else Choice(AGENDA.encode("cv", topic=tid), Text("Mark covered"), short=Text("Covered")))
    mine = [role_words(r) for r in roles if r.topic_id == tid]
    return Screen(
        Lines(note, Raw("") if note is not None else None, Text("Topic: {topic}", topic=topic.title), *mine),
        [[Choice(AGENDA.encode("up", topic=tid), Text("Up")), Choice(AGENDA.encode("dn", topic=tid), Text("Down"))],
         [covered, Choice(AGENDA.encode("del", topic=tid), Text("Delete"))],
         [Choice(AGENDA.encode("ro", topic=tid), Text("Ask a mentee for a role"), short=Text("Ask for a role"))],
         [Choice(AGENDA.encode("g", group=topic.group_id), Text("Back to the agenda"))]],
        replace=True,
    )


def groups_screen(groups: list[tuple[int, str]]) -> Screen:
    return Screen(Text("Which group's agenda?"),
                  [[named(AGENDA.encode("g", group=gid), name)] for gid, name in groups], replace=True)


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/agenda: the agenda of the member's one group, or which group's."""
    groups = await agenda.groups_for(session, member)
    if not groups:
        raise access.AccessDenied("agenda")
    if len(groups) == 1:
        return Reply(agenda_screen(await agenda.view(session, member, groups[0][0])))
    return Reply(groups_screen(groups))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """Open a group or topic, reorder, mark, delete, or start adding a topic."""
    button = button_of(given, AGENDA)
    action = button.action
    if action == "g":
        return Reply(agenda_screen(await agenda.view(session, member, button["group"])))
    if action == "add":
        await agenda.begin_add(session, member, button["group"], now)
        return Reply(Screen(Text("Send the title of the new topic (up to {limit} characters).",
                                 limit=agenda.TITLE_MAX), awaits=AWAITS, replace=True))
    tid = button["topic"]
    if action == "t":
        found = await agenda.topic(session, member, tid)
        return Reply(topic_screen(found, (await agenda.view(session, member, found.group_id)).roles))
    if action in ("up", "dn"):
        view = await agenda.move_topic(session, member, tid, -1 if action == "up" else 1)
    elif action in ("cv", "uc"):
        view = await agenda.set_covered(session, member, tid, action == "cv", now)
    else:
        view = await agenda.delete_topic(session, member, tid)
    return Reply(agenda_screen(view))


async def title(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The typed title of a new topic: the agenda with it at the end."""
    text = typed_text(given)
    group_id = int(str((await waiting_data(session, member, agenda.ADD_FLOW))["group_id"]))
    return Reply(agenda_screen(await agenda.add_topic(session, member, group_id, text, now)))
