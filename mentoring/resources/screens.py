"""Resources as a conversation any channel can hold.

Every step takes `(session, member, given, now)` and returns a `Reply`; the
adapters only translate it (principle 2). /resources (`start`, and `rs:l` for
another page) shows what the member sees, newest first, five a page: one card
per resource with its title, who shared it with whom and when (in the reader's
zone), the note, "Open the link" (a link button) or "Open the file" (`rs:o`),
"Useful (N)" (`rs:u`, a mentee's toggle) and, for its sharer, "Remove" (`rs:x`,
then `rs:y`). "Share a resource" (`rs:a`) asks with whom (`rs:g` a group, `rs:p`
a whole programme), says who will see it (mentoring/audiences.py), and waits in
the flow "resources" for the title, then for a link, a note or a document.
Refusals raise `DomainError`s, worded once in `mentoring.refusals`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.audiences import sentence
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.feedback.rules import channel_now
from mentoring.joining.rules import MemberView
from mentoring.refusals import refusal
from mentoring.resources import rules
from mentoring.resources.buttons import RESOURCES
from mentoring.resources.rules import NOTE_MAX, TITLE_MAX, Content, Item, Target
from mentoring.screens import (
    Awaits,
    Choice,
    Document,
    Expect,
    Input,
    Lines,
    Media,
    Moment,
    Notice,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Words,
    button_of,
)

FLOW = "resources"
TITLE, CONTENT = "title", "content"
AWAITS_TITLE = Awaits(Expect.TEXT, FLOW)
AWAITS_CONTENT = Awaits(Expect.ANY, FLOW)
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp"}
_ICONS = {"link": "🔗", "note": "📝", "document": "📄"}


# ----------------------------------------------------------------------------- words and screens


def _where(target: Target) -> Words:
    if target.group_id is None:
        return Text("the whole programme {programme}", programme=target.programme_name)
    return Raw(target.group_name or "")


def audience(target: Target) -> Words:
    """Who will see a resource shared here, in the words the audiences table checks."""
    if target.group_id is None:
        return Text(sentence("resource_programme"), programme=target.programme_name)
    return Text(sentence("resource_group"), group=target.group_name or "")


def card(found: Item, reader: MemberView, channel: str | None, *, replace: bool = False) -> Screen:
    """One resource: title, note, who shared it with whom and when, and its buttons."""
    sharer: Words = Raw(found.sharer) if found.sharer is not None else Text("(name erased)")
    lines: list[Words | None] = [Raw(f"{_ICONS.get(found.kind, '•')} {found.title}")]
    if found.kind == "note":
        lines.append(Raw(found.note) if found.note else Text("(This note was erased with its author's data.)"))
    if found.kind == "link" and found.url is not None:
        lines.append(Raw(found.url))
    if found.kind == "document" and found.file_channel is not None and found.file_channel != channel:
        lines.append(Text("The file was shared on {channel}: it can be opened only there.",
                          channel=CHANNEL_NAMES.get(found.file_channel, found.file_channel)))
    lines.append(Text("Shared by {name} with {where}, {when}.", name=sharer, where=_where(found.target),
                      when=Moment(found.shared_at, reader.timezone)))
    if not found.may_mark:
        lines.append(Text("Useful ({count})", count=found.useful))
    row: list[Choice] = []
    if found.kind == "link" and found.url is not None and found.url.startswith("https://"):
        row.append(Choice.link(found.url, Text("🔗 Open the link"), short=Text("🔗 Open")))
    if found.kind == "document" and found.file_id is not None and found.file_channel == channel:
        row.append(Choice(RESOURCES.encode("o", resource=found.id), Text("📄 Open the file"),
                          short=Text("📄 Open")))
    if found.may_mark:
        label = (Text("✅ Useful ({count})", count=found.useful) if found.marked
                 else Text("👍 Useful ({count})", count=found.useful))
        row.append(Choice(RESOURCES.encode("u", resource=found.id), label))
    rows = [row]
    if found.mine:
        rows.append([Choice(RESOURCES.encode("x", resource=found.id), Text("🗑 Remove"))])
    return Screen(Lines(*lines), rows, replace=replace)


def _share_choice() -> Choice:
    return Choice(RESOURCES.encode("a"), Text("➕ Share a resource"), short=Text("➕ Share"))


async def listing(session: AsyncSession, member: MemberView, page: int) -> Reply:
    shown = await rules.page_of(session, member, page)
    may_share = bool(await rules.targets(session, member))
    if not shown.items:
        return Reply(Screen(Text("No resources have been shared with you yet."),
                            [[_share_choice()]] if may_share else []))
    channel = await channel_now(session, member.person_id)
    first = shown.page * rules.PAGE_SIZE + 1
    head = Screen(Text("📚 Resources shared with you, newest first ({first}–{last} of {total}):",
                       first=first, last=first + len(shown.items) - 1, total=shown.total))
    cards = [card(found, member, channel) for found in shown.items]
    nav: list[Choice] = []
    if shown.page > 0:
        nav.append(Choice(RESOURCES.encode("l", page=shown.page - 1), Text("◀ Newer")))
    if shown.page + 1 < shown.pages:
        nav.append(Choice(RESOURCES.encode("l", page=shown.page + 1), Text("Older ▶")))
    rows = [nav, [_share_choice()] if may_share else []]
    if any(rows):
        foot = Screen(Text("Page {page} of {pages}.", page=shown.page + 1, pages=shown.pages), rows)
        return Reply(head, *cards, foot)
    return Reply(head, *cards)


def _target_label(target: Target) -> Words:
    if target.group_id is None:
        return Text("🏠 The whole programme {programme}", programme=target.programme_name)
    return Text("👥 {group}", group=target.group_name or "")


def _ask_title(target: Target) -> Screen:
    return Screen(
        Lines(audience(target), Raw(""),
              Text("Write the resource's title (at most {limit} characters).", limit=TITLE_MAX)),
        [[Choice(RESOURCES.encode("c"), Text("Cancel"))]],
        awaits=AWAITS_TITLE,
    )


def _ask_content(title: str) -> Screen:
    return Screen(
        Lines(Text("Title: {title}", title=title), Raw(""),
              Text("Now send the link (one web address), write a note (at most {limit} characters), "
                   "or send the document as a file.", limit=NOTE_MAX)),
        [[Choice(RESOURCES.encode("c"), Text("Cancel"))]],
        awaits=AWAITS_CONTENT,
    )


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/resources: the first page."""
    return await listing(session, member, 0)


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A button of this feature; forged or foreign data is refused and changes nothing."""
    button = button_of(given, RESOURCES)
    action = button.action
    if action == "l":
        return await listing(session, member, button["page"])
    if action == "u":
        marked = await rules.toggle_useful(session, member, button["resource"], now)
        found = await rules.item(session, member, button["resource"])
        notice = Text("Marked as useful.") if marked else Text("No longer marked as useful.")
        return Reply(card(found, member, await channel_now(session, member.person_id), replace=True),
                     notice=Notice(notice))
    if action == "o":
        found = await rules.item(session, member, button["resource"])
        if found.kind != "document" or found.file_id is None:
            raise DomainError("resource_gone")
        if found.file_channel != await channel_now(session, member.person_id):
            return Reply(Screen(Text("The file was shared on {channel}: it can be opened only there.",
                                     channel=CHANNEL_NAMES.get(found.file_channel or "", "?"))))
        return Reply(Screen(Raw(found.title), media=Media("document", file_id=found.file_id,
                                                          filename=found.file_name)))
    if action == "x":
        found = await rules.removable(session, member, button["resource"])
        return Reply(Screen(
            Text("Remove “{title}”? The people it was shared with will no longer see it.", title=found.title),
            [[Choice(RESOURCES.encode("y", resource=found.id), Text("Yes, remove it"), short=Text("Remove")),
              Choice(RESOURCES.encode("l", page=0), Text("Keep it"))]],
        ))
    if action == "y":
        found = await rules.remove(session, member, button["resource"])
        return Reply(Screen(Text("Removed: {title}.", title=found.title), replace=True))
    await conversation.clear(session, member.person_id, FLOW)
    if action == "c":
        return Reply(Screen(Text("Nothing was shared."), replace=True))
    if action == "a":
        targets = await rules.targets(session, member)
        if not targets:
            raise DomainError("access_denied", action="share_resource")
        if len(targets) == 1:
            return await _chosen(session, member, targets[0], now)
        return Reply(Screen(Text("Share a resource with whom?"),
                            [[Choice(_encode(target), _target_label(target))] for target in targets]))
    target = await rules.target_of(session, member, button.values.get("group"), button.values.get("programme"))
    return await _chosen(session, member, target, now)


def _encode(target: Target) -> str:
    if target.group_id is None:
        return RESOURCES.encode("p", programme=target.programme_id)
    return RESOURCES.encode("g", group=target.group_id)


async def _chosen(session: AsyncSession, member: MemberView, target: Target, now: datetime) -> Reply:
    await conversation.expect(session, member.person_id, FLOW, TITLE, now,
                              {"programme": target.programme_id, "group": target.group_id})
    return Reply(_ask_title(target))


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The title, then the link, note or document the flow waits for."""
    waiting = await conversation.waiting(session, member.person_id)
    if waiting is None or waiting.flow != FLOW or not isinstance(waiting.data.get("programme"), int):
        raise DomainError("stale")
    group = waiting.data.get("group")
    target = await rules.target_of(session, member, group if isinstance(group, int) else None,
                                   waiting.data["programme"])
    if waiting.step == TITLE:
        if not isinstance(given, Typed):
            raise DomainError("text_expected")
        title = rules.check_title(given.text)
        await conversation.expect(session, member.person_id, FLOW, CONTENT, now, {**waiting.data, "title": title})
        return Reply(_ask_content(title))
    title = waiting.data.get("title")
    if waiting.step != CONTENT or not isinstance(title, str):
        raise DomainError("stale")
    try:
        content = _content(given)
    except DomainError as refused:
        return Reply(_again(refusal(refused), title))
    if content is None:
        return Reply(_again(Text("Please send a link, a note or a document (as a file)."), title))
    _resource_id, told = await rules.share(session, member, target, title, content, now)
    await conversation.clear(session, member.person_id, FLOW)
    return Reply(Screen(Lines(
        Text("Shared: {title}.", title=title),
        audience(target),
        Text("They get a message about it (after their quiet hours); it is listed under /resources.") if told else None,
    )))


def _again(why: Words, title: str) -> Screen:
    """What the flow cannot take, and the same question; it still waits."""
    return Screen(Lines(why, Raw(""), _ask_content(title).text),
                  [[Choice(RESOURCES.encode("c"), Text("Cancel"))]], awaits=AWAITS_CONTENT)


def _content(given: Input) -> Content | None:
    if isinstance(given, Document):
        return Content("document", file_id=given.ref, file_name=given.name)
    if not isinstance(given, Typed):
        return None
    if rules.link_in(given.text) is not None:
        return rules.link(given.text)
    return rules.note(given.text)


async def resume(session: AsyncSession, waiting: Waiting) -> tuple[Words, Choice | None]:
    """What another feature's entry paused, and the way back."""
    return (Text("Your resource is not shared yet. Tap “Share a resource” to start again."), _share_choice())
