"""/report and /export through the real handlers: who sees what, in which language, and refusals."""

from __future__ import annotations

import csv
import io
import zipfile

from sqlalchemy import select

from mentoring.reports.exports import EXPORT_ACTION
from mentoring.reports.rules import plan_progress_reports, stage_moments
from mentoring.reports.views import REPORT_ACTION
from storage.models.privacy import AuditEntry
from tests.support.offline import ChatUser
from tests.support.privacy import capture_documents
from tests.support.reporting import SECRET, USER_IDS, seed_reporting
from tests.support.sessions import delivered, rows


def chat(app_and_api, who: str, language: str = "tr") -> ChatUser:
    app, api = app_and_api
    return ChatUser(app, api, user_id=USER_IDS[who], first_name=who.capitalize(), last_name=None,
                    language_code=language)


async def audit_of(sessions, action: str) -> list[AuditEntry]:
    async with sessions() as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def test_coordinator_sees_the_programme_per_province_and_is_audited(app_and_api, app_sessions, clock):
    data = await seed_reporting(app_sessions, clock.now())
    koray = chat(app_and_api, "koray")
    await koray.send("/report")
    text = koray.last_text()
    assert "Nar Raporu, 12. hafta" in text and "Programın tamamı" in text
    assert "Gruplar: 2 · mentiler: 4 · mentorlar: 3" in text
    assert "Ulaşılamayan (botu engelleyen veya Telegram'dan ayrılan): <3" in text  # one person: a small cell
    assert "12. hafta: <3/4" in text
    assert {"Ankara", "İzmir", "Etki analizi", "CSV olarak dışa aktar"} <= set(koray.buttons())
    assert "Başka Program" not in text and SECRET not in text
    await koray.press("Ankara")
    ankara = koray.last_text()
    assert "Ankara" in ankara and "Gruplar: 1 · mentiler: 3 · mentorlar: <3" in ankara
    assert "Yapılan görüşmeler: 2 · katılım: %50" in ankara
    await koray.press("Etki analizi")
    impact = koray.last_text()
    assert "Etki analizi: Nar Raporu" in impact and "2,7 → 4,0 (+1,3), n=3" in impact
    views = [entry.details["view"] for entry in await audit_of(app_sessions, REPORT_ACTION)]
    assert views == ["overview", "province", "impact"]
    assert all(e.actor_person_id == data.koray.person_id for e in await audit_of(app_sessions, REPORT_ACTION))


async def test_english_coordinator(app_and_api, app_sessions, clock):
    await seed_reporting(app_sessions, clock.now())
    carol = chat(app_and_api, "carol", "en")
    await carol.send("/report")
    assert "Nar Raporu, week 12" in carol.last_text()
    assert "Reflections submitted: week 9: 0/4, week 10: <3/4, week 11: <3/4, week 12: <3/4" in carol.last_text()
    await carol.press("Impact report")
    assert "Usefulness of the sessions (1-5): 3.5, n=4" in carol.last_text()


async def test_mentor_gets_the_groups_progress_and_impact_and_a_restart_keeps_the_buttons(
        app_and_api, app_sessions, make_app, clock):
    data = await seed_reporting(app_sessions, clock.now())
    mark = chat(app_and_api, "mark", "en")
    await mark.send("/report")
    text = mark.last_text()
    assert "Progress report: Grup A (week 12)" in text
    assert "Confidence (1-5): 2 → 3 → 4 (change +2)" in text and "Why not done: It was unclear ×1" in text
    assert "Elif" not in text and SECRET not in text
    report_message = mark.messages()[-1]
    app2, api2 = await make_app()  # a restart: the button still opens the right page
    mark2 = ChatUser(app2, api2, user_id=USER_IDS["mark"], first_name="Mark", last_name=None, language_code="en")
    await mark2.press("Impact report", message=report_message)
    impact = mark2.api.calls_of("editMessageText")[-1]["text"]
    assert "Group: Grup A" in impact and "n=2" in impact and "Whole programme" not in impact
    assert await audit_of(app_sessions, REPORT_ACTION) == []  # mentors' own group: not a coordinator view
    zeynep = chat(app_and_api, "zeynep")
    await zeynep.send("/report")
    assert "İlerleme raporu: Grup A (12. hafta)" in zeynep.last_text()
    assert "Özgüven (1-5): 2 → 3 → 4 (değişim +2)" in zeynep.last_text()
    assert data.group_a.name in zeynep.last_text()


async def test_the_queued_mid_programme_report_opens_from_its_button(app_and_api, app_sessions, clock):
    data = await seed_reporting(app_sessions, clock.now())
    clock.set(stage_moments(data.programme)["mid"])
    async with app_sessions.begin() as session:
        await plan_progress_reports(session, clock.now())
    deniz = chat(app_and_api, "deniz")
    [row] = await rows(app_sessions, "progress_report", data.deniz.person_id)
    assert "Grup B grubunun dönem ortası ilerleme raporu hazır." == row.text
    await deniz.press("İlerleme raporunu aç", message=delivered(deniz, row))
    assert "Dönem ortası ilerleme raporu: Grup B" in deniz.api.calls_of("editMessageText")[-1]["text"]


async def test_export_sends_one_zip_of_csvs_without_texts(app_and_api, app_sessions, clock):
    data = await seed_reporting(app_sessions, clock.now())
    documents = capture_documents(app_and_api[1])
    koray = chat(app_and_api, "koray")
    await koray.send("/export")
    [(filename, content)] = documents
    assert filename == "narbot-export-2026-11-23.zip"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        people = list(csv.reader(io.StringIO(archive.read("people.csv").decode("utf-8-sig"))))
        everything = b"".join(archive.read(name) for name in names)
    assert "todos.csv" in names and "attendance.csv" in names
    assert people[0][:3] == ["person_id", "display_name", "role"]
    assert SECRET.encode() not in everything
    [entry] = await audit_of(app_sessions, EXPORT_ACTION)
    assert entry.actor_person_id == data.koray.person_id and entry.details["programme"] == data.programme.id
    await koray.send("/report")
    await koray.press("CSV olarak dışa aktar")
    assert len(documents) == 2 and len(await audit_of(app_sessions, EXPORT_ACTION)) == 2


async def test_refusals_change_nothing(app_and_api, app_sessions, clock):
    data = await seed_reporting(app_sessions, clock.now())
    documents = capture_documents(app_and_api[1])
    mark = chat(app_and_api, "mark", "en")
    await mark.send("/export")  # a mentor cannot export
    assert mark.last_text() == "Only the programme's coordinators may export its figures."
    ayse = chat(app_and_api, "ayse")
    await ayse.send("/report")  # a mentee has no report
    assert ayse.last_text() == "Raporlar grubun mentorları ve programın koordinatörleri içindir."
    olga = chat(app_and_api, "olga")
    await olga.send("/report")
    assert "Başka Program" in olga.last_text() and "Nar Raporu" not in olga.last_text()
    message = olga.messages()[-1]
    deniz = chat(app_and_api, "deniz")
    forged = [(olga, f"rpt:x:{data.programme.id}"), (olga, f"rpt:o:{data.programme.id}"),
              (olga, f"rpt:pv:{data.programme.id}:6"), (olga, f"rpt:i:{data.programme.id}:0"),
              (olga, f"rpt:g:{data.group_a.id}:0"), (deniz, f"rpt:g:{data.group_a.id}:0"),
              (deniz, f"rpt:gi:{data.group_a.id}:0"), (mark, f"rpt:x:{data.programme.id}"),
              (olga, "rpt:g:abc"), (olga, "rpt:o"), (olga, f"rpt:zz:{data.programme.id}"),
              (olga, "rpt:o:99999999999999999999")]
    for who, data_ in forged:
        await who.press_data(data_, message)
    answers = app_and_api[1].calls_of("answerCallbackQuery")
    assert len(answers) == len(forged) and all(a.get("show_alert") for a in answers)
    assert documents == []
    assert await audit_of(app_sessions, EXPORT_ACTION) == []
    actors = {e.actor_person_id for e in await audit_of(app_sessions, REPORT_ACTION)}
    assert actors == {data.olga.person_id}  # only her own programme's overview
    stranger = ChatUser(app_and_api[0], app_and_api[1], user_id=1234)
    await stranger.send("/report")
    assert "davet" in stranger.last_text().lower() or "invite" in stranger.last_text().lower()


async def test_sticker_after_a_report_is_not_lost_in_it(app_and_api, app_sessions, clock):
    await seed_reporting(app_sessions, clock.now())
    koray = chat(app_and_api, "koray")
    await koray.send("/report")
    before = len(await audit_of(app_sessions, REPORT_ACTION))
    await koray.send_sticker()  # no flow waits for input: the general answer, no report change
    assert len(await audit_of(app_sessions, REPORT_ACTION)) == before
    assert koray.last_text() and "Nar Raporu, 12. hafta" not in koray.last_text()


async def test_coordinator_report_with_a_group_of_two_mentees_hides_small_cells(app_and_api, app_sessions, clock):
    from sqlalchemy import update

    from mentoring.reports.buttons import REPORTS
    from storage.models import Membership

    data = await seed_reporting(app_sessions, clock.now())
    async with app_sessions.begin() as session:  # Can leaves: Grup A (Ankara) keeps two mentees
        await session.execute(update(Membership).where(Membership.person_id == data.can.person_id)
                              .values(left_at=clock.now()))
    koray = chat(app_and_api, "koray")
    await koray.send("/report")
    assert "Gruplar: 2 · mentiler: 3 · mentorlar: 3" in koray.last_text()  # the programme: three in all
    await koray.press("Ankara")
    ankara = koray.last_text()
    assert "Gruplar: 1 · mentiler: <3 · mentorlar: <3" in ankara and "katılım: —" in ankara
    assert "3 kişiden azından" in ankara
    # The group's progress, opened by its button: summed up, and withheld for two mentees.
    await koray.press_data(REPORTS.encode("g", group=data.group_a.id, page=0), koray.messages()[-1])
    progress = koray.last_text()
    assert "Mentiler: <3" in progress and "Ayse" not in progress and "John" not in progress
    # A mentor of the group still sees each mentee's real figures.
    zeynep = chat(app_and_api, "zeynep")
    await zeynep.send("/report")
    assert "Ayse" in zeynep.last_text() and "2 → 3 → 4" in zeynep.last_text()


async def test_a_running_bot_builds_the_export_beside_the_update_queue(app_and_api, app_sessions, clock,
                                                                        monkeypatch):
    """On a running bot /export and its button run as a task of their own (other people's updates go on,
    not holding one of the few update slots, bot/app.py); the document and its audit are the same."""
    import asyncio

    from mentoring.reports import screens

    data = await seed_reporting(app_sessions, clock.now())
    app, api = app_and_api
    documents = capture_documents(api)
    tasks: list[str] = []
    real_export, real_press = screens.export, screens.press

    async def export(*args):  # type: ignore[no-untyped-def]
        tasks.append(asyncio.current_task().get_name())
        return await real_export(*args)

    async def press(*args):  # type: ignore[no-untyped-def]
        tasks.append(asyncio.current_task().get_name())
        return await real_press(*args)

    monkeypatch.setattr(screens, "export", export)
    monkeypatch.setattr(screens, "press", press)
    koray = chat(app_and_api, "koray")
    await koray.send("/report")
    await koray.send("/export")  # not running yet (as in every other test): in line
    await app.start()
    try:
        await koray.send("/export")
        await koray.press("CSV olarak dışa aktar")
    finally:
        await app.stop()  # waits for the tasks it started
    assert tasks[1:] == ["narbot:export", "narbot:export"] and tasks[0] != "narbot:export"
    assert len(documents) == 3 and len(await audit_of(app_sessions, EXPORT_ACTION)) == 3
    in_line, aside = (zipfile.ZipFile(io.BytesIO(content)) for _, content in documents[:2])
    assert documents[0][0] == documents[1][0]
    assert [(n, in_line.read(n)) for n in in_line.namelist()] == [(n, aside.read(n)) for n in aside.namelist()]
    assert data.koray.person_id == (await audit_of(app_sessions, EXPORT_ACTION))[0].actor_person_id
