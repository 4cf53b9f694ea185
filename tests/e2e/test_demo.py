"""`narbot demo seed` without a token, then the demo played the same day through the handlers.

The subprocess part checks what an operator sees (exit code, codes, what to set, who each
invite is for); the chat part seeds the same demo with `seed_demo(session, now)` at the test
clock's "now", so the handlers and the seed agree on the day.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from mentoring.demo import TO_MENTORS, Demo, seed_demo
from storage.models import Role
from storage.models.peers import PeerCheckin
from storage.models.reflections import Reflection
from tests.bot.test_settings import clean_env
from tests.support.offline import ChatUser, OfflineBotApi

TOKEN = "123456789:AAdemoTokenThatTelegramNeverSaw_0123"
CODE_LINE = re.compile(r"Code (\w+): send “/start \1” to your bot\.")


def narbot(database_url: str, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
        check=False, env=clean_env(**{"DATABASE_URL": database_url, "DEFAULT_LOCALE": "en", **env}),
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_demo_seed_runs_without_a_token_and_says_who_each_code_is_for(tmp_path: Path, database_url: str) -> None:
    first = narbot(database_url, tmp_path, "demo", "seed")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "Traceback" not in first.stderr and "t.me" not in out
    codes = CODE_LINE.findall(out)
    assert len(codes) == 5 and len(set(codes)) == 5
    assert "Created the demo programme “Nar Taneleri Demo”. Its week 5 is open now:" in out
    assert "the reflection is open until" in out and "the partner check-in is open until" in out
    assert out.count("For a mentee of group") == 2 and out.count("For a mentor of group") == 2
    assert out.count("For a coordinator of the whole programme:") == 1
    assert out.count("Reusable: any number of people can join with it") == 5
    assert out.count("Try first: /reflect") == 2 and out.count("Try first: /digest") == 2
    assert "Try first: /report" in out
    assert "set TELEGRAM_BOT_USERNAME" in out

    # Again, in Turkish and with the username now set: nothing is added, the same invites come back as links.
    again = narbot(database_url, tmp_path, "demo", "seed", "--qr", str(tmp_path / "qr"), DEFAULT_LOCALE="tr",
                   TELEGRAM_BOT_USERNAME="demo_bot")
    assert again.returncode == 0, again.stderr
    assert "zaten var" in again.stdout and "Tekrar kullanılabilir" in again.stdout
    assert [f"https://t.me/demo_bot?start={code}" for code in codes] == \
        re.findall(r"https://t\.me/demo_bot\?start=\w+", again.stdout)
    assert "TELEGRAM_BOT_USERNAME" not in again.stdout
    assert len(list((tmp_path / "qr").glob("*.png"))) == 5

    # A QR folder that cannot be made is said, and the command still succeeds.
    (tmp_path / "a-file").write_text("not a folder")
    bad_qr = narbot(database_url, tmp_path, "demo", "seed", "--qr", str(tmp_path / "a-file" / "qr"),
                    TELEGRAM_BOT_USERNAME="demo_bot")
    assert bad_qr.returncode == 0 and bad_qr.stdout.count("Cannot write a QR code to") == 5, bad_qr.stderr


def test_a_token_telegram_does_not_answer_still_gives_a_working_demo(tmp_path: Path, database_url: str) -> None:
    """Asking Telegram for the username fails after nothing: the demo is made and the codes printed."""
    seeded = narbot(database_url, tmp_path, "demo", "seed", TELEGRAM_BOT_TOKEN=TOKEN,
                    TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot")
    assert seeded.returncode == 0, seeded.stderr
    assert len(CODE_LINE.findall(seeded.stdout)) == 5
    assert "Could not ask Telegram" in seeded.stdout and TOKEN.split(":")[1] not in seeded.stdout + seeded.stderr


def _code(demo: Demo, role: Role, group: str | None = "Ankara 1") -> str:
    return next(item.code for item in demo.invites if item.role is role and item.group == group)


def _button_data(user: ChatUser, prefix: str) -> tuple[str, dict] | None:  # type: ignore[type-arg]
    for message in reversed(user.messages()):
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button.get("callback_data", "").startswith(prefix):
                    return button["callback_data"], message
    return None


async def _join(user: ChatUser, code: str) -> None:
    await user.send(f"/start {code}")
    await user.press("Türkçe")
    assert "Narbot demo: not a real data controller" in "\n".join(user.texts()[-2:]), "the demo's notice says so"
    await user.press("Okudum")
    # The demo's notice names no transfer safeguard, so the newcomer meets that consent as well.
    await user.press("Evet, rıza veriyorum")


async def test_a_newcomer_reflects_and_checks_in_the_day_the_demo_is_seeded(
    app_and_api: tuple[Application, OfflineBotApi], clock: ManualClock
) -> None:
    app, api = app_and_api
    sessions: async_sessionmaker[AsyncSession] = app.bot_data[SERVICES_KEY].sessions
    async with sessions.begin() as session:
        demo = await seed_demo(session, clock.now())

    mentee = ChatUser(app, api, user_id=6101, first_name="Zehra", language_code="tr")
    await _join(mentee, _code(demo, Role.MENTEE))
    assert any("Hoş geldiniz" in text for text in mentee.texts())

    await mentee.send("/reflect")
    assert "Yansıtma · 5. hafta · soru 1/9" in mentee.last_text()
    for label in ("Evet", "Etkin dinleme", "3", "4"):
        await mentee.press(label)
    for answer in ("Çocuklar sıralarını bekledi.", "Akşamları yorgunluk.", "Aynı oyunu yemekte deneyeceğim."):
        await mentee.send(answer)
    await mentee.press("Evet")
    await mentee.press("Geç")
    await mentee.press("Mentorlarıma gönder")
    assert "5. hafta yansıtmanız mentorlarınıza gönderildi." in mentee.last_text()

    await mentee.send("/partner")
    assert "👤 Elif" in "\n".join(mentee.texts()[-2:])
    assert mentee.last_text().startswith("Partner sorusu, 5. hafta")
    await mentee.press("Evet")
    await mentee.press(next(b for b in mentee.buttons() if b.startswith("Her gün bir çocukla")))  # Elif's goal
    await mentee.press("4")
    assert mentee.last_text() == "Teşekkürler! Yanıtınız kaydedildi."

    async with sessions() as session:
        reflection = await session.scalar(select(Reflection).where(Reflection.week == 5))
        checkin = await session.scalar(select(PeerCheckin).where(PeerCheckin.week == 5))
    assert reflection is not None and reflection.submitted_at == clock.now()
    assert checkin is not None and (checkin.talked, checkin.usefulness) == ("yes", 4)

    # The group's mentor joins the same day and gets last week's digest, with the weeks before in the chart.
    mentor = ChatUser(app, api, user_id=6102, first_name="Ozan", language_code="tr")
    await _join(mentor, _code(demo, Role.MENTOR))
    await mentor.send("/digest")
    # While week 5 is open, /digest shows the week so far (the newcomer answered) with last week one tap away.
    so_far = _button_data(mentor, "dg:w:")
    if so_far is not None:
        assert "Zehra Yılmaz" in mentor.last_text()
        await mentor.press_data(*so_far)
    digest = mentor.last_text()
    assert "hafta 4/26" in digest and re.search(r"Yansıtma: \d mentiden 4", digest), digest
    assert TO_MENTORS in digest and "Cem" in digest
    assert [c for c in api.calls_of("sendPhoto") if int(c["chat_id"]) == mentor.user_id], "the chart of 4 weeks"

    coordinator = ChatUser(app, api, user_id=6103, first_name="Aylin", language_code="tr")
    await _join(coordinator, _code(demo, Role.COORDINATOR, None))
    await coordinator.send("/report")
    assert "Nar Taneleri Demo" in "\n".join(coordinator.texts()[-3:])
