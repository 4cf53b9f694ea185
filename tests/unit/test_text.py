"""Small text helpers: Turkish-aware search keys and one-line clipping for labels and quotes."""

from __future__ import annotations

from mentoring.text import clip, search_key


def test_search_keys_fold_turkish_letters_and_case() -> None:
    assert search_key("İSTANBUL") == search_key("istanbul") == "istanbul"
    assert search_key("  Şule   Çağlar ") == "sule caglar"


def test_clip_keeps_one_line_and_says_when_it_cut() -> None:
    assert clip("Kısa", 20) == "Kısa"
    assert clip("  iki\nsatır  ", 20) == "iki satır"
    assert clip(None, 20) == ""
    cut = clip("Çocuklarla her akşam birlikte kitap okumak", 20)
    assert len(cut) <= 20 and cut.endswith("…") and cut.startswith("Çocuklarla her")
    assert clip("kelime " * 10, 20) == "kelime kelime kelim…"
