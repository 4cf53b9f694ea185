"""Texts more than one handler shows: role names, a member's status, command lists."""

from __future__ import annotations

from collections.abc import Iterable

from handlers.commands import CommandSpec, commands_for
from mentoring.i18n import Translator
from mentoring.joining.invites import InviteStatus
from mentoring.joining.rules import MemberView, RoleView
from storage.models import Role


def role_line(tr: Translator, view: RoleView) -> str:
    _ = tr.gettext
    if view.role is Role.MENTEE:
        return _("Mentee in group {group} ({programme})").format(
            group=view.group_name, programme=view.programme_name
        )
    if view.role is Role.MENTOR:
        return _("Mentor of group {group} ({programme})").format(
            group=view.group_name, programme=view.programme_name
        )
    return _("Coordinator of {programme}").format(programme=view.programme_name)


def command_lines(tr: Translator, specs: Iterable[CommandSpec]) -> str:
    return "\n".join(f"/{spec.name} — {tr.gettext(spec.description)}" for spec in specs)


def status_text(tr: Translator, member: MemberView) -> str:
    _ = tr.gettext
    lines = [_("Hello, {name}!").format(name=member.display_name)]
    if member.roles:
        lines.append(_("Your roles in the programme:"))
        lines.extend(f"• {role_line(tr, view)}" for view in member.roles)
    else:
        lines.append(_("You have no active role in a programme at the moment."))
    lines += ["", _("What you can do:"), command_lines(tr, commands_for(member.role_set))]
    return "\n".join(lines)


def invalid_invite_text(tr: Translator, status: InviteStatus | None) -> str:
    _ = tr.gettext
    reason = {
        InviteStatus.EXPIRED: _("This invite has expired."),
        InviteStatus.USED_UP: _("This invite has already been used."),
        InviteStatus.REVOKED: _("This invite has been withdrawn."),
    }.get(status, _("I do not know this invite code."))  # type: ignore[arg-type]
    return "\n".join([
        reason,
        _("Please ask your programme coordinator for a new invite link. Nothing has been stored."),
    ])


def no_code_text(tr: Translator) -> str:
    _ = tr.gettext
    return _(
        "Hello! I am Narbot, the companion of the group mentoring programme for care "
        "workers in children's homes.\n\n"
        "To join, open the personal invite link your coordinator sent you, or send "
        "/start followed by your invite code, for example: /start abcd2345ef"
    )
