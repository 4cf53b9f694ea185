"""/forgetme says truthfully what remains: pseudonymous figures, the audit line, delivered messages."""

from __future__ import annotations

import pytest

from mentoring.i18n import translator
from mentoring.privacy.screens import erased, forget_question


@pytest.mark.parametrize("words", [forget_question, erased])
def test_what_remains_is_named_and_nothing_is_called_anonymous(words) -> None:
    english = words().render(translator("en"))
    turkish = words().render(translator("tr"))
    assert "pseudonymous" in english and "audit log" in english and "messaging platform" in english
    assert "anonymous" not in english.replace("pseudonymous", "")
    assert "takma adlı" in turkish and "denetim kaydında" in turkish and "mesajlaşma platformunda" in turkish
    assert "anonim" not in turkish
