"""Which incoming updates Narbot handles at all, decided in one place and without any channel's types.

A channel adapter describes what arrived (`Incoming`: what kind of update, where
it happened, whether a group message is a command meant for this bot) and asks
`admit` what to do with it. The answer is one of four routes:

- `FEATURES`: a new message, or a button press, in a private chat with the bot,
  from a person. Only these go on to the consent check and then to the features.
- `GROUP_POINTER`: a command meant for this bot in a group chat. It gets the fixed,
  impersonal pointer to the private chat; nothing is read or written.
- `BUTTON_ELSEWHERE`: a button pressed anywhere but a private chat (a group, a
  channel, an inline message). The press is answered with a short
  neutral note so the client's spinner stops; nothing is read, written or shown.
- `IGNORE`: everything else, silently: edited messages (an edit is never a
  command or an answer: the original was already handled, and an old message
  edited into `/start <code>` must not act), channel posts and their edits,
  commands addressed to another bot, group chatter, and every other kind of
  update (chat member changes, reactions, polls, inline queries, business and
  payment updates...).

What is routed to the features then meets the consent gate: `consent_holds`
decides whether a member whose consent is withdrawn or older than the current
notice is held (only the notice's answer and their data rights go through);
what a held member is shown is `mentoring.privacy.screens.held`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mentoring.privacy.buttons import CONSENT, OPTIN, PRIVACY
from mentoring.screens import Input, Pressed, Typed

if TYPE_CHECKING:
    from mentoring.privacy.consent import Standing


class Kind(enum.Enum):
    """What kind of update arrived."""

    MESSAGE = "message"  # a new message
    EDITED_MESSAGE = "edited_message"  # a message changed after it was sent
    BUTTON = "button"  # a press of a button the bot made (Telegram: a callback query)
    OTHER = "other"  # channel posts, member changes, reactions, polls, inline queries, ...


class Where(enum.Enum):
    """Where it happened."""

    PRIVATE_CHAT = "private_chat"  # a private chat with the bot
    GROUP = "group"  # a group or supergroup
    ELSEWHERE = "elsewhere"  # a channel, an inline message, or unknown


class Route(enum.Enum):
    FEATURES = "features"
    GROUP_POINTER = "group_pointer"
    BUTTON_ELSEWHERE = "button_elsewhere"
    IGNORE = "ignore"


@dataclass(frozen=True)
class Incoming:
    kind: Kind
    where: Where
    # A message whose first word is a command without a bot name, or with this bot's name.
    command_for_us: bool = False
    # Whether the channel names the person who sent it (Telegram always does in private chats).
    from_person: bool = True


def admit(incoming: Incoming) -> Route:
    """The one rule for every update: see the module's docstring."""
    if incoming.kind is Kind.BUTTON:
        if incoming.where is not Where.PRIVATE_CHAT:
            return Route.BUTTON_ELSEWHERE
        return Route.FEATURES if incoming.from_person else Route.IGNORE
    if incoming.kind is Kind.MESSAGE:
        if incoming.where is Where.PRIVATE_CHAT:
            return Route.FEATURES if incoming.from_person else Route.IGNORE
        if incoming.where is Where.GROUP and incoming.command_for_us:
            return Route.GROUP_POINTER
    return Route.IGNORE


def addressed_to(command_word: str, bot_username: str) -> bool:
    """Whether a command word (`/todo`, `/todo@somebot`) is meant for the bot called `bot_username`."""
    _name, at, target = command_word.partition("@")
    return not at or target.lower() == bot_username.lower()


# What a held member may still do: answer the notice and the consents, see or erase their data.
ALLOWED_PRESSES = (f"{CONSENT.prefix}:", f"{PRIVACY.prefix}:", f"{OPTIN.prefix}:")
ALLOWED_COMMANDS = ("/mydata", "/forgetme", "/privacy")


def consent_holds(standing: Standing | None, given: Input) -> bool:
    """Whether the consent gate keeps this input of an admitted update from the features.

    A member who stopped Narbot, has not read their programme's current notice, or
    has not consented to transfer abroad where their notice asks it, is held, except
    for answering the notice and the consents and seeing or erasing their data (the
    buttons of `CONSENT`, `OPTIN` and `PRIVACY`, /mydata, /forgetme and /privacy).
    Someone who has not joined (`standing` None) is not held: joining is how they
    read the notice. What a held member is shown is
    `mentoring.privacy.consent_screens.held`.
    """
    if standing is None or standing.is_current:
        return False
    return not allowed_without_consent(given)


def allowed_without_consent(given: Input) -> bool:
    if isinstance(given, Pressed):
        return given.data.startswith(ALLOWED_PRESSES)
    if isinstance(given, Typed) and given.text.split():
        command = given.text.split(maxsplit=1)[0].split("@", 1)[0].lower()
        return command in ALLOWED_COMMANDS
    return False
