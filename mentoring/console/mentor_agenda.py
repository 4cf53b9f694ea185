"""A mentor's group in the web console: the agenda (issue #16).

The group's next session (`mentoring.sessions.rules.next_session`: time, place, topic, the answers so
far), its agenda topics with the roles asked on them (`mentoring.sessions.agenda.view`), and the
proposals waiting (`mentoring.sessions.proposals.pending`). A mentor accepts a proposal (under the
title they give, or its own words) or declines it through the bot's own functions
(`proposals.accept` / `proposals.decline`): the topic is added, the proposal is decided once (a second
decision is refused and writes nothing), and the mentee is told through the outbox as in the bot.
For the group's mentors only (`mentor.mentored_group`). The view and every decision are audited
(ids only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import AccessDenied
from mentoring.console.mentor import MentoredGroup, mentored_group
from mentoring.console.views import REFUSED
from mentoring.joining.rules import MemberView
from mentoring.screens import Words
from mentoring.sessions import agenda, proposals
from mentoring.sessions import rules as sessions
from mentoring.sessions.agenda import AgendaView
from mentoring.sessions.agenda_screens import role_words
from mentoring.sessions.proposals import ProposalView
from mentoring.sessions.rules import NextSession

AGENDA_VIEWED = "console.agenda"
PROPOSAL_DECIDED = "console.proposal"
TITLE_MAX = agenda.TITLE_MAX


@dataclass(frozen=True)
class Proposal:
    id: int
    name: str | None  # the mentee's; None once they are erased
    words: Words  # their words, or where the proposal came from
    title: str  # the title the form offers: their words when they fit one, else ""


@dataclass(frozen=True)
class Topic:
    number: int
    title: str
    covered: bool
    roles: tuple[Words, ...]


@dataclass(frozen=True)
class AgendaPage:
    group: MentoredGroup
    next_session: NextSession | None
    topics: tuple[Topic, ...]
    proposals: tuple[Proposal, ...]


def _title_of(found: ProposalView) -> str:
    text = " ".join((found.text or "").split())
    return text if len(text) <= TITLE_MAX else ""


def _topics(view: AgendaView) -> tuple[Topic, ...]:
    return tuple(
        Topic(number, topic.title, topic.covered,
              tuple(role_words(role) for role in view.roles if role.topic_id == topic.id))
        for number, topic in enumerate(view.topics, start=1)
    )


async def agenda_page(session: AsyncSession, person: MemberView, group_id: int, now: datetime) -> AgendaPage:
    """The next session, the agenda and the proposals waiting, for the group's mentors."""
    group = await mentored_group(session, person, group_id)
    upcoming = await sessions.next_session(session, group.id, now)
    view = await agenda.view(session, person, group.id)
    _, waiting = await proposals.pending(session, person, group.id)
    await audit.record(session, person.person_id, AGENDA_VIEWED,
                       details={"group_id": group.id, "proposals": [p.id for p in waiting]}, now=now)
    return AgendaPage(group, upcoming, _topics(view), tuple(
        Proposal(p.id, p.name, proposals.proposal_words(p), _title_of(p)) for p in waiting))


async def decide(session: AsyncSession, person: MemberView, group_id: int, proposal_id: int, accepted: bool,
                 title: str | None, now: datetime) -> ProposalView:
    """Accept (under `title`, or the proposal's own words when it is None) or decline a proposal."""
    group = await mentored_group(session, person, group_id)
    found = await proposals.proposal(session, person, proposal_id)
    if found.group_id != group.id:
        raise AccessDenied(REFUSED)
    if accepted:
        decided = await proposals.accept(session, person, proposal_id, title, now)
    else:
        decided = await proposals.decline(session, person, proposal_id, now)
    await audit.record(session, person.person_id, PROPOSAL_DECIDED,
                       details={"group_id": group.id, "proposal": proposal_id,
                                "decision": "accepted" if accepted else "declined"}, now=now)
    return decided
