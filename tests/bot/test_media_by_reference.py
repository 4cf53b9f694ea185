"""A mentee's voice note or photo sent to a mentor by reference (mentoring/feedback): each channel sends
its own file ids as the media itself, and never another channel's (the text goes alone)."""

from __future__ import annotations

from datetime import timedelta

from mentoring.outbox import screen_of
from tests.bot.test_whatsapp_courier import AYSE, cloud, courier, on_whatsapp, sender_for  # noqa: F401
from tests.support.sender import queue, row


async def test_whatsapp_sends_its_own_media_id_and_only_the_text_of_a_telegram_file(
    cloud, courier, sessions, clock  # noqa: F811
) -> None:
    now = clock.now()
    mentor = await on_whatsapp(sessions, cloud, AYSE, now, wrote=now - timedelta(hours=1))
    await queue(sessions, now, "wa-voice", person_id=mentor, kind="mentee_media", text="🎙 Ayşe, 2. hafta",
                attachment={"type": "voice", "file_id": "1234567890", "channel": "whatsapp"})
    await queue(sessions, now, "tg-photo", person_id=mentor, kind="mentee_media", text="📷 Ayşe, 2. hafta",
                attachment={"type": "photo", "file_id": "AgACAgIAAxkBAAI", "channel": "telegram"})

    await sender_for(courier, sessions, clock).drain()

    sent = cloud.messages_to(AYSE)
    [voice] = [s for s in sent if s.kind == "audio"]
    assert voice.body["id"] == "1234567890"
    assert not [s for s in sent if s.kind == "image"]  # a Telegram file id means nothing on WhatsApp
    assert any(s.kind == "text" and s.text == "📷 Ayşe, 2. hafta" for s in sent)
    assert (await row(sessions, "wa-voice")).status == (await row(sessions, "tg-photo")).status == "sent"


def test_a_queued_file_by_reference_shows_only_on_its_own_channel() -> None:
    attachment = {"type": "voice", "file_id": "AwACAgIAAxkBAAI", "channel": "telegram"}
    shown = screen_of("🎙", None, attachment, "telegram").media
    assert shown is not None and (shown.kind, shown.file_id) == ("voice", "AwACAgIAAxkBAAI")
    assert screen_of("🎙", None, attachment, "whatsapp").media is None
    assert screen_of("🎙", None, attachment).media is None
