"""Every refusal the code can raise has its words, once, in mentoring/refusals.py.

The code is read, not imported: every `DomainError("code", ...)` call, every call
of a `DomainError` subclass (its code and values read from its `__init__`), and
every `require(allowed, "action")` (an `access_denied`) in bot/, handlers/,
mentoring/ and storage/ is a raise site. Each must have words that render in
both languages with the values that site gives; words must not be left for
codes (or `access_denied` actions, session-closed reasons) nothing raises.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mentoring import refusals
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.refusals import BY_VALUE, UNWORDED, WORDS, refusal, refused, worded

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "mentoring", "storage")
BASE = "DomainError"
UNKNOWN = "?"  # a value the code computes; rendered as is


@dataclass(frozen=True)
class Site:
    where: str
    code: str
    values: tuple[tuple[str, str], ...]


@dataclass
class Subclass:
    """A DomainError subclass whose __init__ fixes the code: `super().__init__("code", kw=param)`."""

    code: str | None  # None: it takes the code like DomainError does
    params: list[str] = field(default_factory=list)
    values: dict[str, str | None] = field(default_factory=dict)  # keyword -> constant, or None: a param


@dataclass
class Scan:
    sites: list[Site] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # raise sites whose code is not written out


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _strings(node: ast.expr) -> list[str] | None:
    """The literal strings an expression can be: "a", or "a" if x else "b"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _constant(node: ast.expr) -> str:
    return str(node.value) if isinstance(node, ast.Constant) else UNKNOWN


def _subclasses(trees: dict[str, ast.Module]) -> dict[str, Subclass]:
    classes = {node.name: node for tree in trees.values() for node in ast.walk(tree)
               if isinstance(node, ast.ClassDef)}
    found: dict[str, Subclass] = {}
    grew = True
    while grew:  # subclasses of subclasses too
        grew = False
        for name, node in classes.items():
            if name in found or not any(_name(base) in {BASE, *found} for base in node.bases):
                continue
            found[name] = _subclass(node)
            grew = True
    return found


def _subclass(node: ast.ClassDef) -> Subclass:
    init = next((item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == "__init__"), None)
    if init is None:
        return Subclass(code=None)
    params = [arg.arg for arg in init.args.args[1:]]
    for call in ast.walk(init):
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "__init__"
                and call.args):
            code = _strings(call.args[0])
            assert code is not None and len(code) == 1, f"{node.name}: cannot read its code"
            values = {kw.arg: None if isinstance(kw.value, ast.Name) and kw.value.id in params
                      else _constant(kw.value) for kw in call.keywords if kw.arg}
            return Subclass(code[0], params, values)
    raise AssertionError(f"{node.name} does not call DomainError.__init__ with its code")


def scan(trees: dict[str, ast.Module]) -> Scan:
    subclasses = _subclasses(trees)
    result = Scan()
    for where, tree in trees.items():
        for call in ast.walk(tree):
            if isinstance(call, ast.Call):
                _visit(call, f"{where}:{call.lineno}", subclasses, result)
    return result


def _visit(call: ast.Call, where: str, subclasses: dict[str, Subclass], result: Scan) -> None:
    name = _name(call.func)
    known = subclasses.get(name or "")
    if name == BASE or (known is not None and known.code is None):
        codes = _strings(call.args[0]) if call.args else None
        if codes is None:
            result.unreadable.append(where)
            return
        values = tuple((kw.arg, _constant(kw.value)) for kw in call.keywords if kw.arg)
        if any(kw.arg is None for kw in call.keywords):
            result.unreadable.append(where)  # **values: which ones cannot be read
        result.sites.extend(Site(where, code, values) for code in codes)
    elif known is not None and known.code is not None:
        given = dict(zip(known.params, (_constant(arg) for arg in call.args), strict=False))
        given.update({kw.arg: _constant(kw.value) for kw in call.keywords if kw.arg})
        values = tuple((kw, given.get(kw, UNKNOWN) if value is None else value)
                       for kw, value in known.values.items())
        result.sites.append(Site(where, known.code, values))
    elif name == "require" and len(call.args) == 2:  # mentoring.access.require(allowed, action)
        result.sites.append(Site(where, "access_denied", (("action", _constant(call.args[1])),)))


def code_trees() -> dict[str, ast.Module]:
    trees = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                trees[str(path.relative_to(ROOT))] = ast.parse(path.read_text(encoding="utf-8"))
    return trees


def problems_of(found: Scan) -> list[str]:
    """Raise sites without words, or whose words need a value the site does not give."""
    problems = [f"{where}: the code is not written out, so its words cannot be checked"
                for where in found.unreadable]
    for site in found.sites:
        if not worded(site.code):
            problems.append(f"{site.where}: no words for {site.code!r} in mentoring/refusals.py")
            continue
        error = DomainError(site.code, **dict(site.values))
        for locale in SUPPORTED_LOCALES:
            try:
                refusal(error).render(translator(locale))
            except (KeyError, IndexError) as missing:
                problems.append(f"{site.where}: the {locale} words for {site.code!r} need {missing}, "
                                f"which it does not give")
    return problems


@pytest.fixture(scope="module")
def found() -> Scan:
    return scan(code_trees())


def test_the_scan_finds_every_kind_of_raise_site(found: Scan) -> None:
    sites = {(site.code, dict(site.values).get("action") or dict(site.values).get("reason"))
             for site in found.sites}
    assert ("bad_quiet_hours", None) in sites  # DomainError("...")
    assert ("checkin_answered", None) in sites and ("stale", None) in sites  # "a" if x else "b"
    assert ("session_closed", "started") in sites  # SessionClosed("started")
    assert ("access_denied", "pairs") in sites  # AccessDenied("pairs")
    assert ("access_denied", "change_rhythm") in sites  # require(..., "change_rhythm")
    assert ("broadcast_gone", None) in sites  # BroadcastGone()
    assert ("unknown_group", None) in sites  # bot/admin_reports.py
    assert ("at_most_three", None) in sites  # raised in handlers/ (for now)


def test_every_code_that_can_be_raised_has_words(found: Scan) -> None:
    problems = problems_of(found)
    assert not problems, "\n".join(problems)


def test_no_words_wait_for_a_code_nothing_raises(found: Scan) -> None:
    raised = {site.code for site in found.sites}
    assert sorted(set(WORDS) - raised) == []
    for code, (name, variants) in BY_VALUE.items():
        given = {dict(site.values).get(name) for site in found.sites if site.code == code}
        assert sorted(set(variants) - given) == [], f"{code}: words for {name}s nothing raises"


def test_a_new_code_without_words_fails_the_check() -> None:
    source = '''
class Gone(DomainError):
    def __init__(self, what):
        super().__init__("brand_new_gone", what=what)

def act(text):
    if not text:
        raise DomainError("brand_new_code", length=len(text))
    raise Gone("todo")

def computed(code):
    raise DomainError(code)

def short(text):
    raise DomainError("todo_too_long", length=len(text))  # its words need {limit} too
'''
    problems = problems_of(scan({"x.py": ast.parse(source)}))
    assert any("no words for 'brand_new_code'" in p for p in problems)
    assert any("no words for 'brand_new_gone'" in p for p in problems)
    assert any("x.py:12: the code is not written out" in p for p in problems)
    assert any("'todo_too_long' need 'limit'" in p for p in problems)


@pytest.mark.parametrize(("error", "tr_text", "en_text"), [
    (DomainError("stale_button"), "Bu düğme artık geçerli değil.", "This button is no longer active."),
    (DomainError("access_denied", action="todo"), "Bu işlem size açık değil.", "That is not available to you."),
    (DomainError("access_denied", action="export"), None,
     "Only the programme's coordinators may export its figures."),
    (DomainError("session_closed", reason="started"), None, "This session has already started."),
    (DomainError("text_too_long", most=500, length=612), None,
     "That is too long (612 characters). Please keep it to 500 characters."),
    (DomainError("unknown_timezone", timezone="Mars/Olympus"), None,
     "I do not know the time zone Mars/Olympus. Use a name such as Europe/Istanbul."),
    (DomainError("group_exists", name="Nar-3", programme="Nar"), None,
     "Programme Nar already has a group named Nar-3."),
])
def test_refusals_read_in_both_languages(error: DomainError, tr_text: str | None, en_text: str) -> None:
    assert refusal(error).render(translator("en")) == en_text
    turkish = refusal(error).render(translator("tr"))
    assert turkish != en_text
    if tr_text is not None:
        assert turkish == tr_text


def test_a_refused_step_is_an_alert_and_nothing_else() -> None:
    reply = refused(DomainError("todo_gone"))
    assert reply.screens == ()
    assert reply.notice is not None and reply.notice.alert
    assert reply.notice.text.render(translator("en")) == "This to-do no longer exists. Nothing was changed."
    # An unknown code is never shown as its code (the scan above keeps this from happening).
    assert refusal(DomainError("no_such_code")).render(translator("en")) == UNWORDED
    assert refusals.refusal(DomainError("no_such_code")).msgid == UNWORDED
