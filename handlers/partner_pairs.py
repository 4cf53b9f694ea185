"""/pairs: a group's mentors or the programme's coordinators pair the mentees into peer partners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.buttons import pressed
from handlers.plan_common import perform, show
from handlers.plan_views import Rows
from mentoring.access import AccessDenied
from mentoring.button_data import PAIRS
from mentoring.errors import DomainError
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button
from mentoring.peers import pairing
from storage.models import Group

CALLBACK_PATTERN = rf"^{PAIRS.prefix}:"
GROUPS_PER_PAGE = 8


def groups_view(tr: Translator, groups: list[Group], page: int) -> tuple[str, Rows]:
    pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = [[Button(group.name, PAIRS.encode("v", group=group.id))]
            for group in groups[page * GROUPS_PER_PAGE:(page + 1) * GROUPS_PER_PAGE]]
    nav = ([Button("◀", PAIRS.encode("gl", page=page - 1))] if page > 0 else []) + (
        [Button("▶", PAIRS.encode("gl", page=page + 1))] if page < pages - 1 else [])
    if nav:
        rows.append(nav)
    return tr.gettext("Which group's peer pairs?"), rows


def pairs_view(tr: Translator, view: pairing.GroupPairs) -> tuple[str, Rows]:
    _ = tr.gettext
    lines = [_("Peer pairs of group {group}:").format(group=view.group_name), ""]
    lines += [f"{number}. " + " — ".join(m.name for m in pair.members)
              for number, pair in enumerate(view.pairs, start=1)] or [_("No pairs yet.")]
    if view.unpaired:
        lines += ["", _("Not paired yet: {names}").format(names=", ".join(m.name for m in view.unpaired))]
    rows: Rows = []
    if view.unpaired:
        rows.append([Button(_("Pair automatically"), PAIRS.encode("auto", group=view.group_id))])
    if len(view.mentees) >= 2:
        rows.append([Button(_("Pair by hand"), PAIRS.encode("pick", group=view.group_id, chosen=()))])
    rows += [[Button(_("End pair {number}").format(number=number), PAIRS.encode("end", pair=pair.pair_id))]
             for number, pair in enumerate(view.pairs, start=1)]
    return "\n".join(lines), rows


def pick_view(tr: Translator, view: pairing.GroupPairs, chosen: list[int]) -> tuple[str, Rows]:
    _ = tr.gettext
    rows = []
    for mentee in view.mentees:
        selection = [pid for pid in chosen if pid != mentee.person_id] if mentee.person_id in chosen \
            else chosen + [mentee.person_id]
        rows.append([Button(("✓ " if mentee.person_id in chosen else "") + mentee.name,
                            PAIRS.encode("pick", group=view.group_id, chosen=selection))])
    if 2 <= len(chosen) <= 3:
        rows.append([Button(_("Pair them"), PAIRS.encode("make", group=view.group_id, chosen=chosen))])
    rows.append([Button(_("Back"), PAIRS.encode("v", group=view.group_id))])
    return _("Choose two or three mentees to pair. If they already have partners, those pairs end "
             "(their history is kept)."), rows


async def pairs_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the pairs of the one group the person manages, or the groups to choose from."""
    await _show_groups(update, context, 0)


async def _show_groups(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int) -> None:
    async def action(session: AsyncSession, member: MemberView, now: datetime):
        groups = await pairing.managed_groups(session, member)
        if not groups:
            raise AccessDenied("pairs")
        if len(groups) == 1:
            return await pairing.group_pairs(session, groups[0])
        return groups

    if (done := await perform(update, context, action)) is None:
        return
    tr, result = done
    if isinstance(result, pairing.GroupPairs):
        await show(update, *pairs_view(tr, result))
    else:
        await show(update, *groups_view(tr, result, page))


async def pairs_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buttons of /pairs: a group, automatic pairing, picking by hand, ending a pair."""
    button = await pressed(update, context, PAIRS)
    if button is None:
        return
    verb = button.action
    if verb == "gl":
        await _show_groups(update, context, button["page"])
        return
    target = button["pair"] if verb == "end" else button["group"]
    chosen = list(button.values.get("chosen", ()))

    async def action(session: AsyncSession, member: MemberView, now: datetime):
        if verb == "pick" and len(chosen) > 3:
            raise DomainError("at_most_three")
        if verb == "end":
            return await pairing.end_pair(session, member, target, now)
        group = await pairing.managed_group(session, member, target)
        if verb == "auto":
            return await pairing.auto_pair(session, group, member.person_id, now)
        if verb == "make":
            return await pairing.make_pair(session, group, chosen, member.person_id, now)
        return await pairing.group_pairs(session, group)

    if (done := await perform(update, context, action)) is None:
        return
    tr, view = done
    if verb == "pick":
        await show(update, *pick_view(tr, view, [pid for pid in chosen
                                                 if pid in {m.person_id for m in view.mentees}]))
    else:
        await show(update, *pairs_view(tr, view))


def handlers() -> list[BaseHandler]:
    """/pairs and its buttons."""
    return [
        CommandHandler("pairs", pairs_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(pairs_button, pattern=CALLBACK_PATTERN),
    ]
