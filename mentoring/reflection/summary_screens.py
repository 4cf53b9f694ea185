"""The reflection's summary screens: every answer as it reads, changing one, and the thanks.

Part of `mentoring.reflection.screens` (the steps are there); the question
screen uses these words for an answer given so far.
"""

from __future__ import annotations

from datetime import datetime

from mentoring.reflection.buttons import REFLECTION
from mentoring.reflection.next_todo import next_text
from mentoring.reflection.prompts import when
from mentoring.reflection.questions import Question
from mentoring.reflection.steps import ReflectionView
from mentoring.safeguarding.screens import opener
from mentoring.screens import SHORT_LABEL_MAX, Choice, Lines, Raw, Screen, Text, Words
from mentoring.text import clip
from storage.models.reflections import ReflectionAnswer

SUMMARY_BUDGET = 3000  # characters of answers in the summary, well under Telegram's 4096


# ----------------------------------------------------------------------------- words


def raw_label(text: str, prefix: str = "") -> tuple[Raw, Raw | None]:
    """A label written by people (a group's name, an option), and a short one if it is too long."""
    long = Raw(prefix + text)
    if len(long.text) <= SHORT_LABEL_MAX:
        return long, None
    return long, Raw(prefix + clip(text, SHORT_LABEL_MAX - len(prefix)))


def local(text: dict[str, str], locale: str) -> str:
    return text.get(locale, text["tr"])


def answer_words(question: Question, answer: ReflectionAnswer, locale: str, limit: int = 300) -> Words:
    """One answer as the summary shows it."""
    if answer.skipped:
        return Text("(skipped)")
    if answer.scale_value is not None:
        return Raw(f"{answer.scale_value}/5")
    if answer.choice_value is not None:
        option = next((o for o in question.options if o.key == answer.choice_value), None)
        return Raw(local(option.text, locale) if option else answer.choice_value)
    if answer.file_kind == "voice":
        seconds = answer.file_duration
        if not seconds:  # WhatsApp does not say how long a voice note is
            return Text("Voice note")
        return Text("Voice note ({duration})", duration=f"{seconds // 60}:{seconds % 60:02d}")
    if answer.file_kind == "photo":
        caption = Raw(f": {clip(answer.caption, limit)}") if answer.caption else None
        return Lines(Text("Photo"), caption, sep="")
    return Raw(clip(answer.text or "", limit))


def with_note(note: Words | None, *lines: Words | None) -> Lines:
    """The screen's lines, after a note on the last input (and an empty line) if there is one."""
    return Lines(note, Raw("") if note is not None else None, *lines)


# ----------------------------------------------------------------------------- screens


def back_to_summary(view: ReflectionView) -> Choice:
    return Choice(REFLECTION.encode("sum", reflection=view.id), Text("Back to the summary"))


def summary(view: ReflectionView, locale: str, zone: str, note: Words | None = None) -> Screen:
    """Every answer, who will see what, and the buttons to send, change or keep to numbers."""
    limit = max(60, SUMMARY_BUDGET // max(1, len(view.questions)) - 60)
    answers: list[Words] = []
    for number, asked in enumerate(view.questions, 1):
        answers.append(Raw(f"{number}. {clip(asked.wording(locale), 60)}"))
        answers.append(Lines(Raw("   → "), answer_words(asked, view.answers[asked.key], locale, limit), sep=""))
    box = Raw("☑ " if view.numbers_only else "☐ ")
    return Screen(
        with_note(
            note,
            Text("Your reflection for week {week}:", week=view.week),
            Raw(""),
            *answers,
            Raw(""),
            Text("Numbers only: your mentors will see your 1–5 answers, not your texts.")
            if view.numbers_only else Text("Your mentors will see all your answers."),
            Text("Please check your answers, then send them. It is open until {closes}.",
                 closes=when(view.closes_at, zone)),
        ),
        [[Choice(REFLECTION.encode("sub", reflection=view.id), Text("Send to my mentors"))],
         [Choice(REFLECTION.encode("chg", reflection=view.id), Text("Change an answer"))],
         [Choice(REFLECTION.encode("no", reflection=view.id),
                 Lines(box, Text("Numbers only for my mentors"), sep=""),
                 short=Lines(box, Text("Numbers only"), sep=""))],
         *_to_todo(view)],
        replace=True,
    )


def _to_todo(view: ReflectionView) -> list[list[Choice]]:
    """The button that puts a written "what next" answer on the to-do list (mentoring.reflection.next_todo)."""
    if next_text(view) is None:
        return []
    return [[Choice(REFLECTION.encode("td", reflection=view.id), Text("➕ Add my next step to my to-do list"),
                    short=Text("➕ Add as a to-do"))]]


def change_menu(view: ReflectionView, locale: str) -> Screen:
    """Which answer to change: one button per question, and back to the summary."""
    rows = []
    for number, asked in enumerate(view.questions, 1):
        prefix = f"{number}. "
        wording = asked.wording(locale)
        rows.append([Choice(REFLECTION.encode("ed", reflection=view.id, question=number - 1),
                            Raw(prefix + clip(wording, 40)),
                            short=Raw(prefix + clip(wording, SHORT_LABEL_MAX - len(prefix))))])
    rows.append([back_to_summary(view)])
    return Screen(Text("Which answer would you like to change?"), rows, replace=True)


def submitted(view: ReflectionView, next_opening: datetime | None, zone: str) -> Screen:
    return Screen(
        Lines(
            Text("Thank you! Your reflection for week {week} has been sent to your mentors.", week=view.week),
            Text("They will see only your 1–5 answers.") if view.numbers_only else None,
            Text("The next reflection opens on {when}.", when=when(next_opening, zone))
            if next_opening is not None else None,
        ),
        # The safeguarding path, where a reflection may have brought a worry to mind.
        [[opener()]],
        replace=True,
    )
