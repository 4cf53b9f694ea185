"""What the coordinator sees while composing and sending a broadcast: texts and buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from mentoring.broadcasts.progress import Counts, Progress, Unreachable
from mentoring.broadcasts.rules import MAX_TEXT_LENGTH, DraftView, announcement
from mentoring.button_data import BROADCAST
from mentoring.i18n import Translator

PAGE_SIZE = 8
# Groups named in the audience line; more are counted, so the text stays short.
_NAMED_GROUPS = 10
# Room left for the report's first lines within Telegram's 4096 characters.
_REPORT_BUDGET = 3600


def _moment(tr: Translator, moment: datetime, zone: str) -> str:
    # One pattern reads naturally in both languages: "24 Kasım 2026, 10:00" / "24 November 2026, 10:00".
    return tr.datetime(moment, ZoneInfo(zone), "d MMMM y, HH:mm")


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def programme_choice(tr: Translator, programmes: Sequence[tuple[int, str]]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[_button(name, BROADCAST.encode("new", programme=programme_id))] for programme_id, name in programmes]
    return tr.gettext("Which programme is the announcement for?"), InlineKeyboardMarkup(rows)


def audience_menu(tr: Translator, view: DraftView) -> tuple[str, InlineKeyboardMarkup]:
    _ = tr.gettext
    b = view.broadcast_id
    text = _("New announcement for {programme}.\n\nWho should receive it?").format(programme=view.programme_name)
    return text, InlineKeyboardMarkup([
        [_button(_("The whole programme"), BROADCAST.encode("all", draft=b))],
        [_button(_("A province"), BROADCAST.encode("prov", draft=b, page=0))],
        [_button(_("Chosen groups"), BROADCAST.encode("grp", draft=b, page=0))],
        [_button(_("Discard"), BROADCAST.encode("drop", draft=b))],
    ])


def _pager(tr: Translator, action: str, draft: int, page: int, total: int) -> list[InlineKeyboardButton]:
    pages = max(1, -(-total // PAGE_SIZE))
    row = []
    if page > 0:
        row.append(_button("‹", BROADCAST.encode(action, draft=draft, page=page - 1)))
    if pages > 1:
        row.append(_button(tr.gettext("Page {page} of {pages}").format(page=page + 1, pages=pages),
                           BROADCAST.encode(action, draft=draft, page=page)))
    if page + 1 < pages:
        row.append(_button("›", BROADCAST.encode(action, draft=draft, page=page + 1)))
    return row


def province_menu(
    tr: Translator, view: DraftView, provinces: Sequence[tuple[int, str]], page: int, total: int
) -> tuple[str, InlineKeyboardMarkup]:
    b = view.broadcast_id
    rows = [[_button(name, BROADCAST.encode("p", draft=b, province=province_id))] for province_id, name in provinces]
    if pager := _pager(tr, "prov", b, page, total):
        rows.append(pager)
    rows.append([_button(tr.gettext("Back"), BROADCAST.encode("aud", draft=b))])
    text = tr.gettext("Which province? (Provinces with groups in {programme}.)").format(
        programme=view.programme_name
    ) if total else tr.gettext("No group of {programme} has a province yet.").format(programme=view.programme_name)
    return text, InlineKeyboardMarkup(rows)


def group_menu(
    tr: Translator, view: DraftView, groups: Sequence[tuple[int, str]], page: int, total: int
) -> tuple[str, InlineKeyboardMarkup]:
    _ = tr.gettext
    b = view.broadcast_id
    rows = [
        [_button(("✅ " if group_id in view.group_ids else "▫️ ") + name, BROADCAST.encode("g", draft=b, group=group_id, page=page))]
        for group_id, name in groups
    ]
    if pager := _pager(tr, "grp", b, page, total):
        rows.append(pager)
    chosen = len(view.group_ids)
    last = [_button(_("Back"), BROADCAST.encode("aud", draft=b))]
    if chosen:
        last.append(_button(tr.ngettext("Continue with {count} group", "Continue with {count} groups", chosen)
                            .format(count=chosen), BROADCAST.encode("gok", draft=b)))
    rows.append(last)
    return _("Tap the groups that should receive it, then continue."), InlineKeyboardMarkup(rows)


def role_menu(tr: Translator, view: DraftView) -> tuple[str, InlineKeyboardMarkup]:
    _ = tr.gettext
    b = view.broadcast_id
    return _("{scope}\n\nMentors, mentees, or both?").format(scope=scope_line(tr, view)), InlineKeyboardMarkup([
        [_button(_("Mentors and mentees"), BROADCAST.encode("r", draft=b, role="all"))],
        [_button(_("Mentors only"), BROADCAST.encode("r", draft=b, role="mentor")), _button(_("Mentees only"), BROADCAST.encode("r", draft=b, role="mentee"))],
        [_button(_("Back"), BROADCAST.encode("aud", draft=b))],
    ])


def scope_line(tr: Translator, view: DraftView) -> str:
    _ = tr.gettext
    if view.scope == "province":
        return _("Audience: groups in {province}").format(province=view.province_name)
    if view.scope == "groups":
        shown = ", ".join(view.group_names[:_NAMED_GROUPS])
        if len(view.group_names) > _NAMED_GROUPS:
            shown += f" (+{len(view.group_names) - _NAMED_GROUPS})"
        return _("Audience: groups {groups}").format(groups=shown)
    return _("Audience: the whole programme {programme}").format(programme=view.programme_name)


def audience_line(tr: Translator, view: DraftView) -> str:
    _ = tr.gettext
    role = {
        "mentor": _("mentors only"),
        "mentee": _("mentees only"),
    }.get(view.audience_role or "", _("mentors and mentees"))
    return f"{scope_line(tr, view)} — {role}"


def text_prompt(tr: Translator) -> str:
    return tr.gettext(
        "Write the announcement now, as one text message (at most {limit} characters). "
        "It is sent exactly as you write it."
    ).format(limit=MAX_TEXT_LENGTH)


def time_prompt(tr: Translator, zone: str) -> str:
    return tr.gettext(
        "When should it go out? Type the date and time as DD.MM.YYYY HH:MM, for example "
        "24.11.2026 10:00 (your time zone: {zone})."
    ).format(zone=zone)


def preview_copy(tr: Translator, view: DraftView) -> str:
    """The announcement exactly as a reader receives it (header in the coordinator's language here)."""
    assert view.text is not None
    return announcement(tr.locale, view.author_name, view.text)


def preview_summary(tr: Translator, view: DraftView, zone: str) -> tuple[str, InlineKeyboardMarkup]:
    _ = tr.gettext
    assert view.size is not None
    b = view.broadcast_id
    lines = [
        _("Above is the announcement exactly as it will arrive. The first line is shown to each reader "
          "in their own language; your text is sent as you wrote it."),
        "",
        audience_line(tr, view),
    ]
    if view.size.total == 0:
        lines.append(_("Nobody is in this audience. Please choose another audience."))
    else:
        lines.append(tr.ngettext("It will reach {count} person", "It will reach {count} people",
                                 view.size.reachable).format(count=view.size.reachable))
        if view.size.unreachable:
            lines.append(tr.ngettext(
                "{count} more cannot be reached (blocked Narbot or has no Telegram account).",
                "{count} more cannot be reached (blocked Narbot or have no Telegram account).",
                view.size.unreachable,
            ).format(count=view.size.unreachable))
    lines.append(
        _("Send time: {moment} (your time)").format(moment=_moment(tr, view.send_at, zone))
        if view.send_at else _("Send time: now")
    )
    lines.append(_("Nobody is written to during their quiet hours; their copy goes out when those end."))
    rows = []
    if view.size.total:
        rows.append([_button(_("Send") if view.send_at is None else _("Schedule"), BROADCAST.encode("send", draft=b))])
    rows.append([
        _button(_("Send now") if view.send_at else _("Choose a send time"), BROADCAST.encode("now" if view.send_at else "later", draft=b)),
    ])
    rows.append([_button(_("Change the text"), BROADCAST.encode("text", draft=b)), _button(_("Change the audience"), BROADCAST.encode("aud", draft=b))])
    rows.append([_button(_("Discard"), BROADCAST.encode("drop", draft=b))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def counts_line(tr: Translator, counts: Counts) -> str:
    return tr.gettext("Sent: {sent} · Failed: {failed} · Waiting: {waiting}").format(
        sent=counts.sent, failed=counts.failed, waiting=counts.waiting
    )


def progress_message(
    tr: Translator, broadcast_id: int, counts: Counts, send_at: datetime | None, zone: str, *, cancelled: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The coordinator's progress message while the broadcast goes out, with its Cancel button."""
    _ = tr.gettext
    lines = [_("📣 Announcement on its way") if not cancelled else _("📣 Announcement being cancelled")]
    if send_at is not None:
        lines.append(_("Send time: {moment} (your time)").format(moment=_moment(tr, send_at, zone)))
    lines.append(counts_line(tr, counts))
    if cancelled:
        return "\n".join(lines), None
    return "\n".join(lines), InlineKeyboardMarkup([[_button(_("Cancel the announcement"), BROADCAST.encode("stop", draft=broadcast_id))]])


def _reason(tr: Translator, item: Unreachable) -> str:
    _ = tr.gettext
    return {
        "blocked": _("blocked Narbot"),
        "no_account": _("has no Telegram account"),
    }.get(item.reason, _("delivery failed"))


def report_message(tr: Translator, progress: Progress) -> str:
    """The delivery report that ends the progress message."""
    _ = tr.gettext
    counts = progress.counts
    lines = [_("📣 Announcement cancelled") if progress.cancelled else _("📣 Announcement sent"), ""]
    lines.append(_("Delivered: {sent} · Could not be reached: {failed}").format(sent=counts.sent, failed=counts.failed))
    if counts.in_doubt:
        lines.append(tr.ngettext(
            "Interrupted by a restart while being sent: {count} message (sent again, so it may "
            "have arrived twice)",
            "Interrupted by a restart while being sent: {count} messages (sent again, so some may "
            "have arrived twice)",
            counts.in_doubt,
        ).format(count=counts.in_doubt))
    if counts.cancelled:
        lines.append(tr.ngettext("Cancelled before sending: {count} message",
                                 "Cancelled before sending: {count} messages", counts.cancelled)
                     .format(count=counts.cancelled))
    if progress.unreachable:
        lines += ["", _("Could not be reached:")]
        used = sum(len(line) + 1 for line in lines)
        for shown, item in enumerate(progress.unreachable):
            line = f"• {item.name} — {_reason(tr, item)}"
            if used + len(line) > _REPORT_BUDGET:
                rest = len(progress.unreachable) - shown
                lines.append(tr.ngettext("… and {count} more", "… and {count} more", rest).format(count=rest))
                break
            lines.append(line)
            used += len(line) + 1
    return "\n".join(lines)


def progress_view(tr: Translator, progress: Progress) -> tuple[str, InlineKeyboardMarkup | None]:
    """What the progress message should show now: the running counts, or the final report."""
    if progress.finished:
        return report_message(tr, progress), None
    return progress_message(
        tr, progress.broadcast_id, progress.counts, progress.send_at, progress.timezone,
        cancelled=progress.cancelled,
    )
