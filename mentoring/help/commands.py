"""The commands each role sees, in /help and in a channel's command menu.

Every command is listed here once, in menu order. Only commands some feature
answers (`mentoring.entries.COMMANDS`, and /start) are shown, so /help and the
menus never offer a command that does not exist, on any channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mentoring.i18n import N_
from storage.models import Role

EVERYONE = frozenset(Role)
MENTEES = frozenset({Role.MENTEE})
MENTORS = frozenset({Role.MENTOR})
COORDINATORS = frozenset({Role.COORDINATOR})
MANAGERS = frozenset({Role.MENTOR, Role.COORDINATOR})


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: str  # a msgid, translated when shown
    roles: frozenset[Role] = EVERYONE


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("reflect", N_("This week's reflection"), MENTEES),
    CommandSpec("todo", N_("Your to-do list"), MENTEES),
    CommandSpec("plan", N_("Your development plan"), MENTEES),
    CommandSpec("partner", N_("Your peer partner and this week's check-in"), MENTEES),
    CommandSpec("sessions", N_("Upcoming group sessions"), EVERYONE),
    CommandSpec("digest", N_("Your group's digest"), MENTORS),
    CommandSpec("session", N_("Plan a group session"), MENTORS),
    CommandSpec("agenda", N_("The group's agenda"), EVERYONE),
    CommandSpec("assign", N_("Give a to-do to a mentee or the group"), MENTORS),
    CommandSpec("pairs", N_("Peer pairs of a group"), MANAGERS),
    CommandSpec("rhythm", N_("The group's weekly rhythm"), MENTORS),
    CommandSpec("broadcast", N_("Send an announcement"), COORDINATORS),
    CommandSpec("report", N_("Progress and impact reports, the programme at a glance"), MANAGERS),
    CommandSpec("export", N_("Export the programme's figures as CSV"), COORDINATORS),
    CommandSpec("console", N_("A link to the web console"), MANAGERS),
    CommandSpec("closing", N_("The end of the programme: closing steps and survey"), EVERYONE),
    CommandSpec("resources", N_("Resources shared with you: links, notes, documents"), EVERYONE),
    CommandSpec("worry", N_("I am worried about a child"), MENTEES | MENTORS),
    CommandSpec("settings", N_("Time zone, quiet hours, pause"), EVERYONE),
    CommandSpec("mydata", N_("See the data Narbot keeps about you"), EVERYONE),
    CommandSpec("forgetme", N_("Erase your data"), EVERYONE),
    CommandSpec("privacy", N_("Your consents: give or withdraw each one"), EVERYONE),
    CommandSpec("language", N_("Change the language")),
    CommandSpec("help", N_("What Narbot can do for you")),
    CommandSpec("start", N_("Where you are in the programme")),
)

def available() -> set[str]:
    """The commands some step answers: every entry of `mentoring.entries`, and /start (joining's)."""
    # Imported here: the entries table reads the features' screens, and /help's screens read this module.
    from mentoring.entries import COMMANDS as ENTRIES

    return {"start", *ENTRIES}

# What a stranger (no role yet) can use.
STRANGER_COMMANDS = ("start", "help", "language")


def commands_for(roles: Iterable[Role]) -> list[CommandSpec]:
    held = set(roles)
    answered = available()
    shown = [spec for spec in COMMANDS if spec.name in answered]
    if not held:
        return [spec for spec in shown if spec.name in STRANGER_COMMANDS]
    return [spec for spec in shown if spec.roles & held]
