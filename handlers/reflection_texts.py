"""What the reflection flow shows: questions, the summary, and its answers to mistakes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from mentoring.button_data import REFLECTION
from mentoring.i18n import Translator
from mentoring.reflection.flow import local_moment
from mentoring.reflection.questions import Question
from mentoring.reflection.steps import (
    MAX_TEXT_CHARS,
    SKIP,
    GroupChoice,
    Outcome,
    ReflectionView,
    Step,
)
from storage.models.reflections import ReflectionAnswer

Keyboard = InlineKeyboardMarkup
SUMMARY_BUDGET = 3000  # characters of answers in the summary, well under Telegram's 4096


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def answer_text(
    tr: Translator, question: Question, answer: ReflectionAnswer, limit: int = 300
) -> str:
    _ = tr.gettext
    if answer.skipped:
        return _("(skipped)")
    if answer.scale_value is not None:
        return f"{answer.scale_value}/5"
    if answer.choice_value is not None:
        option = next((o for o in question.options if o.key == answer.choice_value), None)
        return option.text.get(tr.locale, option.text["tr"]) if option else answer.choice_value
    if answer.file_kind == "voice":
        seconds = answer.file_duration or 0
        return _("Voice note ({duration})").format(duration=f"{seconds // 60}:{seconds % 60:02d}")
    if answer.file_kind == "photo":
        return _("Photo") + (f": {_shorten(answer.caption, limit)}" if answer.caption else "")
    return _shorten(answer.text or "", limit)


def question_message(
    tr: Translator, view: ReflectionView, index: int, editing: bool
) -> tuple[str, Keyboard | None]:
    _ = tr.gettext
    question = view.questions[index]
    lines = [
        _("Reflection · week {week} · question {number} of {total}").format(
            week=view.week, number=index + 1, total=len(view.questions)
        ),
        "",
        question.wording(tr.locale),
        "",
    ]
    if question.kind == "text":
        lines.append(_("Answer in writing, or send a voice note or a photo."))
    elif question.kind == "scale":
        lines.append(_("Tap a number from 1 to 5."))
    else:
        lines.append(_("Tap one of the answers."))
    if question.optional:
        lines.append(_("This question is optional."))
    current = view.answers.get(question.key)
    if editing and current is not None:
        lines += [
            "",
            _("Your answer so far: {answer}").format(answer=answer_text(tr, question, current)),
        ]
    return "\n".join(lines), _question_buttons(tr, view, index, editing)


def _question_buttons(
    tr: Translator, view: ReflectionView, index: int, editing: bool
) -> Keyboard | None:
    _ = tr.gettext
    question = view.questions[index]

    def answer(value: int | str) -> str:
        return REFLECTION.encode("a", reflection=view.id, question=index, value=value)

    rows: list[list[InlineKeyboardButton]] = []
    if question.kind == "scale":
        rows.append(
            [InlineKeyboardButton(str(n), callback_data=answer(n)) for n in range(1, 6)]
        )
    elif question.kind == "choice":
        rows += [
            [InlineKeyboardButton(o.text.get(tr.locale, o.text["tr"]), callback_data=answer(i))]
            for i, o in enumerate(question.options)
        ]
    if question.optional:
        rows.append([InlineKeyboardButton(_("Skip"), callback_data=answer(SKIP))])
    if editing:
        rows.append(
            [InlineKeyboardButton(_("Back to the summary"), callback_data=REFLECTION.encode("sum", reflection=view.id))]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def summary_message(tr: Translator, view: ReflectionView, tz: ZoneInfo) -> tuple[str, Keyboard]:
    _ = tr.gettext
    limit = max(60, SUMMARY_BUDGET // max(1, len(view.questions)) - 60)
    lines = [_("Your reflection for week {week}:").format(week=view.week), ""]
    for number, question in enumerate(view.questions, 1):
        lines.append(f"{number}. {_shorten(question.wording(tr.locale), 60)}")
        lines.append("   → " + answer_text(tr, question, view.answers[question.key], limit))
    lines.append("")
    lines.append(
        _("Numbers only: your mentors will see your 1–5 answers, not your texts.")
        if view.numbers_only
        else _("Your mentors will see all your answers.")
    )
    lines.append(
        _("Please check your answers, then send them. It is open until {closes}.").format(
            closes=local_moment(tr, view.closes_at, tz)
        )
    )
    toggle = ("☑ " if view.numbers_only else "☐ ") + _("Numbers only for my mentors")
    return "\n".join(lines), InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("Send to my mentors"), callback_data=REFLECTION.encode("sub", reflection=view.id))],
            [InlineKeyboardButton(_("Change an answer"), callback_data=REFLECTION.encode("chg", reflection=view.id))],
            [InlineKeyboardButton(toggle, callback_data=REFLECTION.encode("no", reflection=view.id))],
        ]
    )


def change_menu_message(tr: Translator, view: ReflectionView) -> tuple[str, Keyboard]:
    _ = tr.gettext
    rows = [
        [
            InlineKeyboardButton(
                f"{n}. {_shorten(q.wording(tr.locale), 40)}",
                callback_data=REFLECTION.encode("ed", reflection=view.id, question=n - 1),
            )
        ]
        for n, q in enumerate(view.questions, 1)
    ]
    rows.append(
        [InlineKeyboardButton(_("Back to the summary"), callback_data=REFLECTION.encode("sum", reflection=view.id))]
    )
    return _("Which answer would you like to change?"), InlineKeyboardMarkup(rows)


def submitted_text(
    tr: Translator, view: ReflectionView, next_opening: datetime | None, tz: ZoneInfo
) -> str:
    _ = tr.gettext
    lines = [
        _("Thank you! Your reflection for week {week} has been sent to your mentors.").format(
            week=view.week
        )
    ]
    if view.numbers_only:
        lines.append(_("They will see only your 1–5 answers."))
    if next_opening is not None:
        lines.append(
            _("The next reflection opens on {when}.").format(
                when=local_moment(tr, next_opening, tz)
            )
        )
    return "\n".join(lines)


def choose_group_message(tr: Translator, groups: tuple[GroupChoice, ...]) -> tuple[str, Keyboard]:
    return tr.gettext(
        "You are a mentee in more than one group. Which group is this reflection for?"
    ), InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(g.name, callback_data=REFLECTION.encode("grp", group=g.group_id, week=g.week))]
            for g in groups
        ]
    )


def not_open_text(tr: Translator, next_opening: datetime | None, tz: ZoneInfo) -> str:
    _ = tr.gettext
    if next_opening is None:
        return _("There are no more reflections in your programme. Thank you for all of them!")
    return _("There is no reflection open right now. The next one opens on {when}.").format(
        when=local_moment(tr, next_opening, tz)
    )


def not_mentee_text(tr: Translator) -> str:
    return tr.gettext("Weekly reflections are written by mentees; they are not part of your role.")


def stale_week_text(tr: Translator, week: int | None) -> str:
    return tr.gettext(
        "This invitation was for week {week}, which is no longer open. "
        "Send /reflect for the current reflection."
    ).format(week=week)


def closed_text(tr: Translator, week: int | None) -> str:
    return tr.gettext(
        "The reflection for week {week} has closed, so nothing was changed. Your answers are kept."
    ).format(week=week)


def already_submitted_text(tr: Translator, week: int | None) -> str:
    return tr.gettext(
        "You have already sent your reflection for week {week}. Thank you! Nothing was changed."
    ).format(week=week)


def answered_before_text(tr: Translator) -> str:
    return tr.gettext("This question is already answered. You can change answers on the summary.")


def too_long_text(tr: Translator, length: int) -> str:
    return tr.gettext(
        "That is {length} characters; one answer can have at most {limit}. Please shorten "
        "it or send a voice note. The question is still waiting:"
    ).format(length=length, limit=MAX_TEXT_CHARS)


def unsupported_text(tr: Translator) -> str:
    return tr.gettext(
        "Here I can take a written answer, a voice note or a photo. The question is still waiting:"
    )


def use_buttons_text(tr: Translator) -> str:
    return tr.gettext("Please answer with the buttons below.")


def refusal_text(tr: Translator, step: Step) -> str | None:
    """The note for a step that changes nothing (shown on the pressed button), if it is one."""
    match step.outcome:
        case Outcome.FOREIGN:
            return tr.gettext("That is not available to you.")
        case Outcome.NOT_MENTEE:
            return not_mentee_text(tr)
        case Outcome.STALE_WEEK:
            return stale_week_text(tr, step.week)
        case Outcome.CLOSED:
            return closed_text(tr, step.week)
        case Outcome.ALREADY_SUBMITTED:
            return already_submitted_text(tr, step.week)
        case Outcome.ANSWERED_BEFORE:
            return answered_before_text(tr)
    return None


def step_message(
    tr: Translator, step: Step, tz: ZoneInfo, note_length: int = 0
) -> tuple[str, Keyboard | None]:
    """The message for a step of the flow (any note about the last input first)."""
    view = step.reflection
    if step.outcome is Outcome.CHOOSE_GROUP:
        return choose_group_message(tr, step.groups)
    if step.outcome is Outcome.NOT_OPEN:
        return not_open_text(tr, step.moment, tz), None
    assert view is not None
    if step.outcome is Outcome.SUBMITTED:
        return submitted_text(tr, view, step.moment, tz), None
    if step.outcome is Outcome.CHANGE_MENU:
        return change_menu_message(tr, view)
    if step.question is not None:
        text, markup = question_message(tr, view, step.question, step.editing)
    else:
        text, markup = summary_message(tr, view, tz)
    note = {
        Outcome.TOO_LONG: lambda: too_long_text(tr, note_length),
        Outcome.UNSUPPORTED: lambda: unsupported_text(tr),
        Outcome.USE_BUTTONS: lambda: use_buttons_text(tr),
    }.get(step.outcome)
    return (note() + "\n\n" + text if note else text), markup
