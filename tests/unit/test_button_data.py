"""The button codec: every button's data round-trips, and forged data is refused, never raised."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring.button_data import (
    ID_MAX,
    MAX_BYTES,
    ButtonDataError,
    Choice,
    ClockTime,
    Day,
    Feature,
    Id,
    IdList,
    Int,
    Refused,
    UnixTime,
    Word,
    codec,
    decode,
)
from mentoring.i18n import SUPPORTED_LOCALES
from mentoring.peers.buttons import PAIRS
from mentoring.plans import areas
from mentoring.plans import rules as plans
from mentoring.privacy import consent
from mentoring.reflection import steps as reflection_steps
from mentoring.sessions import notices as session_notices
from mentoring.todos.buttons import TODOS

# One well-formed value for each free-form shape the tables use.
WORD_SAMPLES = {
    "code": "Abc2-x_9",
    "version": "2026-11-v2",
    "area": "development",
}
TODO_LIST_VERSION = "a1b2c3"


def samples(field: Any) -> list[Any]:
    """Values a builder may write into this field: the edges and something in between."""
    if isinstance(field, Int):
        return [field.low, field.high, (field.low + field.high) // 2, *field.words]
    if isinstance(field, Choice):
        return list(field.choices().values())  # what a builder passes (a mapping's values, or the words)
    if isinstance(field, Word):
        return [TODO_LIST_VERSION if "a-f" in field.shape else WORD_SAMPLES[field.name]]
    if isinstance(field, UnixTime):
        return [datetime(2026, 11, 23, 9, 30, 15, tzinfo=UTC), datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)]
    if isinstance(field, Day):
        return [date(2026, 1, 2), date(2027, 12, 31)]
    if isinstance(field, ClockTime):
        return [time(0, 0), time(23, 59), time(10, 0)]
    if isinstance(field, IdList):
        return [tuple(range(1, n + 1)) for n in range(field.least, field.most + 1)]
    raise AssertionError(field)


def every_button() -> list[tuple[Feature, str, dict[str, Any]]]:
    found = []
    for feature in codec().features.values():
        for action, layout in feature.actions.items():
            fields = [part for part in layout if not isinstance(part, str)]
            for index in range(max([len(samples(f)) for f in fields], default=1)):
                values = {f.name: samples(f)[index % len(samples(f))] for f in fields}
                found.append((feature, action, values))
    return found


EVERY_BUTTON = every_button()


@pytest.mark.parametrize(("feature", "action", "values"), EVERY_BUTTON,
                         ids=[f"{f.prefix}:{a}:{i}" for i, (f, a, _) in enumerate(EVERY_BUTTON)])
def test_every_button_round_trips(feature: Feature, action: str, values: dict[str, Any]) -> None:
    data = feature.encode(action, **values)
    assert len(data.encode()) <= MAX_BYTES and data.startswith(feature.prefix + ":")
    pressed = decode(data)
    assert (pressed.prefix, pressed.action) == (feature.prefix, action)
    expected = {name: value.replace(microsecond=0) if isinstance(value, datetime) else value
                for name, value in values.items()}
    assert dict(pressed.values) == expected
    assert feature.decode(data) == pressed
    # Canonical: what is read writes back to exactly the same data.
    assert feature.encode(pressed.action, **pressed.values) == data


def test_known_wire_formats_are_kept() -> None:
    """Buttons already in people's chats and in queued outbox rows must keep working."""
    assert TODOS.encode("v", todo=7, page=0) == "todo:v:7:0"
    cases = {
        "todo:pg:1:0a1b2c": ("pg", {"page": 1, "version": "0a1b2c"}),
        "asg:p:3:all": ("p", {"group": 3, "person": "all"}),
        "rhy:5": ("show", {"group": 5}),
        "rhy:5:rt:1000": ("option", {"group": 5, "setting": "rt", "option": "1000"}),
        "bc:12:g:4:0": ("g", {"draft": 12, "group": 4, "page": 0}),
        "bc:new:3": ("new", {"programme": 3}),
        "ses:d:20261231": ("d", {"day": date(2026, 12, 31)}),
        "ses:t:1900": ("t", {"at": time(19, 0)}),
        "ses:r:8:m": ("r", {"session": 8, "answer": "m"}),
        "set:q:2200-0800": ("hours", {"hours": (time(22), time(8))}),
        "set:tz:Europe/Istanbul": ("zone", {"zone": "Europe/Istanbul"}),
        "pairs:pick:3:": ("pick", {"group": 3, "chosen": ()}),
        "pairs:make:3:4.9": ("make", {"group": 3, "chosen": (4, 9)}),
        "rf:a:2:1:s": ("a", {"reflection": 2, "question": 1, "value": "s"}),
        "plan:sh:6:0": ("sh", {"goal": 6, "shared": False}),
        "plan:sa:baseline:go": ("sa_go", {"stage": "baseline"}),
        "dg:c:1": ("c", {"on": True}),
        "rpt:pv:1:0": ("pv", {"programme": 1, "province": 0}),
        "privacy:forget:1795944451": ("forget_confirmed",
                                      {"offered": datetime.fromtimestamp(1795944451, UTC)}),
        "join:yes:en:abcd2345": ("yes", {"locale": "en", "code": "abcd2345"}),
        "consent:show": ("show", {}),
        "lang:tr": ("choose", {"locale": "tr"}),
    }
    for data, (action, values) in cases.items():
        pressed = decode(data)
        assert (pressed.action, dict(pressed.values)) == (action, values), data


def forged_numbers() -> list[str]:
    """Each family the attack found, and their neighbours."""
    return ["²", "١٢", "+5", " 5", "5 ", "0", "-1", "05", "2147483648", str(ID_MAX + 1), str(2**63),
            "9" * 12, "1e3", "0x1", "1.5", "", "5\n", "５", "\x005"]


@pytest.mark.parametrize("fake", forged_numbers())
def test_forged_ids_are_refused_in_every_id_field(fake: str) -> None:
    """Swap each id of a real button for a forgery: always Refused, never a crash."""
    checked = 0
    for feature, action, values in EVERY_BUTTON:
        layout = feature.actions[action]
        for position, part in enumerate(layout):
            if not (isinstance(part, Int) and part.high == ID_MAX and part.low == 1):
                continue
            parts = feature.encode(action, **values).split(":")
            parts[position + 1] = fake
            with pytest.raises(Refused):
                decode(":".join(parts))
            checked += 1
    assert checked > 40


def test_numbers_are_strict() -> None:
    page = Int("page", 0, 99)
    assert page.parse("0") == 0 and page.parse("99") == 99
    for fake in ["²", "١٢", "+5", " 5", "100", "00", "07", "-0", "", "٣"]:
        with pytest.raises(Refused):
            page.parse(fake)
    assert Id("todo").parse(str(ID_MAX)) == ID_MAX
    assert Id("goal", zero=True).parse("0") == 0
    with pytest.raises(Refused):
        Id("todo").parse("0")


def test_the_forged_families_of_the_report() -> None:
    refused = [
        "todo:v:²:0", "todo:ok:²", "rf:go:²", "rf:a:1:0:²",  # isdigit() but not int()
        "todo:ok:9223372036854775808", "dg:m:1:99999999999",  # over 2**63, over 2**31
        "todo:ok:2147483648", "asg:g:999999999999", "rpt:g:2147483648:0",  # inside \d{1,12}
        "privacy:forget:999999999999",  # a unix time past year 9999
        "ses:d:99999999", "ses:d:20260230", "ses:t:2460", "ses:t:999",
    ]
    for data in refused:
        with pytest.raises(Refused):
            decode(data)


@pytest.mark.parametrize("data", [
    "todo:v:5", "todo:v:5:0:1", "todo:ok", "todo:ok:5:", "todo:add:1", "asg:g:1:2", "rhy:", "rhy:5:rt:1000:1",
    "bc:5", "bc:5:send:1", "privacy:keep:1", "consent:yes", "join:yes:tr", "lang:tr:x", "lang:",
])
def test_extra_or_missing_parts_are_refused(data: str) -> None:
    with pytest.raises(Refused):
        decode(data)


@pytest.mark.parametrize("data", [
    "", ":", "todo", "todo:", "zz:1", "TODO:add", " todo:add", "todo:add ", "todo:zz:1", "todo:V:1:0",
    "set:tz:Mars/Olympus", "set:q:2200-0900", "pc:t:1:maybe", "plan:st:1:finished", "bc:1:r:everyone",
    "join:yes:de:abcd2345", "join:yes:tr:ab", "join:yes:tr:" + "a" * 33, "join:yes:tr:ab cd",
    "join:yes:tr:abçd", "pairs:make:1:2", "pairs:make:1:2.3.4.5", "pairs:pick:1:2.2", "pairs:pick:1:2..3",
    "pairs:pick:1:.2", "rf:a:1:0:x", "dg:c:2", "plan:sh:1:2", "plan:a:Development", "ses:r:1:yes",
    "todo:add\x00", "todo:" + "9" * 59, "x" * 64, "é" * 32, "\x00" * 10, "todo:pg:1:ABCDEF",
])
def test_unknown_or_malformed_data_is_refused(data: str) -> None:
    with pytest.raises(Refused):
        decode(data)


def test_more_than_64_bytes_is_refused_and_never_written() -> None:
    with pytest.raises(Refused):
        decode("todo:ok:1" + ":" * 60)
    with pytest.raises(Refused):
        decode("rhy:1:" + "1" * 60)
    # Four ten-digit ids would make 65 bytes: the builder is stopped, not Telegram.
    big = (ID_MAX, ID_MAX - 1, ID_MAX - 2, ID_MAX - 3)
    with pytest.raises(ButtonDataError, match="64 bytes"):
        PAIRS.encode("pick", group=ID_MAX, chosen=big)


def test_non_text_data_is_refused() -> None:
    for data in (None, 5, b"todo:add", ["todo", "add"]):
        with pytest.raises(Refused):
            decode(data)


def test_builders_cannot_write_what_no_button_reads() -> None:
    for bad in (
        lambda: TODOS.encode("v", todo=0, page=0),
        lambda: TODOS.encode("v", todo=ID_MAX + 1, page=0),
        lambda: TODOS.encode("v", todo="7", page=0),
        lambda: TODOS.encode("v", todo=True, page=0),
        lambda: TODOS.encode("v", todo=7),
        lambda: TODOS.encode("v", todo=7, page=0, extra=1),
        lambda: TODOS.encode("zz"),
        lambda: TODOS.encode("why", todo=7, reason="lazy"),
        lambda: TODOS.encode("pg", page=0, version="a:b"),
        lambda: PAIRS.encode("pick", group=1, chosen=(2, 2)),
    ):
        with pytest.raises(ButtonDataError):
            bad()


def test_a_table_whose_actions_could_read_the_same_data_is_rejected() -> None:
    with pytest.raises(ButtonDataError, match="same data"):
        Feature("x", {"a": ("v", Id("todo")), "b": ("v", Int("page", 0, 9))})
    with pytest.raises(ButtonDataError, match="same data"):
        Feature("x", {"a": (Id("group"),), "b": (Choice("word", ("5", "six")),)})
    # A literal that the other layout's field cannot read keeps them apart.
    Feature("x", {"a": (Id("group"), "send"), "b": ("new", Id("programme"))})
    with pytest.raises(ButtonDataError):
        Feature("x", {"a": ("v", Id("todo"), Id("todo"))})  # a field name twice
    with pytest.raises(ButtonDataError):
        Feature("x:y", {})


def test_words_match_the_rules_that_own_them() -> None:
    """Lists the codec cannot import (cycles) must stay equal to the domain's own."""
    ses, plan, rf = (codec().features[p] for p in ("ses", "plan", "rf"))
    assert set(ses.actions["r"][2].choices()) == set(session_notices.RSVP_CODES)
    assert set(plan.actions["due"][1].choices()) == set(plans.DUE_KINDS)
    assert plan.actions["a"][1].shape == areas._KEY_SHAPE.pattern.strip("^$")
    assert rf.actions["a"][3].words == (reflection_steps.SKIP,)
    assert all(re.fullmatch(plan.actions["a"][1].shape, area.key) for area in areas.DEFAULT_AREAS)
    assert codec().features["consent"].decode(f"consent:yes:{consent.NOTICE_VERSION}").action == "yes"
    assert set(codec().features["lang"].actions["choose"][0].choices()) == set(SUPPORTED_LOCALES)


@settings(max_examples=600, deadline=None)
@given(st.one_of(
    st.text(max_size=70),
    st.sampled_from(sorted(codec().features)).flatmap(
        lambda p: st.text(alphabet=st.characters(codec="utf-8"), max_size=40).map(lambda s: f"{p}:{s}")),
    st.sampled_from([feature.encode(action, **values) for feature, action, values in EVERY_BUTTON]).flatmap(
        lambda d: st.tuples(st.integers(0, len(d)), st.text(max_size=4)).map(lambda t: d[:t[0]] + t[1] + d[t[0]:])),
))
def test_any_text_is_read_or_refused_and_what_is_read_is_canonical(data: str) -> None:
    try:
        pressed = decode(data)
    except Refused:
        return
    assert codec().features[pressed.prefix].encode(pressed.action, **pressed.values) == data
