"""/digest as a conversation any channel can hold: what each step says, offers and shows.

Every step takes `(session, member, given, now)`, where `given` is the person's
input (`mentoring.screens`), and returns a `Reply`; the adapters only translate
it (principle 2). `start` answers the command: the digest of the mentor's one
group (its chart as a photo, unless they turned it off), or a choice of their
groups; while the group's reflection window is open, its week so far instead
(marked in progress, no chart), with the latest closed week's digest a button
away. `press` answers a digest button, here or under a digest the outbox
delivered: `dg:g:<group>` which group, `dg:m:<group>:<person>` one mentee's
detail (checked against the presser's groups and audited), `dg:c:<0|1>` the
chart off or on, `dg:w:<group>` the latest closed week's digest (written and
read by `mentoring.digest.buttons.DIGEST`).

The digest's and the detail's words are `mentoring.digest.render.words` and
`mentoring.digest.detail.detail_words` (the queued digest is the same words in
one string); one that would not fit a message is cut. Refusals raise
`DomainError`s, worded once in `mentoring.refusals`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import offload
from mentoring.digest import rules as digest
from mentoring.digest.buttons import DIGEST
from mentoring.digest.chart import chart_png
from mentoring.digest.detail import TEXT_LIMIT, cut, detail_words, mentee_detail
from mentoring.digest.model import GroupDigest
from mentoring.digest.render import (
    chart_choice,
    digest_choices,
    so_far_choices,
    so_far_words,
    words,
)
from mentoring.feedback.screens import detail_choices
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.plans.buttons import PLAN
from mentoring.screens import (
    SHORT_LABEL_MAX,
    Choice,
    Input,
    Media,
    Raw,
    Reply,
    Screen,
    Text,
    Words,
    button_of,
)

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]

# A message holds at most this many characters (Telegram's limit); a longer digest is cut.
MESSAGE_LIMIT = 4096
CHART_FILENAME = "digest.png"


# ----------------------------------------------------------------------------- screens


def name_choice(data: str, name: str) -> Choice:
    """A button labelled with a group's name, cut to fit small buttons."""
    return Choice(data, Raw(name), short=Raw(name[:SHORT_LABEL_MAX]) if len(name) > SHORT_LABEL_MAX else None)


def not_a_mentor() -> Screen:
    return Screen(Text("The digest is for the mentors of a group."))


def which_group(groups: list[tuple[int, str]]) -> Screen:
    return Screen(Text("Which group's digest?"),
                  [[name_choice(DIGEST.encode("g", group=gid), name)] for gid, name in groups])


def nothing_closed() -> Screen:
    return Screen(Text("No reflection week has closed yet; the first digest comes after it."))


def fitting(said: Words, locale: str, limit: int, cut: Callable[[str], str]) -> Words:
    """The words, or, when they come out longer than `limit` in the reader's language, that text `cut`."""
    text = said.render(translator(locale))
    return said if len(text) <= limit else Raw(cut(text))


def digest_screen(found: GroupDigest, member: MemberView, chart: bytes | None) -> Screen:
    """The digest in the reader's words, a button per mentee (two a row), the chart switch, the chart
    (`chart`: its PNG, None when the reader turned it off)."""
    said = words(found, digest.zone_of(member.timezone), member.locale)
    text = fitting(said, member.locale, MESSAGE_LIMIT, lambda text: text[:MESSAGE_LIMIT])
    media = Media("photo", content=chart, filename=CHART_FILENAME) if chart is not None else None
    return Screen(text, digest_choices(found, chart is not None), media=media)


def so_far_screen(found: GroupDigest, member: MemberView, closed_week: int | None) -> Screen:
    """The open week so far in the reader's words, a button per mentee, the latest closed week's digest."""
    said = so_far_words(found, digest.zone_of(member.timezone), member.locale)
    text = fitting(said, member.locale, MESSAGE_LIMIT, lambda text: text[:MESSAGE_LIMIT])
    return Screen(text, so_far_choices(found, closed_week))


def chart_switched(on: bool) -> Screen:
    """What the switch changed, and the switch back (a digest already sent keeps its buttons)."""
    note = (Text("The chart will come with your digests again.") if on
            else Text("Your digests will come without the chart."))
    return Screen(note, [[chart_choice(on)]])


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/digest: the current digest of the mentor's group, or which group's first."""
    groups = await digest.digest_groups(session, member, now)
    if not groups:
        return Reply(not_a_mentor())
    if len(groups) > 1:
        return Reply(which_group(groups))
    return await show_digest(session, member, groups[0][0], now)


async def show_digest(session: AsyncSession, member: MemberView, group_id: int, now: datetime) -> Reply:
    """One group's open week so far, else its latest closed week's digest, for one of its mentors
    (refused for anyone else)."""
    so_far = await digest.week_so_far(session, member, group_id, now)
    if so_far is not None:
        closed = await digest.latest_target(session, member, group_id, now)
        return Reply(so_far_screen(so_far, member, closed.target.week if closed is not None else None))
    return await show_closed(session, member, group_id, now)


async def show_closed(session: AsyncSession, member: MemberView, group_id: int, now: datetime) -> Reply:
    """One group's latest closed week's digest, for one of its mentors (refused for anyone else)."""
    found = await digest.digest_for(session, member, group_id, now)
    if found is None:
        return Reply(nothing_closed())
    chart = await offload.run(chart_png, found) if await digest.chart_on(session, member.person_id) else None
    return Reply(digest_screen(found, member, chart))


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A digest button. Data it does not carry is refused as stale and changes nothing."""
    button = button_of(given, DIGEST)
    if button.action == "g":
        return await show_digest(session, member, button["group"], now)
    if button.action == "w":
        return await show_closed(session, member, button["group"], now)
    if button.action == "m":
        detail = await mentee_detail(session, member, button["group"], button["person"], now, member.locale)
        choices = detail_choices(detail.reflection_id, detail.files, detail.numbers_only,
                                 about=(button["group"], button["person"]) if detail.goals or any(
                                     status != "open" for _, status in detail.todos) else None)
        # The mentee's development plan: areas, baseline, goals by area (mentoring.plans.mentor_view).
        choices.append([Choice(PLAN.encode("m", group=button["group"], person=button["person"]),
                               Text("📋 Development plan"), short=Text("📋 Plan"))])
        return Reply(Screen(fitting(detail_words(detail), member.locale, TEXT_LIMIT, cut), choices))
    on = bool(button["on"])
    await digest.set_chart(session, member, on, now)
    return Reply(chart_switched(on))
