"""`narbot areas`: show and load a programme's priority development areas, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.test_cli import narbot


def test_show_the_defaults_load_a_list_and_refuse_a_bad_file(tmp_path: Path, database_url: str) -> None:
    assert narbot(database_url, tmp_path, "programme", "create", "Nar").returncode == 0
    shown = narbot(database_url, tmp_path, "areas", "show", "Nar")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert len(lines) == 8
    # The defaults are the care topics (the programme outcomes are the self-assessment, not areas).
    assert lines[0] == ("stage_care\tGelişim dönemine uygun bakım\t"
                        "Care that fits the child's development stage")
    assert lines[7] == "own_stress\tKendi stresimi yönetmek\tManaging my own stress"

    good = tmp_path / "areas.json"
    good.write_text(json.dumps([{"key": "empati", "tr": "Empati", "en": "Empathy"},
                                {"key": "dinleme", "tr": "Etkin dinleme", "en": "Active listening"}]),
                    encoding="utf-8")
    loaded = narbot(database_url, tmp_path, "areas", "load", "Nar", str(good))
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded 2 development areas for Nar." in loaded.stdout

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"key": "ok_key", "tr": "Tamam", "en": "Fine"},
                               {"key": "Bad Key", "tr": "x", "en": "y"}]), encoding="utf-8")
    refused = narbot(database_url, tmp_path, "areas", "load", "Nar", str(bad))
    assert refused.returncode == 1 and "Area 2: the key must be" in refused.stderr
    assert "Nothing was changed." in refused.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    assert "is not valid JSON" in narbot(database_url, tmp_path, "areas", "load", "Nar", str(broken)).stderr
    missing = narbot(database_url, tmp_path, "areas", "load", "Nar", str(tmp_path / "none.json"))
    assert missing.returncode == 1 and "Cannot read" in missing.stderr

    after = narbot(database_url, tmp_path, "areas", "show", "1").stdout.splitlines()
    assert after == ["empati\tEmpati\tEmpathy", "dinleme\tEtkin dinleme\tActive listening"]
    unknown = narbot(database_url, tmp_path, "areas", "show", "Yok")
    assert unknown.returncode == 1 and "No programme with the id or name Yok" in unknown.stderr
