"""The `narbot` command as a coordinator uses it, in a real process on a real database."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from storage import migrate
from tests.bot.test_settings import clean_env

NOTICE_FILE = Path(__file__).parents[2] / "docs" / "notice.example.toml"


def narbot(database_url: str, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
        check=False,
        env=clean_env(**{"DATABASE_URL": database_url, "TELEGRAM_BOT_USERNAME": "narbot_test_bot",
                         "DEFAULT_LOCALE": "en", **env}),
    )


def test_help_lists_every_command(tmp_path: Path, database_url: str) -> None:
    result = narbot(database_url, tmp_path, "--help")
    for command in ("run", "db", "programme", "group", "invite", "roster", "demo"):
        assert command in result.stdout


def test_set_up_a_programme_and_invite_people(tmp_path: Path, database_url: str) -> None:
    created = narbot(database_url, tmp_path, "programme", "create", "Nar Taneleri Ankara",
                     "--starts", "2026-12-01", "--ends", "2027-05-31")
    assert created.returncode == 0, created.stderr
    assert "Created programme 1: Nar Taneleri Ankara" in created.stdout
    group = narbot(database_url, tmp_path, "group", "create", "Nar Taneleri Ankara", "Çankaya 1",
                   "--province", "ankara")
    assert group.returncode == 0 and "Created group 1: Çankaya 1" in group.stdout
    again = narbot(database_url, tmp_path, "group", "create", "1", "Çankaya 1")
    assert again.returncode == 1 and "already has a group named Çankaya 1" in again.stderr

    # Nobody can be invited before the programme's KVKK notice is complete and loaded.
    refused = narbot(database_url, tmp_path, "invite", "create", "1", "--role", "mentee", "--group", "Çankaya 1")
    assert refused.returncode == 1 and "no complete KVKK notice" in refused.stderr
    partial = tmp_path / "notice.toml"
    partial.write_text('[controller]\ninstitution = "Ankara İl Müdürlüğü"\n', encoding="utf-8")
    checked = narbot(database_url, tmp_path, "notice", "show", "1", "--file", str(partial))
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[1:4] == ["  - missing: address", "  - missing: contact",
                                                "  - missing: email or kep"]
    assert narbot(database_url, tmp_path, "notice", "load", "1", str(partial)).returncode == 1
    assert narbot(database_url, tmp_path, "notice", "show", "1").returncode == 1, "nothing was loaded"
    unready = narbot(database_url, tmp_path, "programme", "list").stdout
    assert "⚠ No KVKK notice yet, so nobody can be invited. Load one with: narbot notice load 1 FILE" in unready
    loaded = narbot(database_url, tmp_path, "notice", "load", "1", str(NOTICE_FILE))
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded version 2026-12-v3.n1 of the notice for Nar Taneleri Ankara" in loaded.stdout
    again = narbot(database_url, tmp_path, "notice", "load", "1", str(NOTICE_FILE))
    assert "nothing changed" in again.stdout
    shown = narbot(database_url, tmp_path, "--lang", "tr", "notice", "show", "Nar Taneleri Ankara")
    assert "Veri sorumlusu: T.C. Aile ve Sosyal Hizmetler Bakanlığı" in shown.stdout
    assert "KEP: ornek@hs01.kep.tr" in shown.stdout and "bittikten sonra 180 gün boyunca" in shown.stdout
    assert "Başka bir dayanak bulunmadığı için Narbot bunun için açık rızanızı ayrıca ister" in shown.stdout

    invite = narbot(database_url, tmp_path, "invite", "create", "1", "--role", "mentee",
                    "--group", "Çankaya 1", "--multi-use", "--qr", str(tmp_path / "qr"))
    assert invite.returncode == 0, invite.stderr
    link = invite.stdout.splitlines()[0]
    assert link.startswith("https://t.me/narbot_test_bot?start=")
    pngs = list((tmp_path / "qr").glob("*.png"))
    assert len(pngs) == 1 and pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    listing = narbot(database_url, tmp_path, "programme", "list")
    assert "Çankaya 1 — 0 mentees, 0 mentors" in listing.stdout and "No KVKK notice" not in listing.stdout

    no_group = narbot(database_url, tmp_path, "invite", "create", "1", "--role", "mentor")
    assert no_group.returncode == 1 and "needs a group" in no_group.stderr


def test_roster_import_writes_links_and_qr_codes(tmp_path: Path, database_url: str) -> None:
    narbot(database_url, tmp_path, "programme", "create", "Nar", "--notice", str(NOTICE_FILE))
    sheet = tmp_path / "roster.csv"
    sheet.write_text("ad,rol,grup,il\nAyşe Yılmaz,menti,Nar 1,Ankara\nElif Şahin,mentor,Nar 1,Ankara\n",
                     encoding="utf-8")
    result = narbot(database_url, tmp_path, "roster", "import", "Nar", str(sheet), "--qr", str(tmp_path / "qr"))
    assert result.returncode == 0, result.stderr
    assert "2 invites written to" in result.stdout
    with (tmp_path / "roster-invites.csv").open(encoding="utf-8-sig") as fp:
        rows = list(csv.DictReader(fp))
    assert [r["name"] for r in rows] == ["Ayşe Yılmaz", "Elif Şahin"]
    assert all(r["invite_link"] == f"https://t.me/narbot_test_bot?start={r['invite_code']}" for r in rows)
    assert len(list((tmp_path / "qr").glob("*.png"))) == 2

    bad = tmp_path / "bad.csv"
    bad.write_text("name,role,group\nAli,chef,Nar 1\n", encoding="utf-8")
    refused = narbot(database_url, tmp_path, "roster", "import", "Nar", str(bad))
    assert refused.returncode == 1
    assert "nothing was changed" in refused.stdout and "Line 2" in refused.stdout


def test_with_a_whatsapp_number_invites_get_a_wa_me_link_and_qr_too(tmp_path: Path, database_url: str) -> None:
    number = {"WHATSAPP_DISPLAY_NUMBER": "905320000000"}
    narbot(database_url, tmp_path, "programme", "create", "Nar", "--notice", str(NOTICE_FILE))
    narbot(database_url, tmp_path, "group", "create", "Nar", "Nar 1")
    invite = narbot(database_url, tmp_path, "invite", "create", "Nar", "--role", "mentee", "--group", "Nar 1",
                    "--qr", str(tmp_path / "one"), **number)
    assert invite.returncode == 0, invite.stderr
    telegram, whatsapp = invite.stdout.splitlines()[:2]
    code = telegram.rsplit("=", 1)[1]
    assert whatsapp == f"WhatsApp: https://wa.me/905320000000?text={code}"
    assert sorted(path.name.endswith("-whatsapp-" + code + ".png") for path in (tmp_path / "one").glob("*.png")) \
        == [False, True]

    sheet = tmp_path / "roster.csv"
    sheet.write_text("ad,rol,grup,il\nAyşe Yılmaz,menti,Nar 1,Ankara\n", encoding="utf-8")
    result = narbot(database_url, tmp_path, "roster", "import", "Nar", str(sheet), "--qr", str(tmp_path / "qr"),
                    **number)
    assert result.returncode == 0, result.stderr
    with (tmp_path / "roster-invites.csv").open(encoding="utf-8-sig") as fp:
        [row] = list(csv.DictReader(fp))
    assert row["whatsapp_link"] == f"https://wa.me/905320000000?text={row['invite_code']}"
    assert len(list((tmp_path / "qr").glob("*.png"))) == 2


def test_without_telegram_invites_carry_whatsapp_links_alone(tmp_path: Path, database_url: str) -> None:
    whatsapp_only = {"TELEGRAM_BOT_USERNAME": "", "WHATSAPP_DISPLAY_NUMBER": "905320000000"}
    narbot(database_url, tmp_path, "programme", "create", "Nar", "--notice", str(NOTICE_FILE))
    narbot(database_url, tmp_path, "group", "create", "Nar", "Nar 1")
    invite = narbot(database_url, tmp_path, "invite", "create", "Nar", "--role", "mentee", "--group", "Nar 1",
                    **whatsapp_only)
    assert invite.returncode == 0, invite.stderr
    assert "t.me" not in invite.stdout and invite.stdout.startswith("WhatsApp: https://wa.me/905320000000?text=")

    sheet = tmp_path / "roster.csv"
    sheet.write_text("ad,rol,grup,il\nAyşe Yılmaz,menti,Nar 1,Ankara\n", encoding="utf-8")
    result = narbot(database_url, tmp_path, "roster", "import", "Nar", str(sheet), **whatsapp_only)
    assert result.returncode == 0, result.stderr
    with (tmp_path / "roster-invites.csv").open(encoding="utf-8-sig") as fp:
        [row] = list(csv.DictReader(fp))
    assert row["invite_link"] == "" and row["whatsapp_link"].endswith(row["invite_code"])

    # Neither channel: the command says what to set instead of making links nobody can open.
    nowhere = narbot(database_url, tmp_path, "invite", "create", "Nar", "--role", "mentee", "--group", "Nar 1",
                     TELEGRAM_BOT_USERNAME="")
    assert nowhere.returncode != 0 and "WHATSAPP_DISPLAY_NUMBER" in nowhere.stderr + nowhere.stdout
    assert "Traceback" not in nowhere.stderr


def test_db_commands_report_the_revision(tmp_path: Path, database_url: str) -> None:
    head = migrate.head_revision()
    up = narbot(database_url, tmp_path, "db", "upgrade")
    assert up.returncode == 0 and f"Database revision: {head}" in up.stdout
    down = narbot(database_url, tmp_path, "db", "downgrade", "base")
    assert "Database revision: base" in down.stdout
    current = narbot(database_url, tmp_path, "db", "current")
    assert f"Database revision: base (newest: {head})" in current.stdout


def test_demo_seed_prints_an_invite_for_every_role_once(tmp_path: Path, database_url: str) -> None:
    first = narbot(database_url, tmp_path, "demo", "seed")
    assert first.returncode == 0, first.stderr
    assert len([line for line in first.stdout.splitlines() if "?start=" in line]) == 5
    second = narbot(database_url, tmp_path, "demo", "seed")
    assert "exists already" in second.stdout


def test_the_cli_speaks_default_locale_or_lang(tmp_path: Path, database_url: str) -> None:
    """Every line follows DEFAULT_LOCALE, or the global --lang, through the bot's catalogues (issue #13, 7)."""
    narbot(database_url, tmp_path, "programme", "create", "Nar Taneleri", "--notice", str(NOTICE_FILE))
    narbot(database_url, tmp_path, "group", "create", "Nar Taneleri", "Çankaya 1")

    turkish = narbot(database_url, tmp_path, "programme", "list", DEFAULT_LOCALE="tr")
    assert turkish.returncode == 0, turkish.stderr
    assert "grup 1: Çankaya 1 — 0 menti, 0 mentor" in turkish.stdout
    english = narbot(database_url, tmp_path, "--lang", "en", "programme", "list", DEFAULT_LOCALE="tr")
    assert "group 1: Çankaya 1 — 0 mentees, 0 mentors" in english.stdout and "menti" not in english.stdout
    assert "1\tNar Taneleri" in english.stdout, "a programme's name stays as stored"
    assert "grup 1" in narbot(database_url, tmp_path, "--lang", "tr", "programme", "list").stdout

    status = narbot(database_url, tmp_path, "--lang", "tr", "status")
    assert status.returncode == 1, status.stderr
    assert status.stdout.splitlines() == ["Giden kutusu: 0 gönderilmeyi bekliyor, 0 gönderiliyor",
                                          "Hiçbir gönderici ya da planlayıcı haber vermedi: bot çalışıyor mu?"]

    nowhere = narbot(database_url, tmp_path, "--lang", "tr", "invite", "create", "Nar Taneleri", "--role", "mentee",
                     "--group", "Çankaya 1", TELEGRAM_BOT_USERNAME="")
    assert nowhere.returncode != 0 and "Davet bağlantıları için bir kanal gerekir" in nowhere.stderr

    refused = narbot(database_url, tmp_path, "--lang", "en", "group", "create", "Nar Taneleri", "Çankaya 1",
                     DEFAULT_LOCALE="tr")
    assert refused.returncode == 1 and "already has a group named Çankaya 1" in refused.stderr

    assert "--lang" in narbot(database_url, tmp_path, "--help").stdout
    wrong = narbot(database_url, tmp_path, "--lang", "de", "programme", "list")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
