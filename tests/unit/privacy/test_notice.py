"""A programme's KVKK notice: required fields, versions, and a text with every section the law asks for."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.joining.invites import InviteSpec, create_invite
from mentoring.privacy import notice as notices
from mentoring.privacy.notice import NoticeError, NoticeFields
from mentoring.privacy.notice_words import notice_text
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from storage.models import Invite, Role
from storage.models.privacy import AuditEntry
from tests.support.notice import ASKS_ABROAD, TEST_NOTICE

EXAMPLE = Path(__file__).parents[3] / "docs" / "notice.example.toml"


def test_the_example_file_is_complete_and_asks_for_consent_to_transfer_abroad() -> None:
    found = notices.read_file(EXAMPLE)
    assert found.problems() == []
    assert found.institution.startswith("T.C. Aile ve Sosyal Hizmetler Bakanlığı")
    assert found.kep == "ornek@hs01.kep.tr" and found.transfer_safeguard == ""


def test_a_file_missing_required_fields_names_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "notice.toml"
    path.write_text('[controller]\ninstitution = "İl Müdürlüğü"\nphone = "0312"\n', encoding="utf-8")
    with pytest.raises(NoticeError) as refused:
        notices.read_file(path)
    assert refused.value.problems == [
        "unknown field: controller.phone", "missing: address", "missing: contact", "missing: email or kep"]
    path.write_text("not = [toml", encoding="utf-8")
    with pytest.raises(NoticeError) as broken:
        notices.read_file(path)
    assert broken.value.problems[0].startswith("not valid TOML")
    too_long = dataclasses.replace(TEST_NOTICE, address="x" * 501)
    assert too_long.problems() == ["too long: address (at most 500 characters)"]


async def test_loading_adds_a_version_only_when_something_changed_and_is_audited(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec("Nar"), clock.now())
        assert await notices.current(session, programme.id) is None
        first, new = await notices.load(session, programme.id, TEST_NOTICE, 180, clock.now())
        assert new and first.version == f"{notices.TEMPLATE_VERSION}.n{first.id}"
        same, again = await notices.load(session, programme.id, TEST_NOTICE, 180, clock.now())
        assert not again and same.id == first.id
        longer, changed = await notices.load(session, programme.id, TEST_NOTICE, 365, clock.now())
        assert changed and longer.id != first.id, "a new retention period is a new version"
        current = await notices.current(session, programme.id)
        audited = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "notice.load")))
    assert current is not None and current.id == longer.id and current.retention_days == 365
    assert [entry.details["notice_id"] for entry in audited] == [first.id, longer.id]  # type: ignore[index]
    with pytest.raises(NoticeError):
        async with sessions.begin() as session:
            await notices.load(session, programme.id, NoticeFields(institution="x"), 180, clock.now())


async def test_nobody_can_be_invited_to_a_programme_without_a_notice(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec("Nar"), clock.now())
        group = await create_group(session, programme, "Grup 1", clock.now())
    for role, where in ((Role.MENTEE, group), (Role.COORDINATOR, None)):
        with pytest.raises(DomainError) as refused:
            async with sessions.begin() as session:
                await create_invite(session, InviteSpec(role, programme, where), clock.now())
        assert refused.value.code == "notice_missing"
    async with sessions.begin() as session:
        assert await session.scalar(select(Invite)) is None
        await notices.load(session, programme.id, TEST_NOTICE, 180, clock.now())
        invite = await create_invite(session, InviteSpec(Role.MENTEE, programme, group), clock.now())
    assert invite.id is not None


@pytest.mark.parametrize("locale", ["tr", "en"])
async def test_the_notice_names_every_section_kvkk_asks_for(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, locale: str
) -> None:
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec("Nar"), clock.now())
        asks, _ = await notices.load(session, programme.id, ASKS_ABROAD, 120, clock.now())
    tr = translator(locale)
    text = notice_text(asks).render(tr)
    fields = ASKS_ABROAD
    for value in (fields.institution, fields.address, fields.contact, fields.email, asks.version):
        assert value in text
    expected = {
        "tr": ["Veri sorumlusu", "otomatik olarak toplanır", "md. 5/2-f", "md. 5/2-c", "md. 5/2-ç", "md. 5/1",
               "Telegram Messenger Inc.", "Meta Platforms Ireland Ltd.", "Yurt dışına aktarım (md. 9)",
               "açık rızanızı ayrıca ister", "120 gün", "takma adlandırılmış",
               "işlenip işlenmediğini öğrenme", "bilgi talep etme", "amacına uygun kullanılıp kullanılmadığını",
               "üçüncü kişileri bilme", "düzeltilmesini isteme", "silinmesini veya yok edilmesini",
               "üçüncü kişilere bildirilmesini", "otomatik sistemlerle analiz", "zararın giderilmesini",
               "30 gün içinde ücretsiz", "md. 13"],
        "en": ["Data controller", "collected automatically", "art. 5(2)(f)", "art. 5(2)(c)", "art. 5(2)(ç)",
               "art. 5(1)", "Telegram Messenger Inc.", "Meta Platforms Ireland Ltd.", "Transfer abroad (art. 9)",
               "asks for your explicit consent to this separately", "120 days", "pseudonymous",
               "whether data about you is processed", "ask for information", "whether it is used for that",
               "who receives it, in Turkey or abroad", "corrected", "erased or destroyed",
               "passed on to those who received it", "only from automated analysis", "compensation",
               "within 30 days at the latest, free of charge", "art. 13"],
    }[locale]
    missing = [phrase for phrase in expected if phrase not in text]
    assert missing == []
    safe = notice_text(dataclasses.replace(asks, fields=TEST_NOTICE)).render(tr)
    assert TEST_NOTICE.transfer_safeguard in safe
    assert ("açık rızanızı ayrıca ister" if locale == "tr" else "explicit consent to this separately") not in safe


async def test_start_up_names_the_programmes_nobody_can_be_invited_to(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with sessions.begin() as session:
        ready = await create_programme(session, ProgrammeSpec("Hazır"), clock.now())
        bare = await create_programme(session, ProgrammeSpec("Eksik"), clock.now())
        await notices.load(session, ready.id, TEST_NOTICE, 180, clock.now())
    with caplog.at_level("WARNING", logger="mentoring.privacy.notice"):
        assert await notices.warn_without_notice(sessions) == [bare.id]
    assert f"nobody can be invited to them: {bare.id}." in caplog.text
    assert "Eksik" not in caplog.text, "ids only in the logs"
