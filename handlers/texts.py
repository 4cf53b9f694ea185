"""Words more than one handler shows, rendered for callers that still want a string.

The words themselves are the domain's (`mentoring.joining.words`); these
wrappers only render them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable

from mentoring.help.commands import CommandSpec
from mentoring.i18n import Translator
from mentoring.joining import words
from mentoring.joining.invites import InviteStatus
from mentoring.joining.rules import MemberView, RoleView


def role_line(tr: Translator, view: RoleView) -> str:
    return words.role_line(view).render(tr)


def command_lines(tr: Translator, specs: Iterable[CommandSpec]) -> str:
    return words.command_lines(list(specs)).render(tr)


def status_text(tr: Translator, member: MemberView) -> str:
    return words.status(member).render(tr)


def invalid_invite_text(tr: Translator, status: InviteStatus | None) -> str:
    return words.invalid_invite(status).render(tr)


def no_code_text(tr: Translator) -> str:
    return words.no_code().render(tr)
