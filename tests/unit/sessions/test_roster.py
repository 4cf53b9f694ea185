"""A session's RSVP roster (mentoring/sessions/roster.py): counts for everyone, names for its mentors."""

from __future__ import annotations

from mentoring.sessions import roster
from storage.models import Person


def test_the_roster_names_current_members_in_joining_order_and_leaves_former_ones_out() -> None:
    # The group's current members, in the order they joined (not by id).
    people = [Person(id=3, display_name="Zeynep"), Person(id=1, display_name="Ayşe"),
              Person(id=2, display_name="John"), Person(id=4, display_name="Mark")]
    given = {1: "yes", 3: "yes", 2: "no", 9: "maybe"}  # 9 answered, then left the group

    counts, names = roster.tally(people, given)

    assert counts == roster.RsvpCounts(yes=2, no=1, maybe=0, none=1)
    assert names == roster.RsvpNames(yes=("Zeynep", "Ayşe"), no=("John",), maybe=(), none=("Mark",))


def test_a_roster_nobody_answered_lists_everyone_as_silent() -> None:
    people = [Person(id=5, display_name="Ali"), Person(id=6, display_name="Bora")]

    counts, names = roster.tally(people, {})

    assert counts == roster.RsvpCounts(none=2)
    assert names.none == ("Ali", "Bora") and not (names.yes or names.no or names.maybe)
