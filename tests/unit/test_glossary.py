"""The Turkish catalogue keeps to the glossary (mentoring/glossary.py, docs/translations.md).

Reads the source catalogue (locales/tr/LC_MESSAGES/narbot.po, the one compiled
from) and lists every msgid whose Turkish msgstr uses a forbidden variant of a
glossary term. Also: Turkish button labels fit a 360-dp phone, and the command
menu speaks to the reader as "siz".
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from mentoring.glossary import TERMS, Term, lower_tr
from mentoring.help.commands import COMMANDS
from mentoring.screens import SHORT_LABEL_MAX

ROOT = Path(__file__).resolve().parents[2]
TURKISH = ROOT / "locales" / "tr" / "LC_MESSAGES" / "narbot.po"

# A long button label shown on a 360-dp phone (Telegram's inline buttons, one per row
# at most this long before the text is cut); the short label is WhatsApp's (20).
LONG_LABEL_MAX = 32
# A label without a short one is WhatsApp's too, where a list row shows 24 characters.
ALONE_LABEL_MAX = 24


def _turkish() -> dict[str, list[str]]:
    """msgid (singular) -> its Turkish msgstr forms, translated entries only."""
    with TURKISH.open("rb") as handle:
        catalogue = read_po(handle)
    found: dict[str, list[str]] = {}
    for message in catalogue:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        found[msgid] = [text for text in strings if text]
    return found


def offences(term: Term, msgid: str, msgstr: str) -> list[str]:
    """The forbidden variants of `term` in one Turkish msgstr."""
    if term.where is not None and not re.search(term.where, msgid, re.IGNORECASE):
        return []
    text = lower_tr(re.sub(r"\{[^}]*\}", " ", msgstr))  # placeholders are not words
    for pattern in term.allowed:
        text = re.sub(pattern, " ", text)
    return [match.group(0) for pattern in term.forbidden for match in re.finditer(pattern, text)]


def test_the_glossary_rules_catch_what_they_should() -> None:
    """The rules are not vacuous: each kind of mistake is caught, its right term passes."""
    by_concept: dict[str, list[Term]] = {}
    for term in TERMS:
        by_concept.setdefault(term.concept, []).append(term)

    def caught(concept: str, msgid: str, msgstr: str) -> list[str]:
        return [hit for term in by_concept[concept] for hit in offences(term, msgid, msgstr)]

    check_in = "peer partner's weekly check-in"
    assert caught(check_in, "Open the check-in", "Görüşme sorusunu aç") == ["görüşme", "görüşme sorusunu"]
    assert caught(check_in, "Did you talk", "Eş düzey partnerinizle bu hafta görüştünüz mü?") == [
        "eş düzey partnerinizle bu hafta görüştünüz"]
    assert caught(check_in, "Open the check-in", "Partner sorusunu aç") == []
    assert caught(check_in, "Try to reach your partner before the next group session",
                  "Bir sonraki grup mentorluk görüşmesinden önce partnerinize ulaşın.") == []
    assert caught("group mentoring session", "x", "Toplantı tutanağı kaydedildi.") == []
    assert caught("group mentoring session", "x", "Grup toplantısı planlandı.") == ["toplantısı"]
    assert caught("weekly prompts (reflection and partner questions)", "Paused: no prompts",
                  "Ara verildi: davetler yeniden başlar.") == ["davetler"]
    assert caught("weekly prompts (reflection and partner questions)", "This invite has expired.",
                  "Bu davetin süresi dolmuş.") == []
    assert caught("weekly digest", "Which group's digest?", "Hangi grubun raporu?") == ["raporu"]
    assert caught("weekly digest", "Progress report", "İlerleme raporu") == []
    assert caught("peer partner", "x", "EŞİNİZLE konuşun") == ["eşinizle"]
    assert caught("care worker", "x", "Bakım Çalışanları") == ["bakım çalışanları"]


def test_the_turkish_catalogue_uses_one_term_per_concept() -> None:
    problems = [
        f"{msgid!r}: {hit!r} (use {term.term!r} for {term.concept})"
        for msgid, strings in _turkish().items()
        for msgstr in strings
        for term in TERMS
        for hit in offences(term, msgid, msgstr)
    ]
    assert not problems, "Forbidden Turkish variants:\n" + "\n".join(problems)


# ----------------------------------------------------------------------------- buttons


def _literal_text(node: ast.expr | None) -> str | None:
    """The msgid of `Text("...")` (or `N_("...")`), when the label is written out in the call."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"Text", "N_"}
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return node.args[0].value
    return None


def button_labels() -> tuple[set[str], set[str], set[str]]:
    """Msgids written out as button labels in `Choice(...)` / `Choice.link(...)`.

    Returns (long labels that have a short one, short labels, labels without a short one).
    """
    long: set[str] = set()
    short: set[str] = set()
    alone: set[str] = set()
    for path in (ROOT / "mentoring").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            is_choice = isinstance(func, ast.Name) and func.id == "Choice"
            is_link = (isinstance(func, ast.Attribute) and func.attr == "link"
                       and isinstance(func.value, ast.Name) and func.value.id == "Choice")
            if not (is_choice or is_link):
                continue
            label = node.args[1] if len(node.args) > 1 else None
            small = node.args[2] if len(node.args) > 2 else None
            for keyword in node.keywords:
                if keyword.arg == "label":
                    label = keyword.value
                elif keyword.arg == "short":
                    small = keyword.value
            if (text := _literal_text(label)) is not None:
                (alone if small is None else long).add(text)
            if (text := _literal_text(small)) is not None:
                short.add(text)
    return long, short, alone


def _width(text: str) -> int:
    """Characters a label shows, without placeholders' braces (a value stands in for them)."""
    return len(re.sub(r"\{[^}]*\}", "99", text))


def test_button_labels_are_found() -> None:
    long, short, alone = button_labels()
    assert "Finish without writing" in long
    assert "Skip writing" in short
    assert "Start my reflection" in alone


def test_turkish_button_labels_fit_a_small_phone() -> None:
    """Short labels ≤ 20 characters, labels without a short one ≤ 24, long labels ≤ 32."""
    long, short, alone = button_labels()
    turkish = _turkish()
    too_long = []
    for msgid in sorted(long | short | alone):
        limit = SHORT_LABEL_MAX if msgid in short else ALONE_LABEL_MAX if msgid in alone else LONG_LABEL_MAX
        too_long += [f"{msgid!r} -> {text!r} ({_width(text)} > {limit})"
                     for text in turkish.get(msgid, []) if _width(text) > limit]
    assert not too_long, "Turkish button labels too long:\n" + "\n".join(too_long)


# ----------------------------------------------------------------------------- command menu

# Imperatives addressed as "sen" (a bare verb stem) in a menu description: "Gönder", "planla".
_SEN_IMPERATIVE = re.compile(r"\b(gönder|planla|ver|değiştir|aktar|sil|gör|aç|başla|paylaş|yaz)\s*$")


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda spec: spec.name)
def test_the_command_menu_speaks_as_siz(spec) -> None:
    # A missing translation is tests/unit/test_i18n.py's to report.
    for text in _turkish().get(spec.description, []):
        assert not _SEN_IMPERATIVE.search(lower_tr(text)), f"/{spec.name}: {text!r} addresses the reader as “sen”"
        assert not re.search(r"\b(senin|sana|seni)\b", lower_tr(text)), f"/{spec.name}: {text!r}"
