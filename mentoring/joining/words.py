"""Words several screens show: a member's status and roles, how to join, why a code fails, the KVKK
notice, the welcome, and the fixed answers for what no feature takes.

Message ids with values (`mentoring.screens`), rendered only at a channel's edge;
`mentoring.joining.screens` and `mentoring.privacy.screens` build their screens
from them, and `handlers/texts.py` renders them for callers that want a string.
"""

from __future__ import annotations

from collections.abc import Sequence

from mentoring.help.commands import CommandSpec, commands_for
from mentoring.i18n import N_
from mentoring.joining.invites import InviteStatus
from mentoring.joining.rules import MemberView, RoleView
from mentoring.screens import Lines, Raw, Text, Words
from storage.models import Role

# What each role can expect, said in the welcome.
WHAT_HAPPENS = {
    Role.MENTEE: N_(
        "Between group sessions I will ask you a few short questions each week about what "
        "you tried with the children, help you keep your to-do list and development plan, "
        "check in with your peer partner and remind you of the next session."
    ),
    Role.MENTOR: N_(
        "Each week I will send you a digest of your group: who answered, who is stuck and "
        "why, and what to bring to the next session."
    ),
    Role.COORDINATOR: N_(
        "You can set up groups, invite people, send announcements and read the "
        "programme's numbers."
    ),
}


def role_line(view: RoleView) -> Words:
    """One role: "Mentee in group Grup 1 (Nar Taneleri)"."""
    if view.role is Role.MENTEE:
        return Text("Mentee in group {group} ({programme})", group=view.group_name, programme=view.programme_name)
    if view.role is Role.MENTOR:
        return Text("Mentor of group {group} ({programme})", group=view.group_name, programme=view.programme_name)
    return Text("Coordinator of {programme}", programme=view.programme_name)


def role_bullets(roles: Sequence[RoleView]) -> list[Words]:
    return [Lines(Raw("• "), role_line(view), sep="") for view in roles]


def command_lines(specs: Sequence[CommandSpec]) -> Words:
    """One line per command: "/name — description"."""
    return Lines(*(Lines(Raw(f"/{spec.name}"), Text(spec.description), sep=" — ") for spec in specs))


def status(member: MemberView) -> Words:
    """Where a member stands: their roles and what they can do."""
    return Lines(
        Text("Hello, {name}!", name=member.display_name),
        Text("Your roles in the programme:") if member.roles
        else Text("You have no active role in a programme at the moment."),
        *role_bullets(member.roles),
        Raw(""),
        Text("What you can do:"),
        command_lines(commands_for(member.role_set)),
    )


def invalid_invite(invite_status: InviteStatus | None) -> Words:
    """Why a code does not work, and what to do; nothing was stored."""
    reasons = {
        InviteStatus.EXPIRED: Text("This invite has expired."),
        InviteStatus.USED_UP: Text("This invite has already been used."),
        InviteStatus.REVOKED: Text("This invite has been withdrawn."),
    }
    return Lines(
        reasons.get(invite_status, Text("I do not know this invite code.")),  # type: ignore[arg-type]
        Text("Please ask your programme coordinator for a new invite link. Nothing has been stored."),
    )


def no_code() -> Words:
    """What someone who has not joined is told: who Narbot is and how to join."""
    return Text(
        "Hello! I am Narbot, the companion of the group mentoring programme for care "
        "workers in children's homes.\n\n"
        "To join, open the personal invite link your coordinator sent you, or send "
        "/start followed by your invite code, for example: /start abcd2345ef"
    )


def welcome(member: MemberView, new_role: RoleView) -> Words:
    """A new member's (or a new role's) welcome: the role, what happens now, the commands."""
    return Lines(
        Text("Welcome, {name}!", name=member.display_name),
        Text("You have joined as: {role}.", role=role_line(new_role)),
        Raw(""),
        Text(WHAT_HAPPENS[new_role.role]),
        Raw(""),
        Text("Commands you can use:"),
        command_lines(commands_for(member.role_set)),
    )


def declined(code: str) -> Words:
    return Text(
        "You did not give consent, so nothing about you has been stored. Only the fact that "
        "this invite was declined has been noted.\n\n"
        "If you change your mind, open your invite link again or send /start {code}.",
        code=code,
    )


def not_understood() -> Words:
    return Text("I did not understand that. Send /help to see what I can do.")


def private_chats_only(link: str) -> Words:
    """The fixed, impersonal answer to a command in a group chat."""
    return Text("I work in private chats only. Please write to me directly: {link}", link=link)


def button_elsewhere() -> Words:
    """The short answer to a press outside the private chat."""
    return Text("This button works only in a private chat with Narbot.")
