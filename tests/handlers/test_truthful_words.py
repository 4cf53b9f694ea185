"""Words that say who sees what, and how people are named, through the real handlers (issue #13, point 5).

The goal card's sentence is checked against what the partner and the mentor really get;
a partner who erased their data is "a former member"; three partners are a trio; /mydata's
file names each kind of record in the reader's words.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from telegram.ext import Application

from mentoring.access import AccessDenied
from mentoring.clock import ManualClock
from mentoring.digest.detail import mentee_detail
from mentoring.joining.rules import view_of_person
from storage.models import OutboxMessage, Person
from tests.handlers.test_peers import a_group
from tests.support.offline import OfflineBotApi
from tests.support.plans import chat_of
from tests.support.privacy import capture_documents, json_document

GOAL = "Talk calmly in hard moments"
TABLE_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


async def test_the_goal_card_says_who_sees_the_goal_and_it_is_so(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, setup, (ayse_view, elif_view), mentor = await a_group(app_and_api, clock, ["Ayşe", "Elif"], "en")
    await mentor.send("/pairs")
    await mentor.press("Pair automatically")
    ayse = await chat_of(sessions, mentor.app, mentor.api, ayse_view)
    elif_ = await chat_of(sessions, mentor.app, mentor.api, elif_view)

    await ayse.send("/plan")
    await ayse.press("New goal")
    await ayse.send(GOAL)
    await ayse.send("I note it three times a week")
    await ayse.press("In a month")
    card = ayse.last_text()
    assert "Your mentors can see this goal; your peer partner cannot." in card
    assert "Only you can see this goal." not in card

    # The partner does not see it ...
    await elif_.send("/partner")
    assert "👤 Ayşe" in elif_.last_text() and GOAL not in elif_.last_text()
    # ... and the group's mentor does (the digest's mentee detail), as the card says.
    async with sessions.begin() as session:
        mentor_id = await session.scalar(select(Person.id).where(Person.display_name == "Mentor"))
        mentor_view = await view_of_person(session, mentor_id)
        assert mentor_view is not None
        detail = await mentee_detail(session, mentor_view, setup.groups[0].id, ayse_view.person_id, clock.now(), "en")
        assert [what for what, _status in detail.goals] == [GOAL]
        # A fellow mentee is no mentor: the detail is refused.
        try:
            await mentee_detail(session, elif_view, setup.groups[0].id, ayse_view.person_id, clock.now(), "en")
        except AccessDenied:
            pass
        else:
            raise AssertionError("a fellow mentee read another mentee's goals")

    await ayse.press("Share with my partner")
    assert "Your mentors and your peer partner can see this goal." in ayse.last_text()
    await elif_.send("/partner")
    assert f"• {GOAL}" in elif_.last_text()


async def test_a_trio_is_called_a_trio_and_an_erased_partner_a_former_member(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, _setup, mentees, mentor = await a_group(app_and_api, clock, ["Ayşe", "Elif", "Fatma"], "en")
    await mentor.send("/pairs")
    await mentor.press("Pair automatically")
    assert "1. Ayşe — Elif — Fatma (trio)" in mentor.last_text()
    assert "End trio 1" in mentor.buttons()
    async with sessions() as session:
        notices = (await session.scalars(select(OutboxMessage.text).where(OutboxMessage.kind == "peer_pair"))).all()
    assert len(notices) == 3 and all(text.startswith("You are in a peer trio with ") for text in notices)

    ayse = await chat_of(sessions, mentor.app, mentor.api, mentees[0])
    elif_ = await chat_of(sessions, mentor.app, mentor.api, mentees[1])
    await ayse.send("/partner")
    assert ayse.last_text().startswith("Your peer trio partners:")
    assert "👤 Elif" in ayse.last_text() and "👤 Fatma" in ayse.last_text()

    await elif_.send("/forgetme")
    await elif_.press("Yes, erase my data")
    assert elif_.last_text().startswith("Your data has been erased.")

    await ayse.send("/partner")
    page = ayse.last_text()
    assert "👤 a former member" in page and "👤 Fatma" in page
    assert "👤 —" not in page and "Elif" not in page
    await mentor.send("/pairs")
    assert "1. Ayşe — Fatma — a former member (trio)" in mentor.last_text()
    assert "Elif" not in mentor.last_text()


async def test_the_mydata_file_names_each_kind_of_record_in_the_readers_words(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    sessions, _setup, mentees, mentor = await a_group(app_and_api, clock, ["Ayşe", "Elif"], "tr")
    await mentor.send("/pairs")
    await mentor.press("Otomatik eşleştir")
    ayse = await chat_of(sessions, mentor.app, mentor.api, mentees[0])
    await ayse.send("/plan")
    await ayse.press("Öncelikli alanlar")
    await ayse.press("Okul desteği")
    await ayse.press("Tamam")
    documents = capture_documents(ayse.api)

    await ayse.send("/mydata")

    _name, data = json_document(documents)
    contents = {entry["where"]: entry for entry in data["contents"]}
    assert contents["tables.peer_pair_members"]["what"] == "Eş düzey ikilileriniz"
    assert contents["tables.plan_area_choices"]["records"] == 1
    assert set(contents) == {f"tables.{name}" for name in data["tables"]}
    assert not [entry["what"] for entry in data["contents"] if TABLE_NAME.search(entry["what"])]
    summary = ayse.texts()[-2]
    assert "peer_pair_members" not in summary and "plan_area_choices" not in summary
