"""Every "who can see this" sentence claims exactly the viewers the access rules let see the thing.

The viewers are real member views (roles as memberships); who sees what is asked of
`mentoring.access`, the one place it is decided, plus the goal's own sharing for a peer
partner. A sentence that promises more privacy than the rules keep (or less) fails here.
"""

from __future__ import annotations

from datetime import date

import pytest

from mentoring import access
from mentoring.audiences import AUDIENCES, Audience, Thing, Viewer
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView, RoleView
from mentoring.plans.goal_screens import goal_card
from storage.models import Role
from storage.models.plans import PlanGoal

PROGRAMME, GROUP, OTHER_GROUP = 1, 10, 11
OWNER_ID, PARTNER_ID = 100, 101


def member(person_id: int, *roles: tuple[Role, int | None]) -> MemberView:
    return MemberView(person_id, "X", "en", "Europe/Istanbul",
                      tuple(RoleView(role, PROGRAMME, "P", group, None) for role, group in roles), "v1")


VIEWERS = {
    Viewer.OWNER: member(OWNER_ID, (Role.MENTEE, GROUP)),
    Viewer.PARTNER: member(PARTNER_ID, (Role.MENTEE, GROUP)),
    Viewer.OTHER_MENTEE: member(102, (Role.MENTEE, GROUP)),
    Viewer.MENTOR: member(103, (Role.MENTOR, GROUP)),
    Viewer.OTHER_MENTOR: member(104, (Role.MENTOR, OTHER_GROUP)),
    Viewer.COORDINATOR: member(105, (Role.COORDINATOR, None)),
}
PARTNERS_OF_OWNER = {PARTNER_ID}


def may_see(viewer: MemberView, audience: Audience) -> bool:
    """What the rules decide: the owner always; others as mentoring.access (and a goal's sharing) say."""
    if access.may_change_goal(viewer, OWNER_ID):  # the owner's own data
        return True
    if audience.thing is Thing.GROUP_RESOURCE:
        return access.may_see_resource(viewer, GROUP, PROGRAMME)
    if audience.thing is Thing.PROGRAMME_RESOURCE:
        return access.may_see_resource(viewer, None, PROGRAMME)
    if audience.thing in (Thing.AGENDA_PROPOSAL, Thing.AGENDA_ROLE):
        # /agenda's proposals and roles (mentoring.sessions.proposals): the group's mentors only.
        return access.may_plan_sessions(viewer, GROUP)
    mentor_reads = access.may_read_texts_of_group(viewer, GROUP)
    if audience.thing is Thing.GOAL:
        # The digest's mentee detail (mentoring.digest.detail) shows goals to whom may read the group's texts;
        # /partner shows a partner the goals shared with them.
        return mentor_reads or (audience.shared and viewer.person_id in PARTNERS_OF_OWNER)
    if audience.thing is Thing.REFLECTION_TEXTS:
        return mentor_reads and audience.shared  # "numbers only" keeps the texts from the mentors too
    if audience.thing is Thing.TODO:
        return mentor_reads  # the digest's mentee detail lists to-dos for the group's mentors
    return mentor_reads  # one mentee's 1–5 answers: the detail, for the group's mentors


@pytest.mark.parametrize("key", sorted(AUDIENCES))
def test_each_sentence_claims_what_the_access_rules_decide(key: str) -> None:
    audience = AUDIENCES[key]
    decided = {viewer for viewer, view in VIEWERS.items() if may_see(view, audience)}
    assert decided == set(audience.sees), f"{key}: the words say {audience.sees}, the rules let {decided} see"


def test_coordinators_see_a_groups_figures_but_no_sentence_promises_them_words() -> None:
    coordinator = VIEWERS[Viewer.COORDINATOR]
    assert access.may_see_group_figures(coordinator, GROUP, PROGRAMME)
    # Resources are not a mentee's words: what mentors and coordinators share, the coordinators see.
    resources = {Thing.GROUP_RESOURCE, Thing.PROGRAMME_RESOURCE}
    assert not any(Viewer.COORDINATOR in audience.sees for audience in AUDIENCES.values()
                   if audience.thing not in resources)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_goal_card_says_the_tables_sentence_for_its_sharing(locale: str) -> None:
    tr = translator(locale)
    for shared, key in ((False, "goal_private"), (True, "goal_shared")):
        goal = PlanGoal(id=1, what="W", measure="M", due_on=date(2027, 1, 4), status="in_progress", shared=shared)
        rendered = goal_card(goal).text.render(tr)
        assert tr.gettext(AUDIENCES[key].sentence) in rendered
        assert tr.gettext("Only you can see this goal.") not in rendered
    assert Viewer.MENTOR in AUDIENCES["goal_private"].sees and Viewer.PARTNER not in AUDIENCES["goal_private"].sees
