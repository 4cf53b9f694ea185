"""`narbot run` serving the web console in its own process (CONSOLE_WITH_BOT=true), on both databases.

An application built by the factory serves the console on CONSOLE_PORT from post_init (after the
database is ready) until post_shutdown, with the bot's own Services and the bot's username (getMe)
in the invite sheet's links; with the setting off nothing listens there. It runs beside Telegram's
webhook and beside WhatsApp alone; a port clash or a missing CONSOLE_URL/CONSOLE_SECRET is a
SettingsError before anything starts, and `narbot console` refuses to run beside such a bot.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot import cli
from bot.app import CONSOLE_KEY, build_application
from bot.console.serve import console_with_bot
from bot.settings import Settings, SettingsError, load_settings
from bot.standalone import Standalone
from mentoring.console import logins
from mentoring.joining.invites import InviteSpec, create_invite
from mentoring.runtime import SERVICES_KEY
from storage.models import Role
from tests.bot.test_standalone import whatsapp_env
from tests.conftest import TEST_TOKEN
from tests.support.app import stop_app
from tests.support.console import csrf_of, seed_with_notice
from tests.support.offline import OfflineBotApi
from tests.support.whatsapp import free_port, free_ports
from tests.whatsapp_standin import CloudApiStandIn

SECRET = "s" * 40


def console_settings(database_url: str, **values: Any) -> Settings:
    values = {"console_with_bot": True, "console_url": "http://console.test", "console_secret": SECRET,
              "console_port": free_port(), **values}
    return Settings(_env_file=None, telegram_bot_token=TEST_TOKEN, database_url=database_url,  # type: ignore[call-arg]
                    **values)


class WebhookBotApi(OfflineBotApi):
    """The offline Bot API that also takes setWebhook (PTB's webhook mode sets it at start)."""

    def _answer(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "setWebhook":
            return True
        return super()._answer(api_method, params)


async def started(settings: Settings, clock, api: OfflineBotApi | None = None):
    app = build_application(settings, clock=clock, request=api or OfflineBotApi(),
                            get_updates_request=OfflineBotApi())
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    return app


async def refused_connection(port: int) -> bool:
    async with httpx.AsyncClient() as web:
        try:
            await web.get(f"http://127.0.0.1:{port}/")
        except httpx.ConnectError:
            return True
    return False


async def test_the_bot_serves_the_console_until_it_shuts_down(database_url, clock):
    # No TELEGRAM_BOT_USERNAME: the invite sheet takes the bot's username from getMe.
    settings = console_settings(database_url)
    app = await started(settings, clock)
    try:
        server = app.bot_data[CONSOLE_KEY]
        assert server.port == settings.console_port
        services = app.bot_data[SERVICES_KEY]
        world = await seed_with_notice(services.sessions, clock.now())
        async with services.sessions.begin() as session:
            invite = await create_invite(session, InviteSpec(Role.MENTEE, world.programme, world.group_a, "Aday"),
                                         clock.now())
            token = await logins.issue(session, world.people["carol"].person_id, clock.now())
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as web:
            root = await web.get("/")
            assert root.status_code == 200 and "Narbot" in root.text
            page = await web.get(f"/login/{token}")
            assert (await web.post(f"/login/{token}", data={"csrf": csrf_of(page)})).status_code == 303
            sheet = await web.get(f"/programmes/{world.programme.id}/invites")
            assert sheet.status_code == 200
            assert f"https://t.me/narbot_test_bot?start={invite.code}" in sheet.text  # the bot's own username
            assert (await web.get(f"/programmes/{world.programme.id}/invites/open")).status_code == 200
    finally:
        await stop_app(app)
    assert CONSOLE_KEY not in app.bot_data
    assert await refused_connection(settings.console_port)


async def test_with_the_setting_off_nothing_listens(database_url, clock):
    settings = console_settings(database_url, console_with_bot=False)
    app = await started(settings, clock)
    try:
        assert CONSOLE_KEY not in app.bot_data
        assert await refused_connection(settings.console_port)
    finally:
        await stop_app(app)


async def test_the_console_runs_beside_telegrams_webhook(database_url, clock):
    hook = free_port()
    settings = console_settings(database_url, webhook_url="https://bot.example/hook", webhook_port=hook)
    app = await started(settings, clock, WebhookBotApi())
    try:
        await app.updater.start_webhook(listen="127.0.0.1", port=hook, url_path="hook",  # type: ignore[union-attr]
                                        webhook_url=settings.webhook_url)
        try:
            async with httpx.AsyncClient() as web:
                console = await web.get(f"http://127.0.0.1:{settings.console_port}/")
                webhook = await web.get(f"http://127.0.0.1:{hook}/hook")
            assert console.status_code == 200 and "Narbot" in console.text
            assert webhook.status_code == 405  # PTB's webhook server: it takes POSTs only
        finally:
            await app.updater.stop()  # type: ignore[union-attr]
    finally:
        await stop_app(app)
    assert await refused_connection(settings.console_port)


async def test_the_console_runs_beside_whatsapp_alone(database_url, clock):
    async with CloudApiStandIn() as cloud:
        hook, port = free_ports(2)
        env = {key.lower(): value for key, value in whatsapp_env(cloud, hook).items()}
        settings = load_settings(_env_file=None, database_url=database_url, console_with_bot=True,
                                 console_url="http://console.test", console_secret=SECRET, console_port=port, **env)
        standalone = Standalone(settings, clock=clock)
        await standalone.start()
        try:
            assert standalone.console is not None and standalone.console.port == port
            async with httpx.AsyncClient() as web:
                assert (await web.get(f"http://127.0.0.1:{port}/")).status_code == 200
        finally:
            await standalone.stop()
        assert standalone.console is None and await refused_connection(port)


def test_what_the_setting_needs_is_said_before_anything_starts() -> None:
    base = {"_env_file": None, "telegram_bot_token": TEST_TOKEN, "console_with_bot": True}
    with pytest.raises(SettingsError, match="CONSOLE_SECRET and CONSOLE_URL"):
        console_with_bot(load_settings(**base))
    ready = {**base, "console_url": "https://console.example", "console_secret": SECRET, "console_port": 8445}
    assert console_with_bot(load_settings(**ready)).port == 8445  # type: ignore[union-attr]
    assert console_with_bot(load_settings(**{**ready, "console_with_bot": False})) is None
    with pytest.raises(SettingsError, match="CONSOLE_PORT and WEBHOOK_PORT are both 8445"):
        console_with_bot(load_settings(**ready, webhook_url="https://bot.example/hook", webhook_port=8445))
    # Polling (no WEBHOOK_URL) leaves WEBHOOK_PORT unused.
    assert console_with_bot(load_settings(**ready, webhook_port=8445)) is not None
    whatsapp = {"whatsapp_phone_number_id": "123456", "whatsapp_access_token": "t", "whatsapp_app_secret": "a",
                "whatsapp_verify_token": "v"}
    with pytest.raises(SettingsError, match="CONSOLE_PORT and WHATSAPP_WEBHOOK_PORT are both 8445"):
        console_with_bot(load_settings(**ready, **whatsapp, whatsapp_webhook_port=8445))
    assert console_with_bot(load_settings(**ready, **whatsapp, whatsapp_webhook_port=8444)) is not None


@pytest.fixture
def command_line(monkeypatch: pytest.MonkeyPatch, tmp_path) -> pytest.MonkeyPatch:
    """`narbot` in an empty folder (no .env), with a token and a database there; logging left alone."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "configure_logging", lambda level: None)
    monkeypatch.setattr(cli, "_report_fatal_signals", lambda: None)
    for name in ("CONSOLE_URL", "CONSOLE_SECRET", "CONSOLE_WITH_BOT", "WEBHOOK_URL", "WHATSAPP_PHONE_NUMBER_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'narbot.db'}")
    return monkeypatch


def test_narbot_run_says_what_the_console_lacks_before_the_bot_starts(command_line, capsys) -> None:
    import bot.runner

    def never(settings: Settings) -> int:
        raise AssertionError("the bot must not start")

    command_line.setattr(bot.runner, "run", never)
    command_line.setenv("CONSOLE_WITH_BOT", "true")
    assert cli.main(["run"]) == cli.EXIT_USAGE
    assert "CONSOLE_SECRET and CONSOLE_URL must both be set" in capsys.readouterr().err


def test_narbot_console_refuses_to_run_beside_a_bot_that_serves_it(command_line, capsys) -> None:
    command_line.setenv("CONSOLE_WITH_BOT", "true")
    command_line.setenv("CONSOLE_URL", "https://console.example")
    command_line.setenv("CONSOLE_SECRET", SECRET)
    assert cli.main(["console"]) == cli.EXIT_USAGE
    assert "CONSOLE_WITH_BOT=true: `narbot run` serves the console" in capsys.readouterr().err
