"""After "not done", the new steps on offer (E.5.5), as screens any channel can show.

Pure builders; the steps that show them are in `mentoring.todos.screens`, the
rules in `mentoring.todos.next_steps`.
"""

from __future__ import annotations

from datetime import date

from mentoring.audiences import sentence
from mentoring.dates import typed_day_hint
from mentoring.screens import Awaits, Choice, Expect, Lines, Raw, Screen, Text, Words
from mentoring.text import clip
from mentoring.todos.buttons import TODOS
from mentoring.todos.list_screens import AWAITS_DATE, LINE_MAX, detail, detail_words
from mentoring.todos.next_steps import HelpAsked
from mentoring.todos.rules import FLOW_SMALLER
from mentoring.todos.views import TodoView

AWAITS_SMALLER = Awaits(Expect.TEXT, FLOW_SMALLER)


def _to_the_todo(todo_id: int, label: Words) -> Choice:
    return Choice(TODOS.encode("v", todo=todo_id, page=0), label)


def offer(item: TodoView, note: Words) -> Screen:
    """The reason is noted: the to-do as it is now, and what could come next."""
    return Screen(
        Lines(note, Raw(""), detail_words(item), Raw(""), Text("What could your next step be?")),
        [[Choice(TODOS.encode("sm", todo=item.id), Text("✂️ Make it smaller"))],
         [Choice(TODOS.encode("lt", todo=item.id), Text("🗓 Try it later"))],
         [Choice(TODOS.encode("hp", todo=item.id), Text("🙋 Ask for help"))],
         [_to_the_todo(item.id, Text("Not now"))]],
        replace=True,
    )


def smaller_prompt(item: TodoView) -> Screen:
    return Screen(
        Lines(Text("A smaller step of “{todo}”:", todo=clip(item.text or "…", LINE_MAX)),
              Text("Write in one message one part of it you can surely do this week, for example "
                   "“Ask one child what they would like to cook”.")),
        awaits=AWAITS_SMALLER,
        replace=True,
    )


def later_question(today: date) -> Screen:
    """Ask for the day to try again; the answer moves the same to-do (the postpone path)."""
    return Screen(Lines(Text("When do you want to try it again?"), typed_day_hint(today)),
                  awaits=AWAITS_DATE, replace=True)


def help_question(todo_id: int, names: list[str]) -> Screen:
    """Who will see the request, before it is sent."""
    return Screen(
        Lines(Text(sentence("todo_help"), names=", ".join(names)), Raw(""), Text("Shall I send your request?")),
        [[Choice(TODOS.encode("hpok", todo=todo_id), Text("🙋 Yes, ask them"))], [_to_the_todo(todo_id, Text("◀ Back"))]],
        replace=True,
    )


def help_sent(asked: HelpAsked) -> Screen:
    names = ", ".join(asked.mentors)
    note = (Text("Sent to your mentors: {names}.", names=names) if asked.new
            else Text("Your mentors already have this request: {names}.", names=names))
    return detail(asked.item, note)
