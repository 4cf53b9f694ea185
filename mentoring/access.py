"""Who may see and do what: the one place access is decided (principle 5).

- A mentee sees and changes their own data, and what their peer partner shares.
- A mentor sees the groups they mentor, including reflection texts mentees
  let mentors read.
- A coordinator sees their programme: numbers and statuses, never reflection texts.
Handlers and exports ask these functions; none decides access on its own.
"""

from __future__ import annotations

from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from storage.models import Role


class AccessDenied(DomainError):
    def __init__(self, action: str) -> None:
        super().__init__("access_denied", action=action)


def mentee_groups(member: MemberView) -> list[int]:
    return [v.group_id for v in member.roles if v.role is Role.MENTEE and v.group_id is not None]


def mentored_groups(member: MemberView) -> list[int]:
    return [v.group_id for v in member.roles if v.role is Role.MENTOR and v.group_id is not None]


def coordinated_programmes(member: MemberView) -> list[int]:
    return [v.programme_id for v in member.roles if v.role is Role.COORDINATOR]


def is_mentee_of(member: MemberView, group_id: int) -> bool:
    return group_id in mentee_groups(member)


def is_mentor_of(member: MemberView, group_id: int) -> bool:
    return group_id in mentored_groups(member)


def is_coordinator_of(member: MemberView, programme_id: int) -> bool:
    return programme_id in coordinated_programmes(member)


def may_see_group_figures(member: MemberView, group_id: int, programme_id: int) -> bool:
    """Numbers and statuses of a group: its mentors and the programme's coordinators."""
    return is_mentor_of(member, group_id) or is_coordinator_of(member, programme_id)


def may_read_texts_of_group(member: MemberView, group_id: int) -> bool:
    """Reflection texts (those a mentee lets mentors read): the group's mentors only."""
    return is_mentor_of(member, group_id)


def may_manage_group(member: MemberView, group_id: int, programme_id: int) -> bool:
    """Pairing, sessions, agenda, group to-dos: the group's mentors and the programme's coordinators."""
    return is_mentor_of(member, group_id) or is_coordinator_of(member, programme_id)


def may_coordinate(member: MemberView, programme_id: int) -> bool:
    """Broadcasts, reports and exports of a programme."""
    return is_coordinator_of(member, programme_id)


def require(allowed: bool, action: str) -> None:
    if not allowed:
        raise AccessDenied(action)


def may_plan_sessions(member: MemberView, group_id: int) -> bool:
    """Create, move and cancel a group's sessions, keep its agenda, attendance and minutes:
    the group's mentors only (coordinators may read)."""
    return is_mentor_of(member, group_id)


def may_answer_sessions_of(member: MemberView, group_id: int) -> bool:
    """Answer a group's session invitations (for oneself): its mentees and mentors."""
    return is_mentee_of(member, group_id) or is_mentor_of(member, group_id)


def may_change_todo(member: MemberView, owner_person_id: int) -> bool:
    """A to-do is worked on (done, not done, postponed, deleted) by its mentee only."""
    return member.person_id == owner_person_id


def may_assign_todos(member: MemberView, group_id: int) -> bool:
    """Give to-dos to a group's mentees: the group's mentors."""
    return is_mentor_of(member, group_id)


def may_change_goal(member: MemberView, owner_person_id: int) -> bool:
    """A development plan's goals are changed (status, note, sharing) by their mentee only;
    a peer partner only sees the goals shared with them."""
    return member.person_id == owner_person_id


def may_compose_broadcast(member: MemberView, author_person_id: int, programme_id: int) -> bool:
    """A broadcast draft is composed and confirmed by its author, while they coordinate the
    programme; once it goes out any coordinator of the programme may cancel it (`may_coordinate`)."""
    return member.person_id == author_person_id and may_coordinate(member, programme_id)


def may_see_resource(member: MemberView, group_id: int | None, programme_id: int) -> bool:
    """A resource shared with a group: its mentees and mentors, and the programme's coordinators;
    shared with a whole programme: everyone with a role in it."""
    if is_coordinator_of(member, programme_id):
        return True
    if group_id is None:
        return any(view.programme_id == programme_id for view in member.roles)
    return is_mentee_of(member, group_id) or is_mentor_of(member, group_id)


def may_share_resource(member: MemberView, group_id: int | None, programme_id: int) -> bool:
    """Share a resource with a group: its mentors and the programme's coordinators; with a whole
    programme: its coordinators."""
    if group_id is None:
        return is_coordinator_of(member, programme_id)
    return may_manage_group(member, group_id, programme_id)


def may_mark_resource(member: MemberView, group_id: int | None, programme_id: int) -> bool:
    """Mark a resource useful: a mentee it was shared with (of its group, or of its programme)."""
    if group_id is not None:
        return is_mentee_of(member, group_id)
    return any(view.role is Role.MENTEE and view.programme_id == programme_id for view in member.roles)


def may_remove_resource(member: MemberView, sharer_person_id: int | None) -> bool:
    """A resource is removed by whoever shared it."""
    return sharer_person_id is not None and member.person_id == sharer_person_id


def may_open_console(member: MemberView) -> bool:
    """The web console (bot/console/): the programmes' coordinators and the groups' mentors."""
    return bool(coordinated_programmes(member) or mentored_groups(member))


def may_create_programme(member: MemberView) -> bool:
    """Create a programme in the web console (and so coordinate it): whoever coordinates one already."""
    return bool(coordinated_programmes(member))


def may_change_group_rhythm(member: MemberView, group_id: int, programme_id: int) -> bool:
    """A group's weekly rhythm: its mentors (as with /rhythm) and, in the web console, the programme's
    coordinators."""
    return is_mentor_of(member, group_id) or is_coordinator_of(member, programme_id)
