"""/mydata names every kind of record in the reader's words, never by a table's name."""

from __future__ import annotations

import re

import pytest

from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.privacy.personal_data import owned_tables
from mentoring.privacy.screens import KIND_LABELS, record_lines
from storage.models.privacy import AuditEntry

TABLE_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def listed_tables() -> list[str]:
    """Every table whose rows /mydata can count: the person's own, and the audit log about them."""
    return [owned.table.name for owned in owned_tables()] + [AuditEntry.__tablename__]


def test_every_table_mydata_can_list_has_a_label() -> None:
    missing = [name for name in listed_tables() if name not in KIND_LABELS]
    assert not missing, f"add a label to mentoring/privacy/screens.KIND_LABELS for: {missing}"
    assert {"peer_pair_members", "plan_area_choices", "outbox_mentions"} <= set(listed_tables())


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_record_lines_are_words_in_the_readers_language(locale: str) -> None:
    tr = translator(locale)
    counts = {name: 2 for name in listed_tables()}
    lines = [line.render(tr) for line in record_lines({**counts, "some_future_table": 1, "another_table": 3}, locale)]
    assert not [line for line in lines if TABLE_NAME.search(line)]
    assert f"• {tr.gettext('Other records')}: 4" in lines  # unlabelled tables, counted together
    assert len(lines) == len(counts) + 1  # one line per kind: no two tables share a label


def test_turkish_labels_are_translated() -> None:
    tr, en = translator("tr"), translator("en")
    untranslated = [label for label in KIND_LABELS.values() if tr.gettext(label) == en.gettext(label)]
    assert not untranslated
