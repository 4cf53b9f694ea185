"""What the privacy handlers say: the /mydata summary and the erase and withdraw questions."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.texts import role_line
from mentoring.i18n import N_, Translator
from mentoring.joining.rules import MemberView
from mentoring.privacy.rules import MAX_ROWS_PER_TABLE, PersonExport

# Readable names of the kinds of records, one for every table /mydata can list
# (tests/unit/test_privacy_labels.py checks them against the schema).
KIND_LABELS = {
    "channel_identities": N_("Telegram accounts"),
    "memberships": N_("Roles in the programme"),
    "consent_records": N_("Consent decisions"),
    "invite_redemptions": N_("Invites used"),
    "conversation_states": N_("Unfinished conversations"),
    "outbox_messages": N_("Messages Narbot sent or will send you"),
    "audit_log": N_("Times your data was viewed, exported or changed"),
    "reflections": N_("Reflections"),
    "reflection_answers": N_("Reflection answers"),
    "todos": N_("To-dos"),
    "todo_reasons": N_("Reasons for to-dos not done"),
    "plan_goals": N_("Development plan goals"),
    "peer_checkins": N_("Check-ins with your peer partner"),
    "session_rsvps": N_("Replies to session invitations"),
    "session_feedback": N_("Session feedback"),
    "session_attendance": N_("Group mentoring sessions you attended"),
    "peer_pair_members": N_("Your peer partnerships"),
    "plan_area_choices": N_("Development areas you chose"),
    "plan_self_assessments": N_("Your self-assessments"),
    "broadcasts": N_("Announcements you wrote"),
    "digest_preferences": N_("Your weekly digest settings"),
    "outbox_mentions": N_("Messages to other people that name you"),
}
# A table without a label above (none today) is counted here rather than shown by its name.
OTHER_RECORDS = N_("Other records")


def record_lines(tr: Translator, counts: dict[str, int]) -> list[str]:
    """One "• label: count" line per kind of record, in the reader's language, alphabetically."""
    totals: dict[str, int] = {}
    for kind, count in counts.items():
        label = tr.gettext(KIND_LABELS.get(kind, OTHER_RECORDS))
        totals[label] = totals.get(label, 0) + count
    return [f"• {label}: {count}" for label, count in sorted(totals.items())]


def summary_text(tr: Translator, member: MemberView, export: PersonExport) -> str:
    _ = tr.gettext
    zone = ZoneInfo(member.timezone)
    lines = [
        _("Everything Narbot stores about you is in the file below (JSON). In short:"),
        "",
        _("Name: {name}").format(name=member.display_name),
        _("Language: {language}, time zone: {timezone}").format(
            language=member.locale, timezone=member.timezone),
    ]
    if member.roles:
        lines.append(_("Your roles in the programme:"))
        lines.extend(f"• {role_line(tr, view)}" for view in member.roles)
    lines += ["", _("Your consent to the notice (KVKK):")]
    for record in export.consents:
        if record.accepted_at is None:
            continue
        line = _("• version {version}: accepted on {accepted}").format(
            version=record.notice_version, accepted=tr.datetime(record.accepted_at, zone, "long"))
        if record.withdrawn_at is not None:
            withdrawn = tr.datetime(record.withdrawn_at, zone, "long")
            line += _(", withdrawn on {withdrawn}").format(withdrawn=withdrawn)
        lines.append(line)
    lines += ["", _("Records stored about you:")]
    lines.extend(record_lines(tr, export.counts))
    if export.truncated:
        lines += ["", _(
            "Some lists are long: the file holds the first {limit} records of each. Your "
            "programme coordinator can give you the rest."
        ).format(limit=MAX_ROWS_PER_TABLE)]
    lines += ["", _(
        "You can withdraw your consent or have your data erased with the buttons below."
    )]
    return "\n".join(lines)


def forget_question(tr: Translator) -> str:
    return tr.gettext(
        "Do you want Narbot to erase your data?\n\n"
        "Your name, the link to your Telegram account and everything you wrote (reflections, "
        "to-dos, your development plan, check-ins, replies) will be erased. Only anonymous "
        "figures stay for the programme's statistics, for example that a mentee took part. "
        "This cannot be undone, and Narbot will no longer know you.\n\n"
        "This question is valid for 10 minutes."
    )


def withdraw_question(tr: Translator) -> str:
    return tr.gettext(
        "Do you want to withdraw your consent?\n\n"
        "Narbot will then stop writing to you (no questions, reminders or digests) and will "
        "not process what you send. Your data stays until you erase it with /forgetme or the "
        "programme's retention period ends. You can come back at any time by accepting the "
        "notice again.\n\n"
        "This question is valid for 10 minutes."
    )


def erased_text(tr: Translator) -> str:
    return tr.gettext(
        "Your data has been erased. Narbot no longer knows you; only anonymous figures remain. "
        "If you want to take part again, ask your coordinator for a new invite."
    )


def expired_text(tr: Translator) -> str:
    return tr.gettext(
        "This question has expired and nothing was changed. Send /mydata or /forgetme to ask again."
    )
