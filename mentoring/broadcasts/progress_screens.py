"""The progress message of a broadcast going out, and the delivery report that ends it.

Channel-neutral (`mentoring.screens`): the handler shows it when the coordinator
confirms or cancels, and the progress job (bot/broadcast_progress.py) edits the
same message with it whenever the counts change. `progress_screen` says what
the message should show now: the running counts with a Cancel button, or the
final report without buttons.
"""

from __future__ import annotations

from datetime import datetime

from mentoring.broadcasts.buttons import BROADCAST
from mentoring.broadcasts.progress import Counts, Progress, Unreachable
from mentoring.i18n import N_
from mentoring.screens import Choice, Lines, Moment, Plural, Raw, Screen, Text, Words

# One pattern reads naturally in both languages: "24 Kasım 2026, 10:00" / "24 November 2026, 10:00".
MOMENT_PATTERN = "d MMMM y, HH:mm"
# Telegram takes 4096 characters. The report names the unreachable while the
# room it has used stays within the budget; then it counts the rest. Words are
# rendered only at the edge, so each name's line is reckoned with room for the
# longest reason in any language (tests/unit/broadcasts/test_broadcast_screens.py checks it).
REPORT_BUDGET = 3600
HEADER_ROOM = 360  # the report's lines above the names, in any language
REASON_ROOM = 32  # "• ", " — ", the reason and the line break

REASONS: dict[str, str] = {
    "blocked": N_("blocked Narbot"),
    "no_account": N_("has no Telegram account"),
}
FAILED = N_("delivery failed")


def send_time(moment: datetime, zone: str) -> Words:
    return Text("Send time: {moment} (your time)", moment=Moment(moment, zone, style=MOMENT_PATTERN))


def counts_line(counts: Counts) -> Words:
    return Text("Sent: {sent} · Failed: {failed} · Waiting: {waiting}",
                sent=counts.sent, failed=counts.failed, waiting=counts.waiting)


def reported_line(counts: Counts) -> Words | None:
    """What WhatsApp reported of delivery and reading, once it has; Telegram reports neither."""
    if not counts.reported:
        return None
    return Text("WhatsApp reports so far: delivered {delivered} · read {read} (Telegram does not report this)",
                delivered=counts.delivered, read=counts.read)


def running(progress: Progress) -> Screen:
    """The coordinator's progress message while the broadcast goes out, with its Cancel button."""
    title = Text("📣 Announcement being cancelled") if progress.cancelled else Text("📣 Announcement on its way")
    words = Lines(
        title,
        send_time(progress.send_at, progress.timezone) if progress.send_at is not None else None,
        counts_line(progress.counts),
        reported_line(progress.counts),
    )
    if progress.cancelled:
        return Screen(words, replace=True)
    stop = Choice(BROADCAST.encode("stop", draft=progress.broadcast_id), Text("Cancel the announcement"),
                  short=Text("Cancel"))
    return Screen(words, [[stop]], replace=True)


def reason(item: Unreachable) -> Words:
    return Text(REASONS.get(item.reason, FAILED))


def report(progress: Progress) -> Words:
    """The delivery report that ends the progress message."""
    counts = progress.counts
    lines: list[Words | None] = [
        Text("📣 Announcement cancelled") if progress.cancelled else Text("📣 Announcement sent"),
        Raw(""),
        Text("Delivered: {sent} · Could not be reached: {failed}", sent=counts.sent, failed=counts.failed),
        reported_line(counts),
    ]
    if counts.in_doubt:
        lines.append(Plural(
            "Interrupted by a restart while being sent: {count} message (sent again, so it may "
            "have arrived twice)",
            "Interrupted by a restart while being sent: {count} messages (sent again, so some may "
            "have arrived twice)",
            counts.in_doubt, count=counts.in_doubt,
        ))
    if counts.cancelled:
        lines.append(Plural("Cancelled before sending: {count} message",
                            "Cancelled before sending: {count} messages", counts.cancelled, count=counts.cancelled))
    if progress.unreachable:
        lines += [Raw(""), Text("Could not be reached:")]
        used = HEADER_ROOM
        for shown, item in enumerate(progress.unreachable):
            room = len(item.name) + REASON_ROOM
            if used + room > REPORT_BUDGET:
                rest = len(progress.unreachable) - shown
                lines.append(Plural("… and {count} more", "… and {count} more", rest, count=rest))
                break
            lines.append(Lines(Raw(f"• {item.name}"), reason(item), sep=" — "))
            used += room
    return Lines(*lines)


def progress_screen(progress: Progress) -> Screen:
    """What the progress message should show now: the running counts, or the final report."""
    if progress.finished:
        return Screen(report(progress), replace=True)
    return running(progress)
