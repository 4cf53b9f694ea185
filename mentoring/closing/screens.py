"""/closing as a conversation any channel can hold (issue #14, point 6).

A mentee: the closing sequence at the step they are at (mentoring.closing.rules.STEPS), each step
stored when answered, each skippable; before the window they are told when it opens. A mentor: the
survey summary of their group(s) (aggregates only, small cells hidden) and a button per mentee to
suggest a way to go on, which the mentee sees first in their recommendations step. A coordinator: the
survey summaries of their programme's groups. Typed answers wait in the person's conversation row
(flows "closing" and "closing_suggest"), so a restart continues.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, conversation
from mentoring.closing import rules, survey
from mentoring.closing.buttons import CLOSING
from mentoring.closing.rules import Context
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.plans import assessment
from mentoring.plans.screens import area_title
from mentoring.safeguarding.hint import NO_CHILD_NAMES
from mentoring.screens import (
    Awaits,
    Choice,
    Decimal,
    Expect,
    Input,
    Lines,
    Moment,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Words,
    button_of,
)
from storage.models import Role
from storage.models.closing import TEXT_MAX
from storage.models.closing import ClosingProgress as Progress

FLOW = "closing"
SUGGEST_FLOW = "closing_suggest"
AWAITS = Awaits(Expect.TEXT, FLOW)
AWAITS_SUGGESTION = Awaits(Expect.TEXT, SUGGEST_FLOW)

HINT = NO_CHILD_NAMES
QUESTIONS = {
    "r1": Text("Looking back over the programme: what has changed in how you work with the children?"),
    "r2": Text("What was the most useful thing you learnt or tried?"),
    "r3": Text("What do you want to keep doing after the programme?"),
}
SURVEY = {
    "fac": Text("How well did the mentors guide the group sessions? 1 = not at all, 5 = very well."),
    "cli": Text("How safe and supportive was the climate in your group? 1 = not at all, 5 = very."),
    "prs": Text("How useful was working with your peer partner? 1 = not at all, 5 = very."),
}
SURVEY_TITLES = {
    "facilitation": Text("The mentors' facilitation"),
    "climate": Text("The group climate"),
    "pairs": Text("The peer pairs"),
}
PAIR_LABELS = {"yes": Text("Yes, we go on"), "no": Text("No"), "unsure": Text("Not sure yet")}


def _skip(step: int, words: Words | None = None) -> Choice:
    return Choice(CLOSING.encode("sk", step=step), words or Text("Skip"))


def _head(row: Progress) -> Words:
    return Text("Closing steps ({number} of {total})", number=row.step + 1, total=len(rules.STEPS))


async def current(session: AsyncSession, ctx: Context, row: Progress, now: datetime,
                  note: Words | None = None) -> Reply:
    """The screen of the step the mentee is at; it sets (or clears) what their next text answers."""
    name = rules.step_name(row)
    person = ctx.person_id
    waits = name in (*rules.REFLECTION_QUESTIONS, rules.RECS, rules.NOTE)
    if waits:
        await conversation.expect(session, person, FLOW, name or "", now)
    else:
        await conversation.clear(session, person, FLOW)
    lead: list[Words | None] = [note, Raw("") if note is not None else None]
    if name is None:
        return Reply(Screen(Lines(*lead, Text("Thank you! You have finished the closing steps. All the best "
                                              "for what comes next."))))
    step = row.step
    if name == rules.ASSESS:
        asked = await assessment.progress(session, ctx.plan(), "end")
        area = asked.next_area
        assert area is not None  # a finished assessment moved the step on
        return Reply(Screen(
            Lines(*lead, _head(row), Text("Your end self-assessment ({number} of {total})",
                                          number=asked.answered + 1, total=asked.total), Raw(""),
                  area_title(area, ctx.member.locale), Raw(""),
                  Text("How would you rate yourself? 1 = just starting, 5 = very confident.")),
            [[Choice(CLOSING.encode("sa", step=step, area=area.key, score=score), Raw(str(score)))
              for score in range(1, 6)], [_skip(step)]]))
    if name in rules.REFLECTION_QUESTIONS:
        return Reply(Screen(
            Lines(*lead, _head(row), Text("A closing reflection"), Raw(""), QUESTIONS[name], HINT,
                  Text("Write a short answer (at most {limit} characters).", limit=TEXT_MAX)),
            [[_skip(step)]], awaits=AWAITS))
    if name == rules.SUMMARY:
        return Reply(_summary(row, await rules.summary(session, ctx, now), lead))
    if name == rules.RECS:
        return Reply(await _recommendations(session, ctx, row, lead))
    if name == rules.PAIR:
        return Reply(Screen(
            Lines(*lead, _head(row), Text("Will you and your peer partner go on talking after the programme?")),
            [[Choice(CLOSING.encode("pc", step=step, choice=key), label) for key, label in PAIR_LABELS.items()],
             [_skip(step)]]))
    if name in rules.SURVEY_QUESTIONS:
        return Reply(Screen(
            Lines(*lead, _head(row), Text("A short survey about the programme (answers are shown to mentors "
                                          "only as totals, never who answered what)."), Raw(""), SURVEY[name]),
            [[Choice(CLOSING.encode("sv", step=step, score=score), Raw(str(score))) for score in range(1, 6)],
             [_skip(step)]]))
    return Reply(Screen(
        Lines(*lead, _head(row), Text("Anything else you want to tell the programme team? Write it, or tap "
                                      "“Finish”. Your text is read only by the programme team."), HINT),
        [[_skip(step, Text("Finish"))]], awaits=AWAITS))


def _summary(row: Progress, figures: rules.Summary, lead: list[Words | None]) -> Screen:
    return Screen(
        Lines(*lead, _head(row), Text("Your progress in the programme"), Raw(""),
              Text("Goals reached: {done} of {total}", done=figures.goals_done, total=figures.goals),
              Text("To-dos done: {done} of {total}", done=figures.todos_done, total=figures.todos),
              Text("Group sessions attended: {attended} of {held} held", attended=figures.sessions_attended,
                   held=figures.sessions_held),
              Text("Reflections sent: {sent} in {weeks} weeks", sent=figures.reflections, weeks=figures.weeks)),
        [[_skip(row.step, Text("Continue"))]])


async def _recommendations(session: AsyncSession, ctx: Context, row: Progress,
                           lead: list[Words | None]) -> Screen:
    suggested = await rules.suggestions(session, ctx)
    own = await rules.own_recommendations(session, ctx)
    lines: list[Words | None] = [*lead, _head(row), Text("How will you go on alone?")]
    if suggested:
        lines += [Raw(""), Text("Your mentors suggest:")]
        lines += [Text("• {text} ({name})", text=item.text, name=item.author or "") for item in suggested]
    if own:
        lines += [Raw(""), Text("You wrote:")] + [Raw(f"• {text}") for text in own]
    lines += [Raw(""), Text("Write one thing you will keep doing on your own (up to {count}), then tap “Done”.",
                            count=rules.RECOMMENDATIONS_MAX)]
    return Screen(Lines(*lines), [[_skip(row.step, Text("Done"))]], awaits=AWAITS)


def _not_open(ctx: Context) -> Reply:
    if ctx.state == "no_end" or ctx.window is None:
        return Reply(Screen(Text("Your programme has no end date yet, so its closing steps are not open.")))
    if ctx.state == "not_yet":
        return Reply(Screen(Text("The closing steps open in the programme's last two weeks, on {day}. "
                                 "You will get a message then.", day=Moment(ctx.window.opens_on, show="date"))))
    return Reply(Screen(Text("The closing steps of your programme are closed.")))


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/closing: a mentee's closing steps where they left off; a mentor's or coordinator's summary."""
    if Role.MENTEE in member.role_set:
        ctx = await rules.context(session, member, now)
        if ctx.state != "open":
            return _not_open(ctx)
        return await current(session, ctx, await rules.progress(session, ctx, now), now)
    return await mentor_view(session, member)


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A closing button; one for another step than the current is stale and changes nothing."""
    button = button_of(given, CLOSING)
    if button.action in ("ms", "mc"):
        return await _mentor_press(session, member, button.action, button.values.get("person"), now)
    ctx = await rules.context(session, member, now)
    if ctx.state != "open":
        return _not_open(ctx)
    row = await rules.progress(session, ctx, now)
    action = button.action
    if action == "sk":
        rules.skip(row, button["step"], now)
    elif action == "sa":
        await rules.score_area(session, ctx, row, button["step"], button["area"], button["score"], now)
    elif action == "pc":
        await rules.choose_pair(row, button["step"], button["choice"], now)
    elif action == "sv":
        await rules.score_survey(session, ctx, row, button["step"], button["score"], now)
    await session.flush()
    return await current(session, ctx, row, now)


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The typed answer the current step waits for."""
    waiting = await conversation.waiting(session, member.person_id)
    if waiting is None or waiting.flow != FLOW:
        raise DomainError("stale")
    if not isinstance(given, Typed):
        raise DomainError("text_expected")
    ctx = await rules.context(session, member, now)
    if ctx.state != "open":
        await conversation.clear(session, member.person_id, FLOW)
        return _not_open(ctx)
    row = await rules.progress(session, ctx, now)
    if rules.step_name(row) != waiting.step:
        return await current(session, ctx, row, now)
    await rules.answer_text(session, ctx, row, given.text, now)
    return await current(session, ctx, row, now, Text("Saved."))


async def resume(session: AsyncSession, waiting: Waiting) -> tuple[Words, Choice | None]:
    """What another feature's entry paused, and the way back."""
    if waiting.flow == SUGGEST_FLOW:
        return Text("Your suggestion was not sent. Send /closing to start again."), None
    return (Text("Your closing steps are paused; your answers so far are kept."),
            Choice(CLOSING.encode("go"), Text("Back to the closing steps"), short=Text("Closing steps")))


# ----------------------------------------------------------------------------- mentors and coordinators


def _survey_lines(found: survey.GroupSurvey) -> list[Words | None]:
    lines: list[Words | None] = [Raw(""), Text("👥 {group}: end-of-programme survey", group=found.group_name)]
    if found.hidden:
        lines.append(Text("Fewer than {count} answers so far: nothing is shown, so no one can be recognised.",
                          count=survey.SMALL_CELL))
        return lines
    lines.append(Text("Answers: {count}", count=found.respondents))
    for item in found.items:
        title = SURVEY_TITLES[item.question]
        if item.average is None or item.counts is None:
            lines.append(Lines(title, Text("too few answers to show"), sep=": "))
            continue
        spread = " · ".join(f"{score}: {count}" for score, count in zip(range(1, 6), item.counts, strict=True))
        lines.append(Lines(title, Text("{average} on average (n={count}; {spread})",
                                       average=Decimal(item.average), count=item.answers, spread=spread),
                           sep=": "))
    return lines


async def mentor_view(session: AsyncSession, member: MemberView, note: Words | None = None) -> Reply:
    found = await survey.group_surveys(session, member)
    if not found:
        raise access.AccessDenied("closing")
    mentees = await rules.mentees_of(session, member)
    lines: list[Words | None] = [note, Raw("") if note is not None else None,
                                 Text("The end of the programme: your groups' survey (totals only) and "
                                      "suggestions for your mentees")]
    for group in found:
        lines += _survey_lines(group)
    rows = [[Choice(CLOSING.encode("ms", person=mentee.person_id),
                    Text("💡 Suggest to {name}", name=mentee.name), short=Text("💡 {name}", name=mentee.name[:16]))]
            for mentee in mentees]
    if mentees:
        lines += [Raw(""), Text("A suggestion appears in the mentee's closing steps, before they write their own.")]
    return Reply(Screen(Lines(*lines), rows))


async def _mentor_press(session: AsyncSession, member: MemberView, action: str, person_id: int | None,
                        now: datetime) -> Reply:
    await conversation.clear(session, member.person_id, SUGGEST_FLOW)
    if action == "mc" or person_id is None:
        return Reply(Screen(Text("Nothing was sent."), replace=True))
    mentee = await rules.mentee_for(session, member, person_id)
    await conversation.expect(session, member.person_id, SUGGEST_FLOW, "text", now, {"person": mentee.person_id})
    return Reply(Screen(
        Lines(Text("Write your suggestion for {name}: one way to go on after the programme (at most {limit} "
                   "characters).", name=mentee.name, limit=TEXT_MAX), HINT),
        [[Choice(CLOSING.encode("mc"), Text("Cancel"))]], awaits=AWAITS_SUGGESTION))


async def suggestion(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """The mentor's typed suggestion."""
    waiting = await conversation.waiting(session, member.person_id)
    if waiting is None or waiting.flow != SUGGEST_FLOW or not isinstance(waiting.data.get("person"), int):
        raise DomainError("stale")
    if not isinstance(given, Typed):
        raise DomainError("text_expected")
    mentee = await rules.suggest(session, member, waiting.data["person"], given.text, now)
    await conversation.clear(session, member.person_id, SUGGEST_FLOW)
    return await mentor_view(session, member, Text("Sent to {name}: they will see it in their closing steps.",
                                                   name=mentee.name))
