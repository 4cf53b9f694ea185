"""/console as a step any channel runs: a one-time link to the web console (bot/console/).

Only the groups' mentors and the programmes' coordinators get one (others the
usual refusal, `access_denied` with the action "console"). The link carries a
fresh token (mentoring/console/logins.py): good once, for ten minutes; the
screen asks the channel not to fetch a preview of it, and the page it opens
asks for one press of "Continue" before the token is used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.access import may_open_console, require
from mentoring.console import links, logins
from mentoring.joining.rules import MemberView
from mentoring.screens import Input, Lines, Raw, Reply, Screen, Text


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    require(may_open_console(member), "console")
    if links.base_url() is None:
        return Reply(Screen(Text("The web console is not set up on this server yet "
                                 "(the operator sets CONSOLE_URL).")))
    token = await logins.issue(session, member.person_id, now)
    link = links.login_link(token)
    assert link is not None
    return Reply(Screen(
        Lines(Text("Your link to the web console. It works once, for {minutes} minutes; "
                   "do not forward it.", minutes=logins.LINK_MINUTES),
              Raw(""), Raw(link)),
        no_preview=True,
    ))
