"""The nudges: every outbox kind has one, and each is a template Meta can approve in both languages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from mentoring import delivery, entries, waves
from mentoring.button_data import MAX_BYTES, decode
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.nudges import screens, templates
from mentoring.nudges.templates import (
    LANGUAGE_CODES,
    NUDGES,
    UPDATE,
    held_data,
    nudge_for,
    submission,
    template_name,
)

ROOT = Path(__file__).resolve().parents[3]
META_NAME = re.compile(r"[a-z0-9_]{1,512}")
# Calls whose `kind=` is not an outbox kind.
NOT_OUTBOX = {"encode", "Media", "Unsupported"}


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _strings(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "text" constants (KIND = "digest", REPLY_KIND = "reply")."""
    return {
        target.id: node.value.value
        for node in tree.body if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets if isinstance(target, ast.Name)
    }


def _value(node: ast.expr | None, names: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return names.get(node.id)
    return None


def outbox_kinds_in_code() -> set[str]:
    """Every outbox kind the code writes or asks for, read from the source (not from a list kept by hand).

    Where a kind is: `Outgoing(key, kind, ...)` or `Outgoing(kind=...)`; `OutboxMessage.kind == ...`;
    and, in modules that build `Outgoing` messages, any `kind=...` argument or `kind = ...` assignment
    (helpers such as sessions.notices._notice pass it on).
    """
    found: set[str] = set()
    for path in [*(ROOT / "mentoring").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        names = _strings(tree)
        builds = "Outgoing(" in source
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call) and _called(node) not in NOT_OUTBOX:
                if _called(node) == "Outgoing" or builds:
                    values += [kw.value for kw in node.keywords if kw.arg == "kind"]
                if _called(node) == "Outgoing" and len(node.args) > 1:
                    values.append(node.args[1])
            elif builds and isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "kind" for t in node.targets):
                values.append(node.value)
            elif (isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute)
                  and node.left.attr == "kind" and isinstance(node.left.value, ast.Name)
                  and node.left.value.id == "OutboxMessage"):
                values += node.comparators
            found.update(v for v in (_value(value, names) for value in values) if v)
    # The planner writes f"{stage.kind}_prompt" and f"{stage.kind}_reminder".
    found |= {f"{kind}_{stage}" for kind in (waves.REFLECTION, waves.CHECKIN) for stage in ("prompt", "reminder")}
    return found


def test_the_scan_finds_the_kinds_we_know_are_there() -> None:
    found = outbox_kinds_in_code()
    assert {"digest", "reply", "todo_assigned", "session_invite", "self_assessment_prompt", "peer_pair"} <= found


def test_every_outbox_kind_in_the_code_has_its_own_nudge() -> None:
    found = outbox_kinds_in_code() | set(delivery.REPEAT_IN_DOUBT)
    assert found - set(templates.KINDS) == set()
    # Only replies fall back to the generic nudge; every other kind says what it is about.
    assert {kind for kind in found if nudge_for(kind) is UPDATE} == {"reply"}


def test_kinds_map_as_the_design_says() -> None:
    assert {k for k, n in templates.KINDS.items() if n.name == "reflection"} == {
        "reflection_prompt", "reflection_reminder", "self_assessment_prompt"}
    assert nudge_for("checkin_reminder").name == "checkin"
    assert nudge_for("session_cancelled").name == "session"
    assert nudge_for("progress_report").name == "digest"
    assert nudge_for("broadcast").name == "announcement"
    assert nudge_for("todo_assigned").name == "todo"
    assert nudge_for("peer_pair").name == "pairs"
    assert nudge_for("a_kind_of_a_later_version") is UPDATE


def test_names_are_template_names_meta_takes() -> None:
    names = [template_name("narbot", nudge) for nudge in NUDGES]
    assert len(set(names)) == len(NUDGES)
    assert all(META_NAME.fullmatch(name) and name.startswith("narbot_") for name in names)
    assert template_name("nar_2", templates.TODO) == "nar_2_todo"
    with pytest.raises(ValueError):
        template_name("Narbot", templates.TODO)
    with pytest.raises(ValueError):
        template_name("nar-bot", templates.TODO)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_words_fit_and_carry_no_variables(locale: str) -> None:
    tr = translator(locale)
    for nudge in NUDGES:
        body, button = nudge.body.render(tr), nudge.button.render(tr)
        assert body.strip() and button.strip()
        assert len(button) <= templates.BUTTON_MAX == 20, (locale, nudge.name, button)
        assert len(body) <= templates.BODY_MAX
        assert "{" not in body + button and not nudge.body.params and not nudge.button.params


def test_turkish_is_translated() -> None:
    tr, en = translator("tr"), translator("en")
    for nudge in NUDGES:
        assert nudge.body.render(tr) != nudge.body.render(en)
        assert nudge.button.render(tr) != nudge.button.render(en)
    assert templates.REFLECTION.button.render(tr) == "Soruları göster"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_submission_is_what_metas_template_manager_takes(locale: str) -> None:
    tr = translator(locale)
    entries_ = submission("narbot", tr, locale)
    assert [entry["name"] for entry in entries_] == [f"narbot_{nudge.name}" for nudge in NUDGES]
    for entry, nudge in zip(entries_, NUDGES, strict=True):
        assert entry == {
            "name": f"narbot_{nudge.name}",
            "language": LANGUAGE_CODES[locale],
            "category": "UTILITY",
            "components": [
                {"type": "BODY", "text": nudge.body.render(tr)},
                {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": nudge.button.render(tr)}]},
            ],
        }
    assert set(LANGUAGE_CODES) == set(SUPPORTED_LOCALES)


def test_the_payload_is_codec_data_that_opens_the_held_row() -> None:
    assert held_data(42) == "held:42"
    assert decode(held_data(42))["message"] == 42
    assert len(held_data(2**31 - 1)) <= MAX_BYTES
    from mentoring.screens import Pressed

    assert entries.route(Pressed(held_data(42)), None) is screens.show
