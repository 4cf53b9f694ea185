"""From practice to the group (issue #14, point 3): agenda proposals and roles on agenda topics.

- **From a reflection**: when a mentee submits a reflection whose "bring it to the
  group session" answer is "yes", a proposal is made for the group (`from_reflection`,
  called by `mentoring.reflection.flow.submit`). "Maybe" makes none: the mentee has
  not asked for it, and the mentors see the answer in the reflection itself. The
  proposal carries the mentee's words of "what was hard" only when the reflection
  is shared with the mentors (not "numbers only") and that answer is a text; else
  it carries no text, and the mentors give the topic a title when they accept.
- **From a mentee**: a mentee of the group types a short topic in /agenda (`propose`).
- **Deciding**: the group's mentors (nobody else: not the coordinators, not
  another group's mentors) accept a pending proposal, as it is or under another
  title (it becomes a topic at the end of the agenda), or decline it. The mentee
  is told the outcome through the outbox (`KIND_DECISION`), naming the mentor.
- **Roles**: a mentor asks a current mentee of the group to present, take part in
  a role play or bring a case on a topic (`ask_role`); the mentee gets the request
  through the outbox (`KIND_ROLE`) with "Accept" and "Decline" and answers it
  (`answer_role`); the mentors see the answers in /agenda. A request whose topic
  was deleted or covered is stale; someone else's is refused.

Nothing here logs a text or a name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, conversation
from mentoring.errors import DomainError
from mentoring.i18n import N_, translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.screens import Choice, Lines, Raw, Text, Words
from mentoring.sessions import agenda
from mentoring.sessions.buttons import AGENDA
from mentoring.text import clip
from storage.models import Group, Membership, Person, Role
from storage.models.agenda import ROLE_KINDS, AgendaProposal, AgendaRole
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.sessions import AgendaTopic

logger = logging.getLogger(__name__)

KIND_DECISION = "agenda_decision"
KIND_ROLE = "agenda_role"
PROPOSE_FLOW = "agenda_propose"
ACCEPT_FLOW = "agenda_accept"
# The answers to "bring it to the group session?" that make a proposal.
BRINGS = ("yes",)
BRING_KEY = "bring_to_session"
HARD_KEY = "hard"
# "What was hard" can be long; a proposal keeps the first part of it.
TEXT_MAX = 1000
# A mentee's proposals waiting for a decision, at most.
PENDING_MAX = 5

ROLE_NAMES = {
    "presenter": N_("presenting the topic"),
    "role_play": N_("a role play"),
    "case": N_("bringing a case"),
}
ROLE_STATUS = {
    "asked": N_("asked, no answer yet"),
    "accepted": N_("accepted the role"),
    "declined": N_("declined the role"),
}
ROLE_ASKS = {
    "presenter": N_("{mentor} asks whether you would present the topic “{topic}” at a coming group session."),
    "role_play": N_("{mentor} asks whether you would take part in a role play on the topic “{topic}” at a coming "
                    "group session."),
    "case": N_("{mentor} asks whether you would bring a case from your work on the topic “{topic}” to a coming "
               "group session."),
}


# ----------------------------------------------------------------------------- proposals


async def from_reflection(session: AsyncSession, reflection: Reflection, now: datetime) -> bool:
    """A proposal from a just-submitted reflection, if its answer asks for one (see the docstring)."""
    answers = {a.question_key: a for a in await session.scalars(select(ReflectionAnswer).where(
        ReflectionAnswer.reflection_id == reflection.id,
        ReflectionAnswer.question_key.in_((BRING_KEY, HARD_KEY))))}
    bring = answers.get(BRING_KEY)
    if bring is None or bring.skipped or bring.choice_value not in BRINGS:
        return False
    hard = answers.get(HARD_KEY)
    text = None
    if not reflection.numbers_only and hard is not None and not hard.skipped and hard.text and hard.text.strip():
        text = clip(" ".join(hard.text.split()), TEXT_MAX)
    # Submitting is conditional (one submit per reflection), so this runs once per reflection.
    if await session.scalar(select(AgendaProposal.id).where(AgendaProposal.reflection_id == reflection.id)):
        return False
    session.add(AgendaProposal(group_id=reflection.group_id, person_id=reflection.person_id,
                               reflection_id=reflection.id, text=text, status="pending", created_at=now))
    await session.flush()
    logger.info("Reflection %s proposed an agenda topic (with text: %s)", reflection.id, text is not None)
    return True


async def begin_propose(session: AsyncSession, member: MemberView, group_id: int, now: datetime) -> None:
    """Wait for the text of a mentee's proposal."""
    access.require(access.is_mentee_of(member, group_id), "agenda_propose")
    await _check_pending(session, member, group_id)
    await conversation.expect(session, member.person_id, PROPOSE_FLOW, "text", now, {"group_id": group_id})


async def _check_pending(session: AsyncSession, member: MemberView, group_id: int) -> None:
    waiting = await session.scalar(select(func.count()).where(
        AgendaProposal.group_id == group_id, AgendaProposal.person_id == member.person_id,
        AgendaProposal.status == "pending"))
    if (waiting or 0) >= PENDING_MAX:
        raise DomainError("proposals_full", limit=PENDING_MAX)


async def propose(session: AsyncSession, member: MemberView, group_id: int, text: str, now: datetime) -> None:
    """A mentee's own proposal (a short text, the agenda's title limit); ends the wait."""
    access.require(access.is_mentee_of(member, group_id), "agenda_propose")
    title = agenda.clean_title(text)
    await _check_pending(session, member, group_id)
    await conversation.clear(session, member.person_id, PROPOSE_FLOW)
    session.add(AgendaProposal(group_id=group_id, person_id=member.person_id, text=title, status="pending",
                               created_at=now))
    await session.flush()
    logger.info("Person %s proposed an agenda topic for group %s", member.person_id, group_id)


@dataclass(frozen=True)
class ProposalView:
    id: int
    group_id: int
    group_name: str
    name: str | None  # the mentee's, None once they are erased
    text: str | None
    week: int | None  # the reflection's week, for a proposal from a reflection


def _proposals():  # type: ignore[no-untyped-def]
    return (
        select(AgendaProposal.id, AgendaProposal.group_id, Group.name,
               case((Person.erased_at.is_(None), Person.display_name), else_=None), AgendaProposal.text,
               Reflection.week)
        .join(Group, Group.id == AgendaProposal.group_id)
        .join(Person, Person.id == AgendaProposal.person_id)
        .outerjoin(Reflection, Reflection.id == AgendaProposal.reflection_id)
    )


async def pending(session: AsyncSession, member: MemberView, group_id: int) -> tuple[str, list[ProposalView]]:
    """The group's name and its pending proposals, oldest first (the group's mentors only)."""
    access.require(access.may_plan_sessions(member, group_id), "agenda_edit")
    group = await session.get(Group, group_id)
    if group is None:
        raise access.AccessDenied("agenda_edit")
    rows = await session.execute(_proposals().where(
        AgendaProposal.group_id == group_id, AgendaProposal.status == "pending").order_by(AgendaProposal.id))
    return group.name, [ProposalView(*row) for row in rows.all()]


async def proposal(session: AsyncSession, member: MemberView, proposal_id: int) -> ProposalView:
    """One pending proposal, for a mentor of its group; one already decided is refused."""
    row = (await session.execute(_proposals().where(AgendaProposal.id == proposal_id))).first()
    if row is None:
        raise DomainError("proposal_decided")
    found = ProposalView(*row)
    access.require(access.may_plan_sessions(member, found.group_id), "agenda_edit")
    status = await session.scalar(select(AgendaProposal.status).where(AgendaProposal.id == proposal_id))
    if status != "pending":
        raise DomainError("proposal_decided")
    return found


async def begin_accept(session: AsyncSession, member: MemberView, proposal_id: int, now: datetime) -> ProposalView:
    """Wait for the title a mentor gives a proposal they accept."""
    found = await proposal(session, member, proposal_id)
    await conversation.expect(session, member.person_id, ACCEPT_FLOW, "title", now, {"proposal_id": proposal_id})
    return found


async def accept(session: AsyncSession, member: MemberView, proposal_id: int, title: str | None,
                 now: datetime) -> ProposalView:
    """Accept a pending proposal: a topic at the end of the agenda, titled `title` or the proposal's text."""
    found = await proposal(session, member, proposal_id)
    cleaned = agenda.clean_title(title if title is not None else (found.text or ""))
    await conversation.clear(session, member.person_id, ACCEPT_FLOW)
    topic = await agenda.append(session, found.group_id, cleaned, member.person_id, now)
    await _decide(session, member, found, "accepted", now, topic)
    return found


async def decline(session: AsyncSession, member: MemberView, proposal_id: int, now: datetime) -> ProposalView:
    found = await proposal(session, member, proposal_id)
    await _decide(session, member, found, "declined", now, None)
    return found


async def _decide(session: AsyncSession, member: MemberView, found: ProposalView, status: str, now: datetime,
                  topic: AgendaTopic | None) -> None:
    # Conditional, so two mentors deciding at once decide once (the loser's step is rolled back).
    done = await session.execute(
        update(AgendaProposal)
        .where(AgendaProposal.id == found.id, AgendaProposal.status == "pending")
        .values(status=status, decided_by=member.person_id, decided_at=now,
                topic_id=topic.id if topic is not None else None)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise DomainError("proposal_decided")
    mentee = (await session.execute(
        select(AgendaProposal.person_id, Person.locale)
        .join(Person, Person.id == AgendaProposal.person_id)
        .where(AgendaProposal.id == found.id, Person.erased_at.is_(None))
    )).first()
    logger.info("Mentor %s %s agenda proposal %s", member.person_id, status, found.id)
    if mentee is None:
        return
    tr = translator(mentee.locale)
    words = decision_words(member.display_name, found, topic.title if topic is not None else None)
    buttons = [[Button.of(Choice(AGENDA.encode("g", group=found.group_id), Text("Show the agenda")), tr)]]
    await enqueue(session, [Outgoing(
        idempotency_key=f"{KIND_DECISION}:{found.id}", kind=KIND_DECISION, text=words.render(tr),
        not_before=now, person_id=mentee.person_id, buttons=buttons, mentions=(member.person_id,),
    )], now)


def proposal_words(found: ProposalView) -> Words:
    """The proposal as the mentee gave it: their text, or where it came from."""
    if found.text is not None:
        return Raw(f"“{found.text}”")
    if found.week is not None:
        return Text("(from the reflection of week {week}; no text shared)", week=found.week)
    return Text("(no text)")


def decision_words(mentor: str, found: ProposalView, title: str | None) -> Words:
    """What the mentee reads: who decided, about which proposal, and what."""
    about = proposal_words(found)
    if title is not None:
        return Lines(Text("✅ {mentor} put your proposal on the agenda of the group session:", mentor=mentor),
                     about, Text("Topic: {topic}", topic=title))
    return Lines(Text("{mentor} did not put your proposal on the group's agenda this time:", mentor=mentor),
                 about, Text("You can still talk about it with your mentors or at the group session."))


# ----------------------------------------------------------------------------- roles


async def mentees_of(session: AsyncSession, member: MemberView, group_id: int) -> list[tuple[int, str]]:
    """The group's current mentees, by name (for the group's mentors)."""
    access.require(access.may_plan_sessions(member, group_id), "agenda_edit")
    rows = await session.execute(
        select(Person.id, Person.display_name)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.group_id == group_id, Membership.role == Role.MENTEE.value,
               Membership.left_at.is_(None), Person.erased_at.is_(None))
        .order_by(Person.display_name, Person.id)
    )
    return [(person_id, name) for person_id, name in rows.all()]


async def ask_role(session: AsyncSession, member: MemberView, topic_id: int, role: str, person_id: int,
                   now: datetime) -> str:
    """Ask a mentee of the topic's group to take a role on it (asking again asks again); their name."""
    if role not in ROLE_KINDS:
        raise DomainError("stale_button")
    topic = await session.get(AgendaTopic, topic_id)
    if topic is None:
        raise DomainError("topic_gone")
    found = dict(await mentees_of(session, member, topic.group_id))
    if person_id not in found:
        raise access.AccessDenied("agenda_edit")
    row = await session.scalar(select(AgendaRole).where(
        AgendaRole.topic_id == topic_id, AgendaRole.person_id == person_id, AgendaRole.role == role))
    if row is None:
        row = AgendaRole(topic_id=topic_id, person_id=person_id, role=role, status="asked", asked_by=member.person_id,
                         asked_at=now)
        session.add(row)
    else:
        row.status, row.asked_by, row.asked_at, row.answered_at = "asked", member.person_id, now, None
    await session.flush()
    locale = await session.scalar(select(Person.locale).where(Person.id == person_id))
    tr = translator(locale)
    await enqueue(session, [Outgoing(
        idempotency_key=f"{KIND_ROLE}:{row.id}:{int(now.timestamp())}", kind=KIND_ROLE,
        text=role_request(member.display_name, role, topic.title).render(tr), not_before=now, person_id=person_id,
        buttons=[[Button.of(c, tr) for c in role_choices(row.id)]], mentions=(member.person_id,),
    )], now)
    logger.info("Mentor %s asked person %s for a role on topic %s", member.person_id, person_id, topic_id)
    return found[person_id]


def role_request(mentor: str, role: str, topic: str) -> Words:
    """The request as the mentee reads it; a case comes with the reminder not to name a child."""
    return Lines(
        Text(ROLE_ASKS[role], mentor=mentor, topic=topic),
        Text("Please do not use any child's name, and change details so that no child can be recognised.")
        if role == "case" else None,
        Raw(""),
        Text("Would you like to take this on?"),
    )


def role_choices(role_id: int) -> list[Choice]:
    return [Choice(AGENDA.encode("ry", role=role_id), Text("✅ Yes, I will")),
            Choice(AGENDA.encode("rn", role=role_id), Text("❌ Not this time"))]


@dataclass(frozen=True)
class RoleAnswer:
    role: str
    topic: str
    accepted: bool


async def answer_role(session: AsyncSession, member: MemberView, role_id: int, yes: bool,
                      now: datetime) -> RoleAnswer:
    """The mentee's answer to a role request (they may change it until the topic is covered)."""
    row = await session.get(AgendaRole, role_id)
    topic = await session.get(AgendaTopic, row.topic_id) if row is not None else None
    if row is None or topic is None:
        raise DomainError("role_gone")
    if row.person_id != member.person_id or not access.is_mentee_of(member, topic.group_id):
        raise access.AccessDenied("agenda_role")
    if topic.covered_at is not None:
        raise DomainError("role_gone")
    row.status, row.answered_at = ("accepted" if yes else "declined"), now
    await session.flush()
    logger.info("Person %s answered role request %s", member.person_id, role_id)
    return RoleAnswer(row.role, topic.title, yes)
