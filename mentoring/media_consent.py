"""Voice notes and photos given to a flow that keeps them: only with the person's explicit consent.

The first one sent to such a flow (`entries.MEDIA_FLOWS`) is held in the wait,
by the channel's file reference only, while the person is asked; a yes gives
the held file to the question it answered, a no keeps nothing and the
question asks for text (later ones get that request straight away). KVKK
art. 6: voice and photos may reveal more than the words, so they need a
consent of their own (mentoring/privacy/explicit.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.conversation import Waiting
from mentoring.joining import screens as joining_screens
from mentoring.joining.rules import MemberView
from mentoring.joining.screens import Outcome
from mentoring.privacy import consent_screens, explicit
from mentoring.privacy.buttons import OPTIN
from mentoring.screens import Input, Photo, Reply, Screen, Text, Voice, button_of

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[object]]


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime,
                 flows: Mapping[str, Step]) -> Outcome:
    """An explicit consent's answer; for media, also what becomes of the voice note or photo held for it:
    after a yes it goes to the question it answered (`flows`: every waiting flow's step)."""
    button = button_of(given, OPTIN)
    waiting = await conversation.waiting(session, member.person_id)
    media = conversation.held_media(waiting)
    if button.values.get("purpose") != explicit.MEDIA or button.action not in ("yes", "no") \
            or media is None or waiting is None:
        return await consent_screens.optin_press(session, member, given, now)
    yes = button.action == "yes"
    await explicit.decide(session, member.person_id, explicit.MEDIA, yes, now)
    waiting = await conversation.drop_media(session, member.person_id, waiting, now)
    if not yes:
        return Outcome(Reply(Screen(consent_screens.write_instead(), replace=True)), locale=member.locale)
    thanks = Screen(Text("Thank you, that is recorded: what you sent is kept as your answer."), replace=True)
    answered = await flows.get(waiting.flow, joining_screens.unexpected)(session, member, media, now)
    screens = answered.screens if isinstance(answered, Reply) else ()
    return Outcome(Reply(thanks, *screens), locale=member.locale)


async def held_for_consent(session: AsyncSession, member: MemberView, given: Input, waiting: Waiting,
                           now: datetime) -> Reply | None:
    """A voice note or photo for a flow that keeps it: None when the person's consent covers it,
    else the question (the media held until they answer) or, after a no, the request to write."""
    assert isinstance(given, (Voice, Photo))
    decision = await explicit.given(session, member.person_id, explicit.MEDIA)
    if decision is True:
        return None
    if decision is False:
        return Reply(Screen(consent_screens.write_instead()))
    await conversation.hold_media(session, member.person_id, waiting, given, now)
    return Reply(consent_screens.media_question())
