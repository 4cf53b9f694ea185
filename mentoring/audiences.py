"""Every sentence that tells a person who can see something, with the audience it claims.

A sentence such as "Your mentors can see this goal" is a promise; the rules that
keep it are in `mentoring.access` (and, for a peer partner, in the goal's sharing).
This table says, for each such sentence, which viewers it claims see the thing;
`tests/unit/test_audiences.py` builds each viewer and checks the claim against the
access rules, so the words and the rules cannot drift apart. A new "who sees this"
sentence belongs here.

Viewers are named from the owner's side: the owner (a mentee of a group), their
current peer partner, another mentee of the group, the group's mentors, a mentor
of another group, and the programme's coordinators.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from mentoring.i18n import N_


class Viewer(enum.Enum):
    OWNER = "owner"
    PARTNER = "partner"
    OTHER_MENTEE = "other_mentee"
    MENTOR = "mentor"
    OTHER_MENTOR = "other_mentor"
    COORDINATOR = "coordinator"


class Thing(enum.Enum):
    GOAL = "goal"  # a development plan goal's words
    REFLECTION_TEXTS = "reflection_texts"  # what a mentee wrote in a reflection
    REFLECTION_SCALES = "reflection_scales"  # a mentee's own 1–5 answers, one by one
    TODO = "todo"  # a to-do's words and why it was not done
    GROUP_RESOURCE = "group_resource"  # a resource shared with the owner's group (mentoring.resources)
    PROGRAMME_RESOURCE = "programme_resource"  # a resource shared with the whole programme
    AGENDA_PROPOSAL = "agenda_proposal"  # a mentee's proposal for the group's agenda (mentoring.sessions.proposals)
    AGENDA_ROLE = "agenda_role"  # a mentee's answer to a role asked on an agenda topic


@dataclass(frozen=True)
class Audience:
    sentence: str  # the msgid, as the screens use it
    thing: Thing
    shared: bool  # for a goal: shared with the peer partner; for a reflection: texts let through
    sees: frozenset[Viewer]


_OWNER, _PARTNER, _MENTOR = Viewer.OWNER, Viewer.PARTNER, Viewer.MENTOR

AUDIENCES: dict[str, Audience] = {
    "goal_private": Audience(
        N_("Your mentors can see this goal; your peer partner cannot."),
        Thing.GOAL, False, frozenset({_OWNER, _MENTOR})),
    "goal_shared": Audience(
        N_("Your mentors and your peer partner can see this goal."),
        Thing.GOAL, True, frozenset({_OWNER, _MENTOR, _PARTNER})),
    "partner_goals": Audience(
        N_("Goals shared with you:"), Thing.GOAL, True, frozenset({_OWNER, _MENTOR, _PARTNER})),
    "reflection_all": Audience(
        N_("Your mentors will see all your answers."),
        Thing.REFLECTION_TEXTS, True, frozenset({_OWNER, _MENTOR})),
    "reflection_numbers_only": Audience(
        N_("Numbers only: your mentors will see your 1–5 answers, not your texts."),
        Thing.REFLECTION_TEXTS, False, frozenset({_OWNER})),
    "reflection_numbers_seen": Audience(
        N_("They will see only your 1–5 answers."),
        Thing.REFLECTION_SCALES, False, frozenset({_OWNER, _MENTOR})),
    # Asking for help with a to-do not done (mentoring.todos.next_steps); {names}: those mentors.
    "todo_help": Audience(
        N_("Your group's mentors will see this to-do and why it was not done: {names}."),
        Thing.TODO, True, frozenset({_OWNER, _MENTOR})),
    # Sharing a resource (mentoring.resources); {group}, {programme}: where it is shared.
    "resource_group": Audience(
        N_("Everyone in {group} will see it: its mentees and mentors, and the programme's coordinators."),
        Thing.GROUP_RESOURCE, True, frozenset(set(Viewer) - {Viewer.OTHER_MENTOR})),
    "resource_programme": Audience(
        N_("Everyone in the programme {programme} will see it: the mentees and mentors of every group, "
           "and its coordinators."),
        Thing.PROGRAMME_RESOURCE, True, frozenset(Viewer)),
    # Proposing a topic for the group's agenda, answering a role (mentoring.sessions.proposal_screens).
    "agenda_proposal": Audience(
        N_("Thank you! Your mentors will see your proposal and decide whether to put it on the agenda; "
           "I will let you know."),
        Thing.AGENDA_PROPOSAL, True, frozenset({_OWNER, _MENTOR})),
    "agenda_role_accepted": Audience(
        N_("Thank you! You accepted the role ({role}) on “{topic}”. Your mentors can see your answer."),
        Thing.AGENDA_ROLE, True, frozenset({_OWNER, _MENTOR})),
    "agenda_role_declined": Audience(
        N_("All right, you declined the role ({role}) on “{topic}”. Your mentors can see your answer."),
        Thing.AGENDA_ROLE, True, frozenset({_OWNER, _MENTOR})),
}


def sentence(key: str) -> str:
    return AUDIENCES[key].sentence
