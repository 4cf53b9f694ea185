"""What the /broadcast conversation shows while a draft is composed: each screen's words and choices.

The steps that choose among these screens, and what each press or typed answer
changes, are in `mentoring.broadcasts.screens`; the progress message and its
report in `mentoring.broadcasts.progress_screens`. Choices carry the draft's id
(`bc:<id>:<action>`, written by `mentoring.broadcasts.buttons.BROADCAST`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mentoring.broadcasts import rules
from mentoring.broadcasts.buttons import BROADCAST
from mentoring.broadcasts.progress_screens import send_time
from mentoring.broadcasts.rules import MAX_TEXT_LENGTH, DraftView, time_example
from mentoring.screens import (
    SHORT_LABEL_MAX,
    Awaits,
    Choice,
    Expect,
    Lines,
    Plural,
    Raw,
    Screen,
    Text,
    Words,
)

FLOW = rules.FLOW
# The typed answers a draft waits for (the conversation step).
TEXT, TIME = "text", "time"
AWAITS = Awaits(Expect.TEXT, FLOW)
PAGE_SIZE = 8
# Groups named in the audience line; more are counted, so the text stays short.
NAMED_GROUPS = 10



def _named(data: str, name: str) -> Choice:
    """A button named by a programme, province or group: the name, cut short for small buttons."""
    short = Raw(name[:SHORT_LABEL_MAX - 1] + "…") if len(name) > SHORT_LABEL_MAX else None
    return Choice(data, Raw(name), short=short)


def programme_choice(programmes: Sequence[tuple[int, str]]) -> Screen:
    return Screen(
        Text("Which programme is the announcement for?"),
        [[_named(BROADCAST.encode("new", programme=programme_id), name)] for programme_id, name in programmes],
    )


def _back(draft: int) -> Choice:
    return Choice(BROADCAST.encode("aud", draft=draft), Text("Back"))


def _discard(draft: int) -> Choice:
    return Choice(BROADCAST.encode("drop", draft=draft), Text("Discard"))


def audience_menu(view: DraftView) -> Screen:
    b = view.broadcast_id
    return Screen(
        Text("New announcement for {programme}.\n\nWho should receive it?", programme=view.programme_name),
        [[Choice(BROADCAST.encode("all", draft=b), Text("The whole programme"))],
         [Choice(BROADCAST.encode("prov", draft=b, page=0), Text("A province"))],
         [Choice(BROADCAST.encode("grp", draft=b, page=0), Text("Chosen groups"))],
         [_discard(b)]],
        replace=True,
    )


def pager(action: str, draft: int, page: int, total: int) -> list[Choice]:
    """‹, "Page 2 of 3" (shows the page again) and ›, as far as there are pages."""
    pages = max(1, -(-total // PAGE_SIZE))
    row = []
    if page > 0:
        row.append(Choice(BROADCAST.encode(action, draft=draft, page=page - 1), Raw("‹")))
    if pages > 1:
        row.append(Choice(BROADCAST.encode(action, draft=draft, page=page),
                          Text("Page {page} of {pages}", page=page + 1, pages=pages)))
    if page + 1 < pages:
        row.append(Choice(BROADCAST.encode(action, draft=draft, page=page + 1), Raw("›")))
    return row


def province_menu(view: DraftView, provinces: Sequence[tuple[int, str]], page: int, total: int) -> Screen:
    b = view.broadcast_id
    words = (Text("Which province? (Provinces with groups in {programme}.)", programme=view.programme_name)
             if total else Text("No group of {programme} has a province yet.", programme=view.programme_name))
    return Screen(
        words,
        [*([_named(BROADCAST.encode("p", draft=b, province=province_id), name)] for province_id, name in provinces),
         pager("prov", b, page, total),
         [_back(b)]],
        replace=True,
    )


def group_menu(view: DraftView, groups: Sequence[tuple[int, str]], page: int, total: int) -> Screen:
    b = view.broadcast_id
    chosen = len(view.group_ids)
    last = [_back(b)]
    if chosen:
        last.append(Choice(BROADCAST.encode("gok", draft=b),
                           Plural("Continue with {count} group", "Continue with {count} groups", chosen, count=chosen),
                           short=Text("Continue")))
    return Screen(
        Text("Tap the groups that should receive it, then continue."),
        [*([_named(BROADCAST.encode("g", draft=b, group=group_id, page=page),
                   ("✅ " if group_id in view.group_ids else "▫️ ") + name)] for group_id, name in groups),
         pager("grp", b, page, total),
         last],
        replace=True,
    )


def scope_line(view: DraftView) -> Words:
    if view.scope == "province":
        return Text("Audience: groups in {province}", province=view.province_name)
    if view.scope == "groups":
        shown = ", ".join(view.group_names[:NAMED_GROUPS])
        if len(view.group_names) > NAMED_GROUPS:
            shown += f" (+{len(view.group_names) - NAMED_GROUPS})"
        return Text("Audience: groups {groups}", groups=shown)
    return Text("Audience: the whole programme {programme}", programme=view.programme_name)


def audience_line(view: DraftView) -> Words:
    role = {
        "mentor": Text("mentors only"),
        "mentee": Text("mentees only"),
    }.get(view.audience_role or "", Text("mentors and mentees"))
    return Lines(scope_line(view), role, sep=" — ")


def role_menu(view: DraftView) -> Screen:
    b = view.broadcast_id
    return Screen(
        Text("{scope}\n\nMentors, mentees, or both?", scope=scope_line(view)),
        [[Choice(BROADCAST.encode("r", draft=b, role="all"), Text("Mentors and mentees"), short=Text("Everyone"))],
         [Choice(BROADCAST.encode("r", draft=b, role="mentor"), Text("Mentors only")),
          Choice(BROADCAST.encode("r", draft=b, role="mentee"), Text("Mentees only"))],
         [_back(b)]],
        replace=True,
    )


def text_prompt() -> Words:
    return Text("Write the announcement now, as one text message (at most {limit} characters). "
                "It is sent exactly as you write it.", limit=MAX_TEXT_LENGTH)


def time_prompt(zone: str, now: datetime) -> Words:
    return Text("When should it go out? Type a day and a time, for example {example} or “tomorrow 10:00” "
                "(your time zone: {zone}).", example=time_example(zone, now), zone=zone)


def ask_text() -> Screen:
    return Screen(text_prompt(), awaits=AWAITS, replace=True)


def ask_time(zone: str, now: datetime) -> Screen:
    return Screen(time_prompt(zone, now), awaits=AWAITS, replace=True)


def not_text(step: str, zone: str, now: datetime) -> Screen:
    """A sticker, photo or voice note where words are expected: say so, keep waiting."""
    if step == TIME:
        return Screen(time_prompt(zone, now), awaits=AWAITS)
    return Screen(Text("Please send the announcement as a text message; stickers, photos and voice "
                       "messages cannot be sent as announcements."), awaits=AWAITS)


def preview_copy(view: DraftView) -> Screen:
    """The announcement exactly as a reader receives it (its header in the coordinator's language here)."""
    assert view.text is not None
    return Screen(rules.announcement_words(view.author_name, view.text))


def preview_summary(view: DraftView, zone: str) -> Screen:
    """Whom it reaches, when, and the buttons to send, schedule, change or discard it."""
    assert view.size is not None
    b = view.broadcast_id
    size = view.size
    if size.total == 0:
        reach: list[Words | None] = [Text("Nobody is in this audience. Please choose another audience.")]
    else:
        reach = [
            Plural("It will reach {count} person", "It will reach {count} people", size.reachable,
                   count=size.reachable),
            Plural("{count} more cannot be reached (blocked Narbot or has no Telegram account).",
                   "{count} more cannot be reached (blocked Narbot or have no Telegram account).",
                   size.unreachable, count=size.unreachable) if size.unreachable else None,
        ]
    words = Lines(
        Text("Above is the announcement exactly as it will arrive. The first line is shown to each reader "
             "in their own language; your text is sent as you wrote it."),
        Raw(""),
        audience_line(view),
        *reach,
        send_time(view.send_at, zone) if view.send_at else Text("Send time: now"),
        Text("Nobody is written to during their quiet hours; their copy goes out when those end."),
    )
    rows = []
    if size.total:
        rows.append([Choice(BROADCAST.encode("send", draft=b),
                            Text("Send") if view.send_at is None else Text("Schedule"))])
    if view.send_at:
        rows.append([Choice(BROADCAST.encode("now", draft=b), Text("Send now"))])
    else:
        rows.append([Choice(BROADCAST.encode("later", draft=b), Text("Choose a send time"))])
    rows.append([Choice(BROADCAST.encode("text", draft=b), Text("Change the text")),
                 Choice(BROADCAST.encode("aud", draft=b), Text("Change the audience"))])
    rows.append([_discard(b)])
    return Screen(words, rows, replace=True)


def no_longer_written() -> Screen:
    return Screen(Text("That announcement is no longer being written. Send /broadcast to start a new one."))
