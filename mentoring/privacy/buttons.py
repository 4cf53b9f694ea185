"""This feature's buttons: what each carries, written and read by the one codec (mentoring/button_data.py).

Wire formats stay stable: buttons in old messages and queued outbox rows must
keep working after an upgrade.
"""

from __future__ import annotations

from mentoring.button_data import Choice, Feature, UnixTime, Word

NOTICE_VERSION_SHAPE = r"[0-9A-Za-z._-]{1,24}"  # mentoring.privacy.consent.NOTICE_VERSION (older ones too)


CONSENT = Feature("consent", {
    "show": ("show",),
    "yes": ("yes", Word("version", NOTICE_VERSION_SHAPE)),
    "no": ("no", Word("version", NOTICE_VERSION_SHAPE)),
})


PRIVACY = Feature("privacy", {
    "withdraw": ("withdraw",),
    "forget": ("forget",),
    "keep": ("keep",),
    "withdraw_confirmed": ("withdraw", UnixTime("offered")),
    "forget_confirmed": ("forget", UnixTime("offered")),
})


# Explicit consents, one purpose each (mentoring/privacy/explicit.py): ask, give, refuse or withdraw.
PURPOSES = ("abroad", "media")
OPTIN = Feature("optin", {
    "ask": ("ask", Choice("purpose", PURPOSES)),
    "yes": ("yes", Choice("purpose", PURPOSES)),
    "no": ("no", Choice("purpose", PURPOSES)),
    "overview": ("overview",),
})


TABLES = (CONSENT, PRIVACY, OPTIN)
