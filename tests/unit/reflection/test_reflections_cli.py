"""`narbot questions show/load` as a coordinator uses them, in a real process on a real database."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.test_cli import narbot


def test_show_prints_the_default_set_as_a_file_load_accepts(
    tmp_path: Path, database_url: str
) -> None:
    assert narbot(database_url, tmp_path, "programme", "create", "Nar").returncode == 0
    shown = narbot(database_url, tmp_path, "questions", "show", "Nar")
    assert shown.returncode == 0, shown.stderr
    assert "Nar uses the default question set." in shown.stderr
    questions = json.loads(shown.stdout)["questions"]
    assert questions[0]["key"] == "plan_tried" and "gelişim planınızdan" in questions[0]["text"]["tr"]

    questions[-1]["text"]["en"] = "Anything for your mentors?"
    edited = tmp_path / "questions.json"
    edited.write_text(json.dumps({"questions": questions}, ensure_ascii=False), encoding="utf-8")
    loaded = narbot(database_url, tmp_path, "questions", "load", "1", str(edited))
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded 9 questions for Nar (version 2); they apply from week 2." in loaded.stdout

    again = narbot(database_url, tmp_path, "questions", "show", "Nar")
    assert "Nar: version 2, in force from week 2." in again.stderr
    assert json.loads(again.stdout)["questions"][-1]["text"]["en"] == "Anything for your mentors?"


def test_a_bad_file_is_refused_whole_with_every_problem_named(
    tmp_path: Path, database_url: str
) -> None:
    narbot(database_url, tmp_path, "programme", "create", "Nar")
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "questions": [
                    {
                        "key": "ok",
                        "kind": "text",
                        "text": {"tr": "Nasıl geçti?", "en": "How did it go?"},
                    },
                    {"key": "Bad Key", "kind": "scale", "text": {"tr": "Puan"}},
                ]
            }
        ),
        encoding="utf-8",
    )
    refused = narbot(database_url, tmp_path, "questions", "load", "Nar", str(bad))
    assert refused.returncode == 1
    assert "Question 2: the key must be lower-case" in refused.stdout
    assert "Question 2: a text in each language is needed (tr, en)." in refused.stdout
    assert "nothing was changed" in refused.stdout
    assert (
        "default question set" in narbot(database_url, tmp_path, "questions", "show", "Nar").stderr
    )

    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = narbot(database_url, tmp_path, "questions", "load", "Nar", str(broken))
    assert result.returncode == 1 and "is not valid JSON" in result.stdout
    missing = narbot(
        database_url, tmp_path, "questions", "load", "Nar", str(tmp_path / "none.json")
    )
    assert missing.returncode == 1 and "Cannot read" in missing.stdout
    unknown = narbot(database_url, tmp_path, "questions", "show", "Yok")
    assert unknown.returncode == 1 and "No programme with the id or name Yok" in unknown.stderr
