"""The words for every refusal: each `DomainError` code is worded here, once, for every channel.

`refusal(error)` gives the words (`mentoring.screens.Text`, filled with the
error's values); `refused(error)` the reply to a refused press or message: an
alert on a press, a short message otherwise. `tests/unit/test_refusals.py` reads
the code and fails when a code that can be raised has no words here, when the
words need a value some raise site does not give, or when words are left for a
code nothing raises.

Two codes name who may do what by a value: `access_denied` by its `action`
(most actions share the general words), `session_closed` by its `reason`.
"""

from __future__ import annotations

from typing import Any

from mentoring.errors import DomainError
from mentoring.i18n import N_, Translator
from mentoring.screens import Notice, Reply, Text

NOT_AVAILABLE = N_("That is not available to you.")
STALE = N_("This button is no longer active.")
# For a code no words were written for; the test keeps this from being shown.
UNWORDED = N_("That did not work. Please try again.")
TOO_LONG = N_("That is too long ({length} characters). Please keep it to {limit} characters.")
BAD_DATE = N_("I could not read that date. Type it like {example}, “31 December”, “tomorrow” or a weekday.")
PLEASE_WRITE = N_("Please write some text.")

WORDS: dict[str, str] = {
    # Access and stale buttons, in every feature.
    "access_denied": NOT_AVAILABLE,
    "stale": STALE,
    "stale_button": STALE,
    "bad_rhythm_option": STALE,
    "broadcast_gone": STALE,
    "unknown_person": UNWORDED,
    # Dates, times and texts a person types.
    "bad_date": BAD_DATE,
    "no_such_date": N_("{day} {month} does not exist: {month} {year} has {days} days."),
    "bad_time": N_("Please type the time as HH:MM, for example 18:30."),
    "date_in_past": N_("That day has passed. Please choose a day from today on."),
    "date_too_far": N_("Please choose a day within the next year."),
    "date_past": N_("That date has already passed; please choose a later one."),
    "date_far": N_("That date is too far away. Please choose a nearer date."),
    "start_in_past": N_("That time has passed. Please choose a later time."),
    "text_too_long": TOO_LONG,
    "text_expected": N_("Please write your answer as text (stickers, photos and voice notes cannot be "
                        "saved here)."),
    "empty_text": PLEASE_WRITE,
    # Settings.
    "unknown_timezone": N_("I do not know the time zone {zone}. Use a name such as Europe/Istanbul."),
    "unknown_city": N_("I do not know a city or time zone called {typed}. Type a city in your time zone, "
                       "for example Berlin."),
    "bad_quiet_hours": N_("I could not read those hours. Write them like 22:00-08:00 "
                          "(start and end must differ)."),
    # Sessions and their agenda.
    "send_as_text": N_("Please send this as a text message."),
    "empty_place": N_("Please write the place or the online link."),
    "empty_topic": PLEASE_WRITE,
    "place_too_long": TOO_LONG,
    "topic_too_long": TOO_LONG,
    "topic_gone": N_("That topic is no longer on the agenda."),
    "not_started": N_("The session has not started yet."),
    "minutes_changed": N_("These minutes have been changed since. Please read the newer ones and confirm there."),
    "agenda_full": N_(
        "The agenda holds at most {limit} topics. Delete topics you no longer need first, then add."
    ),
    "session_closed": N_("This session has been cancelled."),
    # To-dos.
    "todo_gone": N_("This to-do no longer exists. Nothing was changed."),
    "todo_closed": N_("This to-do is already closed. Nothing was changed."),
    "todo_from_mentor": N_(
        "This to-do is from your mentor: you cannot delete it, but you can mark it done or say why it was not done."
    ),
    "not_a_mentee": N_("The to-do list is for mentees. Mentors give to-dos with /assign."),
    "not_a_mentor": N_("Only the mentors of a group can give to-dos."),
    "no_mentees": N_("This group has no mentees yet."),
    "todo_empty": N_(
        "Please write it as a text message: stickers, voice notes and photos cannot be saved here."
    ),
    "todo_too_long": N_(
        "This can be at most {limit} characters long; yours has {length}. Please shorten it and send it again."
    ),
    "todo_no_mentor": N_("Your group has no mentor at the moment, so no one can be asked. You can bring it to "
                         "the next group mentoring session."),
    # The weekly reflection.
    "reflection_not_mentee": N_("Weekly reflections are written by mentees; they are not part of your role."),
    "reflection_stale_week": N_("This invitation was for week {week}, which is no longer open. "
                                "Send /reflect for the current reflection."),
    "reflection_closed": N_("The reflection for week {week} has closed, so nothing was changed. "
                            "Your answers are kept."),
    "reflection_submitted": N_("You have already sent your reflection for week {week}. Thank you! "
                               "Nothing was changed."),
    "reflection_answered": N_("This question is already answered. You can change answers on the summary."),
    # Development plan and peer partners.
    "too_many_goals": N_("Your plan already has {most} goals; mark some as done or keep working on them."),
    "goal_too_long": N_("That is {length} characters; please keep it to at most {most}."),
    "goal_date_far": N_("That date is too far away; please choose one within three years."),
    "goal_area_button": N_("Please choose the area with one of the buttons above."),
    "no_partner": N_("You do not have a peer partner yet; your mentors will pair you."),
    "checkin_closed": N_("This check-in is closed; nothing was changed. The next one will come next week."),
    "checkin_answered": N_("You have already answered this week's check-in. Thank you!"),
    "nobody_to_pair": N_("Everyone in this group already has a peer partner."),
    "at_most_three": N_("Choose at most three."),
    # Announcements.
    "broadcast_too_long": N_(
        "That text has {length} characters; an announcement can have at most {limit}. "
        "Please shorten it and send it again."
    ),
    "broadcast_empty": N_("The announcement is empty. Please write its text."),
    "broadcast_bad_time": N_(
        "I could not read that time. Please type a day and a time, for example {example} or “tomorrow 10:00”."
    ),
    "broadcast_time_passed": N_("That moment has already passed. Please type a time in the future."),
    "broadcast_nobody": N_("Nobody is in this audience. Please choose another audience."),
    "not_a_coordinator": N_("Only the coordinators of a programme can send announcements."),
    # Programmes, groups and invites (the command line and roster imports).
    "empty_name": N_("The name is empty."),
    "ends_before_start": N_("The end date is before the start date."),
    "programme_exists": N_("A programme named {name} already exists."),
    "group_exists": N_("Programme {programme} already has a group named {group}."),
    "unknown_province": N_("Unknown province: {province}."),
    "unknown_programme": N_("No programme with the id or name {programme}."),
    "unknown_group": N_("Programme {programme} has no group with the id or name {group}."),
    "group_required": N_("A {role} invite needs a group."),
    "coordinator_invite_has_group": N_("A coordinator invite is for a programme, not a group."),
    "group_not_in_programme": N_("That group belongs to another programme."),
    "max_uses_positive": N_("The number of uses must be at least 1."),
    "notice_missing": N_(
        "This programme has no complete KVKK notice yet, so nobody can be invited to it. Load one first: "
        "narbot notice load PROGRAMME FILE (an example is docs/notice.example.toml)."
    ),
    # A programme's development areas (narbot areas load).
    "areas_count": N_("The file must hold a list of 1 to {most} areas."),
    "area_fields": N_("Area {number} must have exactly the fields key, tr and en."),
    "area_key": N_("Area {number}: the key must be 2-32 lower-case letters, digits or _ (e.g. empathy)."),
    "area_title": N_("Area {number}: each title must be 1 to {most} characters."),
    "area_duplicate": N_("The key {key} appears twice."),
    # Mentors hear and answer (mentoring/feedback).
    "feedback_numbers_only": N_("This mentee shares the numbers only: their voice notes and photos stay with them."),
    "feedback_answered": N_("You have already answered this reply."),
    # Resources (mentoring/resources).
    "resource_gone": N_("This resource is no longer shared with you."),
    # Agenda proposals and roles (mentoring/sessions/proposals.py).
    "proposal_decided": N_("This proposal has already been decided."),
    "proposals_full": N_("You have {limit} proposals waiting for your mentors. Please wait for their answer first."),
    "role_gone": N_("This request is no longer open."),
}

# Codes whose words depend on one of their values: code -> (value name, value -> words).
# A value not listed takes the code's words in WORDS.
BY_VALUE: dict[str, tuple[str, dict[str, str]]] = {
    "access_denied": ("action", {
        "report": N_("Reports are for the group's mentors and the programme's coordinators."),
        "export": N_("Only the programme's coordinators may export its figures."),
        "see_rhythm": N_("Only a group's mentors can set its weekly rhythm."),
        "change_rhythm": N_("Only a group's mentors can set its weekly rhythm."),
        "objection": N_("Only the programme's coordinators can see and answer this request."),
        "console": N_("The web console is for the groups' mentors and the programme's coordinators."),
        "console_texts": N_("This page shows what the group's mentees wrote: it is for the group's mentors only. "
                            "Coordinators see the programme's numbers, never the texts."),
        "agenda_propose": N_("Topics for the agenda are proposed by the group's mentees."),
        "agenda_role": N_("This request was sent to someone else."),
    }),
    "session_closed": ("reason", {
        "cancelled": N_("This session has been cancelled."),
        "started": N_("This session has already started."),
    }),
}

# Where a raise site names a value differently from the words: code -> {in words: as raised}.
# (Kept until the raise sites use the words' names: plans raises text_too_long with `most`.)
SAME_VALUE: dict[str, dict[str, str]] = {
    "group_exists": {"group": "name"},
    "unknown_timezone": {"zone": "timezone"},
    "text_too_long": {"limit": "most"},
}


def worded(code: str) -> bool:
    return code in WORDS


def refusal(error: DomainError) -> Text:
    """Why nothing changed, in words any channel can show (rendered in the reader's language)."""
    msgid = WORDS.get(error.code, UNWORDED)
    if error.code in BY_VALUE:
        name, variants = BY_VALUE[error.code]
        msgid = variants.get(str(error.values.get(name)), msgid)
    values: dict[str, Any] = {
        word: error.values[raised]
        for word, raised in SAME_VALUE.get(error.code, {}).items()
        if raised in error.values
    }
    values.update(error.values)
    return Text(msgid, **values)


def describe_error(tr: Translator, error: DomainError) -> str:
    """The refusal as one line of text in the reader's language (the command line's words)."""
    if error.code not in WORDS:
        return str(error)  # an operator is better served by the code and values than by nothing
    return refusal(error).render(tr)


def refused(error: DomainError) -> Reply:
    """The reply to a refused press or message: the refusal as an alert, nothing else changes."""
    return Reply(notice=Notice(refusal(error), alert=True))
