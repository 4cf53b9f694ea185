"""/report and /export as a channel-neutral conversation: the steps driven without any channel.

What every adapter relies on: which page each role is shown, in the reader's
language; the buttons (data the codec reads, labels that fit small buttons);
paging; the export as a document; and refusals worded by mentoring/refusals.py.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView
from mentoring.refusals import refusal
from mentoring.reports import screens
from mentoring.reports.buttons import REPORTS
from mentoring.reports.exports import EXPORT_ACTION
from mentoring.reports.views import REPORT_ACTION
from mentoring.screens import Input, Pressed, Reply, Screen, Typed, short_labels_too_long
from mentoring.settings.buttons import SETTINGS
from storage.models import Role
from storage.models.privacy import AuditEntry
from tests.support.reporting import SECRET, Reporting, seed_reporting
from tests.support.sessions import make_member

TR, EN = translator("tr"), translator("en")
COMMAND = Typed("/report")


@pytest.fixture
async def data(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> Reporting:
    return await seed_reporting(sessions, clock.now())


async def step(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, who: MemberView,
               run: screens.Step, given: Input = COMMAND) -> Reply:
    """One step in one transaction, as an adapter runs it."""
    async with sessions.begin() as session:
        return await run(session, who, given, clock.now())


async def refused(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, who: MemberView,
                  run: screens.Step, given: Input = COMMAND) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await step(sessions, clock, who, run, given)
    return caught.value


def only_screen(reply: Reply) -> Screen:
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


def offered(screen: Screen) -> list[tuple[str, dict[str, object]]]:
    """Each choice as the codec reads it back: (action, values)."""
    return [(b.action, dict(b.values)) for b in (Pressed(c.data).decode(REPORTS) for c in screen.all_choices())]


def labels(screen: Screen, tr=TR) -> list[str]:  # type: ignore[no-untyped-def]
    return [choice.label.render(tr) for choice in screen.all_choices()]


async def audit(sessions: async_sessionmaker[AsyncSession], action: str) -> list[AuditEntry]:
    async with sessions() as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def test_a_coordinator_sees_the_programme_and_opens_a_province_and_the_impact(sessions, clock, data) -> None:
    overview = only_screen(await step(sessions, clock, data.koray, screens.start))
    text = overview.text.render(TR)
    assert "Nar Raporu, 12. hafta" in text and "Gruplar: 2 · mentiler: 4 · mentorlar: 3" in text
    assert SECRET not in text and overview.media is None and overview.replace
    pid = data.programme.id
    provinces = [values["province"] for action, values in offered(overview) if action == "pv"]
    assert len(provinces) == 2
    assert ("i", {"programme": pid, "page": 0}) in offered(overview)
    assert ("x", {"programme": pid}) in offered(overview)
    assert {"Ankara", "İzmir", "Etki analizi", "CSV olarak dışa aktar"} <= set(labels(overview))
    for locale in SUPPORTED_LOCALES:
        assert short_labels_too_long(overview, translator(locale)) == []
    ankara = provinces[labels(overview).index("Ankara")]
    province = only_screen(await step(sessions, clock, data.koray, screens.press,
                                      Pressed(REPORTS.encode("pv", programme=pid, province=ankara))))
    assert "Gruplar: 1 · mentiler: 3 · mentorlar: <3" in province.text.render(TR) and province.replace
    assert offered(province)[0] == ("o", {"programme": pid})
    assert labels(province, EN)[0] == "‹ The whole programme"
    assert next(c.short_label(EN) for c in province.all_choices()) == "‹ Programme"
    impact = only_screen(await step(sessions, clock, data.koray, screens.press,
                                    Pressed(REPORTS.encode("i", programme=pid, page=0))))
    assert "2,7 → 4,0 (+1,3), n=3" in impact.text.render(TR)
    assert offered(impact) == [("o", {"programme": pid})]  # one page: no paging
    views = [entry.details["view"] for entry in await audit(sessions, REPORT_ACTION)]
    assert views == ["overview", "province", "impact"]


async def test_a_mentor_pages_through_the_groups_progress(sessions, clock, data) -> None:
    group = data.group_b
    for number in range(24):  # enough mentees for more than one page
        await make_member(sessions, clock.now(), group, Role.MENTEE, 95_000 + number,
                          name=f"Mentee {number:02d} " + "x" * 60)
    first = only_screen(await step(sessions, clock, data.deniz, screens.start))
    assert "İlerleme raporu: Grup B (12. hafta)" in first.text.render(TR)
    assert offered(first) == [("g", {"group": group.id, "page": 1}), ("gi", {"group": group.id, "page": 0})]
    assert labels(first, EN) == ["Next ›", "Impact report"]
    second = only_screen(await step(sessions, clock, data.deniz, screens.press,
                                    Pressed(REPORTS.encode("g", group=group.id, page=1))))
    assert ("g", {"group": group.id, "page": 0}) in offered(second) and "‹ Previous" in labels(second, EN)
    assert second.text.render(TR) != first.text.render(TR)
    # A page past the end shows the last one: a way back, none further.
    beyond = only_screen(await step(sessions, clock, data.deniz, screens.press,
                                    Pressed(REPORTS.encode("g", group=group.id, page=50))))
    [back] = [values["page"] for action, values in offered(beyond) if action == "g"]
    assert labels(beyond, EN) == ["‹ Previous", "Impact report"] and 0 <= back < 50
    last = only_screen(await step(sessions, clock, data.deniz, screens.press,
                                  Pressed(REPORTS.encode("g", group=group.id, page=back + 1))))
    assert last.text.render(TR) == beyond.text.render(TR)
    impact = only_screen(await step(sessions, clock, data.deniz, screens.press,
                                    Pressed(REPORTS.encode("gi", group=group.id, page=0))))
    assert "Grup: Grup B" in impact.text.render(TR)
    assert offered(impact)[-1] == ("g", {"group": group.id, "page": 0})
    assert await audit(sessions, REPORT_ACTION) == []  # a mentor's own group: not a coordinator's view


async def test_the_export_is_a_document_for_coordinators_only(sessions, clock, data) -> None:
    document = only_screen(await step(sessions, clock, data.carol, screens.export, Typed("/export")))
    media = document.media
    assert media is not None and media.kind == "document" and media.content is not None
    assert media.filename == "narbot-export-2026-11-23.zip"
    assert document.text.render(EN) == (
        "Nar Raporu: figures as CSV files (UTF-8). No texts people wrote are included.")
    with zipfile.ZipFile(io.BytesIO(media.content)) as archive:
        assert "people.csv" in archive.namelist()
        assert SECRET.encode() not in b"".join(archive.read(name) for name in archive.namelist())
    button = only_screen(await step(sessions, clock, data.koray, screens.press,
                                    Pressed(REPORTS.encode("x", programme=data.programme.id))))
    assert button.media is not None and button.media.kind == "document"
    assert len(await audit(sessions, EXPORT_ACTION)) == 2
    for who, run, given in ((data.zeynep, screens.export, Typed("/export")),
                            (data.olga, screens.press, Pressed(REPORTS.encode("x", programme=data.programme.id)))):
        error = await refused(sessions, clock, who, run, given)
        assert refusal(error).render(EN) == "Only the programme's coordinators may export its figures."
    assert len(await audit(sessions, EXPORT_ACTION)) == 2


async def test_refusals(sessions, clock, data) -> None:
    error = await refused(sessions, clock, data.ayse, screens.start)
    assert refusal(error).render(TR) == "Raporlar grubun mentorları ve programın koordinatörleri içindir."
    # Someone else's programme or group, by a button: the general words, nothing recorded.
    for who, given in ((data.olga, Pressed(REPORTS.encode("o", programme=data.programme.id))),
                       (data.deniz, Pressed(REPORTS.encode("g", group=data.group_a.id, page=0)))):
        error = await refused(sessions, clock, who, screens.press, given)
        assert refusal(error).render(EN) == "That is not available to you."
    for given in (Pressed("rpt:g:abc"), Pressed(SETTINGS.encode("menu")), Typed("hello")):
        error = await refused(sessions, clock, data.koray, screens.press, given)
        assert error.code == "stale_button"
    assert await audit(sessions, REPORT_ACTION) == []
