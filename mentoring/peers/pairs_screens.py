"""/pairs as a conversation any channel can hold: a group's mentors (or the programme's coordinators)
pair its mentees into peer partners.

Every step takes `(session, member, given, now)` and returns a `Reply` (see
`mentoring.peers.screens`). `start` answers the command: the pairs of the one
group the person manages, or a page of their groups. `press` answers a /pairs
button: a page of groups, a group's pairs, automatic pairing, picking two or
three by hand, ending a pair.

Buttons carry what they act on (`pairs:v:<group>`, `pairs:pick:<group>:<ids>`,
`pairs:end:<pair>`, written and read by `mentoring.peers.buttons.PAIRS`); each
press is checked again (`mentoring.peers.pairing`: may this person manage that
group), so a stale or forged one changes nothing. Refusals raise `DomainError`s,
worded once in `mentoring.refusals`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.access import AccessDenied
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.peers import pairing
from mentoring.peers.buttons import PAIRS
from mentoring.screens import (
    SHORT_LABEL_MAX,
    Choice,
    Input,
    Lines,
    Raw,
    Reply,
    Screen,
    Text,
    Words,
    button_of,
)
from mentoring.text import clip
from storage.models import Group

GROUPS_PER_PAGE = 8
MOST_CHOSEN = 3


def _name(name: str, mark: str = "") -> tuple[Raw, Raw]:
    """A name as a long label and a short one that fits small buttons."""
    return Raw(mark + name), Raw(clip(mark + name, SHORT_LABEL_MAX))


# ----------------------------------------------------------------------------- screens


def groups_page(groups: Sequence[Group], page: int) -> Screen:
    """A page of the groups whose pairs the person may set, with ◀ ▶ between pages."""
    pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = [[Choice(PAIRS.encode("v", group=group.id), *_name(group.name))]
            for group in groups[page * GROUPS_PER_PAGE:(page + 1) * GROUPS_PER_PAGE]]
    nav = ([Choice(PAIRS.encode("gl", page=page - 1), Raw("◀"))] if page > 0 else []) + (
        [Choice(PAIRS.encode("gl", page=page + 1), Raw("▶"))] if page < pages - 1 else [])
    return Screen(Text("Which group's peer pairs?"), [*rows, nav], replace=True)


def pair_line(number: int, pair: pairing.Pair) -> Words:
    """"1. Ayşe — Elif", a trio marked as one, a member who erased their data as "a former member"."""
    names: list[Words] = [Raw(m.name) for m in pair.members] + [Text("a former member")] * pair.former
    parts: list[Words] = [Raw(f"{number}. ")]
    for index, name in enumerate(names):
        parts += [Raw(" — "), name] if index else [name]
    if pair.is_trio:
        parts += [Raw(" "), Text("(trio)")]
    return Lines(*parts, sep="")


def pairs_page(view: pairing.GroupPairs) -> Screen:
    """A group's pairs and who is not paired yet, with what can be done about them."""
    lines: list[Words] = [Text("Peer pairs and trios of group {group}:", group=view.group_name), Raw("")]
    lines += [pair_line(number, pair) for number, pair in enumerate(view.pairs, start=1)] or [Text("No pairs yet.")]
    if view.unpaired:
        lines += [Raw(""), Text("Not paired yet: {names}", names=", ".join(m.name for m in view.unpaired))]
    rows: list[list[Choice]] = []
    if view.unpaired:
        rows.append([Choice(PAIRS.encode("auto", group=view.group_id), Text("Pair automatically"))])
    if len(view.mentees) >= 2:
        rows.append([Choice(PAIRS.encode("pick", group=view.group_id, chosen=()), Text("Pair by hand"))])
    rows += [[Choice(PAIRS.encode("end", pair=pair.pair_id), Text("End trio {number}", number=number),
                     short=Text("Split trio {number}", number=number)) if pair.is_trio
              else Choice(PAIRS.encode("end", pair=pair.pair_id), Text("End pair {number}", number=number),
                          short=Text("Unpair {number}", number=number))]
             for number, pair in enumerate(view.pairs, start=1)]
    return Screen(Lines(*lines), rows, replace=True)


def pick_page(view: pairing.GroupPairs, chosen: Sequence[int]) -> Screen:
    """Every mentee to tick or untick; two or three ticked can be paired."""
    chosen = [pid for pid in chosen if pid in {m.person_id for m in view.mentees}]
    rows = []
    for mentee in view.mentees:
        ticked = mentee.person_id in chosen
        selection = [pid for pid in chosen if pid != mentee.person_id] if ticked else [*chosen, mentee.person_id]
        rows.append([Choice(PAIRS.encode("pick", group=view.group_id, chosen=selection),
                            *_name(mentee.name, "✓ " if ticked else ""))])
    if 2 <= len(chosen) <= MOST_CHOSEN:
        rows.append([Choice(PAIRS.encode("make", group=view.group_id, chosen=chosen), Text("Pair them"))])
    rows.append([Choice(PAIRS.encode("v", group=view.group_id), Text("Back"))])
    return Screen(Text("Choose two or three mentees to pair. If they already have partners, those pairs end "
                       "(their history is kept)."), rows, replace=True)


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/pairs: the pairs of the one group the person manages, or their groups to choose from."""
    return await _groups(session, member, 0)


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A /pairs button; every press is checked again against who may manage the group."""
    button = button_of(given, PAIRS)
    verb = button.action
    if verb == "gl":
        return await _groups(session, member, button["page"])
    chosen = list(button.values.get("chosen", ()))
    if verb == "pick" and len(chosen) > MOST_CHOSEN:
        raise DomainError("at_most_three")
    if verb == "end":
        return Reply(pairs_page(await pairing.end_pair(session, member, button["pair"], now)))
    group = await pairing.managed_group(session, member, button["group"])
    if verb == "auto":
        view = await pairing.auto_pair(session, group, member.person_id, now)
    elif verb == "make":
        view = await pairing.make_pair(session, group, chosen, member.person_id, now)
    else:
        view = await pairing.group_pairs(session, group)
    return Reply(pick_page(view, chosen) if verb == "pick" else pairs_page(view))


async def _groups(session: AsyncSession, member: MemberView, page: int) -> Reply:
    groups = await pairing.managed_groups(session, member)
    if not groups:
        raise AccessDenied("pairs")
    if len(groups) == 1:
        return Reply(pairs_page(await pairing.group_pairs(session, groups[0])))
    return Reply(groups_page(groups, page))
