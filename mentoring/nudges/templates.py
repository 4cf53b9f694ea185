"""The nudges: WhatsApp templates that stand for what the bot starts outside the 24-hour window.

A nudge says only what kind of message waits ("A new announcement is waiting
for you") and offers one quick-reply button; its payload, `held:<outbox row
id>` (`held_data`), opens the held row itself (`mentoring.nudges.screens`).
Templates carry no variables at all: no names, no dates, nothing personal
leaves in them, and Meta approves them once.

Each outbox kind maps to one nudge (`nudge_for`); a kind no nudge names gets
the generic one. The full template name is `<prefix>_<nudge>`, the prefix being
the setting `WHATSAPP_TEMPLATE_PREFIX`, and must match the approved template's.
`submission()` writes what Meta's template manager takes
(`POST /<WABA id>/message_templates`); `narbot whatsapp templates` prints it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mentoring.i18n import Translator
from mentoring.nudges.buttons import HELD
from mentoring.screens import SHORT_LABEL_MAX, Text

# Meta: lowercase letters, digits and underscores, at most 512 characters.
NAME_SHAPE = re.compile(r"[a-z0-9_]{1,512}", re.ASCII)
# Every nudge is a UTILITY template: it is about something the person takes part in.
CATEGORY = "UTILITY"
BUTTON_MAX = SHORT_LABEL_MAX  # WhatsApp's reply buttons; Meta allows 25 in templates, we keep to 20
BODY_MAX = 1024  # Meta's limit for a template body

# Our locale -> the language code of the approved template.
LANGUAGE_CODES: dict[str, str] = {"tr": "tr", "en": "en"}


@dataclass(frozen=True)
class Nudge:
    name: str  # the template name's suffix; the full name is f"{prefix}_{name}"
    body: Text  # the template's body (no variables)
    button: Text  # the quick-reply button's label, at most 20 characters in every language


_SHOW_MESSAGE = Text("Show the message")

REFLECTION = Nudge(
    "reflection",
    Text("It is time to look back: a few short questions are waiting for you. "
         "Tap the button below to see them."),
    Text("Show the questions"),
)
CHECKIN = Nudge(
    "checkin",
    Text("This week's check-in with your peer partner is open. Tap the button below to answer it."),
    Text("Open the check-in"),
)
SESSION = Nudge(
    "session",
    Text("There is a message about your group mentoring session. Tap the button below to see it."),
    _SHOW_MESSAGE,
)
DIGEST = Nudge(
    "digest",
    Text("A new report on your group is ready. Tap the button below to see it."),
    Text("Show the report"),
)
ANNOUNCEMENT = Nudge(
    "announcement",
    Text("There is a new announcement for you. Tap the button below to read it."),
    Text("Show announcement"),
)
TODO = Nudge(
    "todo",
    Text("Your mentor has given you a new to-do. Tap the button below to see it."),
    Text("Show the to-do"),
)
PAIRS = Nudge(
    "pairs",
    Text("You have a new peer partner. Tap the button below to find out more."),
    _SHOW_MESSAGE,
)
# A worry about a child raised in the mentor's group (mentoring.safeguarding): read it now.
URGENT = Nudge(
    "urgent",
    Text("Someone in your group is worried about a child. Please read their message now."),
    Text("Read it now"),
)
# A mentee asks their mentors for help with a to-do not done (mentoring.todos.next_steps).
HELP = Nudge(
    "help",
    Text("A mentee in your group is asking for your help. Tap the button below to read their message."),
    _SHOW_MESSAGE,
)
# A mentor answered a mentee's reflection, a mentee answered back, or the files a mentor asked for
# (mentoring.feedback).
FEEDBACK = Nudge(
    "feedback",
    Text("There is a new message between you and your mentoring group. Tap the button below to read it."),
    _SHOW_MESSAGE,
)
# A request about personal data (an objection or a correction) and its answer (mentoring.objections).
PRIVACY_REQUEST = Nudge(
    "privacy",
    Text("There is news about a request concerning personal data. Tap the button below to read it."),
    _SHOW_MESSAGE,
)
# A mentor or coordinator shared a resource with the reader's group or programme (mentoring.resources).
RESOURCE = Nudge(
    "resource",
    Text("A new resource has been shared with you. Tap the button below to see it."),
    Text("Show the resource"),
)
# The programme ends: the closing steps are open, or a mentor suggested a way to go on (mentoring.closing).
CLOSING = Nudge(
    "closing",
    Text("The programme is ending: your closing steps are waiting for you. Tap the button below to open them."),
    Text("Closing steps"),
)
# For every kind no other nudge names (e.g. a reply Telegram could not take at once).
UPDATE = Nudge(
    "update",
    Text("You have a new message. Tap the button below to read it."),
    _SHOW_MESSAGE,
)

NUDGES: tuple[Nudge, ...] = (
    REFLECTION, CHECKIN, SESSION, DIGEST, ANNOUNCEMENT, TODO, PAIRS, URGENT, HELP, FEEDBACK, PRIVACY_REQUEST,
    RESOURCE, CLOSING, UPDATE,
)

# Outbox kinds (Outgoing.kind) -> the nudge that stands for them.
KINDS: Mapping[str, Nudge] = {
    "reflection_prompt": REFLECTION,
    "reflection_reminder": REFLECTION,
    "self_assessment_prompt": REFLECTION,
    "checkin_prompt": CHECKIN,
    "checkin_reminder": CHECKIN,
    "session_invite": SESSION,
    "session_reminder": SESSION,
    "session_moved": SESSION,
    "session_cancelled": SESSION,
    "session_feedback": SESSION,
    # From practice to the group (mentoring/sessions/proposals): a proposal decided, a role asked.
    "agenda_decision": SESSION,
    "agenda_role": SESSION,
    "session_minutes": SESSION,
    "digest": DIGEST,
    "progress_report": DIGEST,
    "broadcast": ANNOUNCEMENT,
    "todo_assigned": TODO,
    "peer_pair": PAIRS,
    "safeguarding": URGENT,
    "todo_help": HELP,
    "reply": UPDATE,
    # Mentors hear and answer (mentoring/feedback): a mentee's files, a reply, the mentee's answer.
    "mentee_media": FEEDBACK,
    "feedback_reply": FEEDBACK,
    "feedback_answer": FEEDBACK,
    "objection_request": PRIVACY_REQUEST,
    "objection_answer": PRIVACY_REQUEST,
    "resource_shared": RESOURCE,
    "closing_offer": CLOSING,
    "closing_suggestion": CLOSING,
    # A coordinator moved someone to another group (mentoring/console/moves.py): news from the programme.
    "group_move": ANNOUNCEMENT,
}


def nudge_for(kind: str) -> Nudge:
    """The nudge that stands for an outbox row of this kind; the generic one for kinds it does not know."""
    return KINDS.get(kind, UPDATE)


def template_name(prefix: str, nudge: Nudge) -> str:
    """The approved template's name, `<prefix>_<nudge>`; refuses a name Meta would not take."""
    name = f"{prefix}_{nudge.name}"
    if not NAME_SHAPE.fullmatch(name):
        raise ValueError(f"{name!r} is not a valid template name (lowercase letters, digits, underscores)")
    return name


def held_data(row_id: int) -> str:
    """The quick-reply payload that opens the held outbox row (the button codec's data)."""
    return HELD.encode("show", message=row_id)


def submission(prefix: str, tr: Translator, locale: str) -> list[dict[str, Any]]:
    """Every nudge in one language, as Meta's template manager takes it (one JSON object per template)."""
    language = LANGUAGE_CODES[locale]
    return [
        {
            "name": template_name(prefix, nudge),
            "language": language,
            "category": CATEGORY,
            "components": [
                {"type": "BODY", "text": nudge.body.render(tr)},
                {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": nudge.button.render(tr)}]},
            ],
        }
        for nudge in NUDGES
    ]
