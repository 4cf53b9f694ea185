"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import Choice, Feature, Id


def _rhythm_settings() -> tuple[str, ...]:
    from mentoring.rhythm.rules import SETTINGS as RHYTHM_SETTINGS

    return tuple(RHYTHM_SETTINGS)


def _rhythm_options() -> list[str]:
    """Every option code of every rhythm setting; the domain checks it fits the setting."""
    from mentoring.rhythm.rules import SETTINGS as RHYTHM_SETTINGS
    from mentoring.rhythm.rules import option_code

    return sorted({option_code(v) for s in RHYTHM_SETTINGS.values() for v in s.options})


RHYTHM = Feature("rhy", {
    "show": (Id("group"),),
    "setting": (Id("group"), Choice("setting", _rhythm_settings)),
    "option": (Id("group"), Choice("setting", _rhythm_settings), Choice("option", _rhythm_options)),
})


TABLES = (RHYTHM,)
