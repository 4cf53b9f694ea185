"""What the sender asks of a channel: put one claimed outbox row in front of its reader.

The sender (bot/sender.py) keeps the queue, the crash policy and the results;
a courier per channel (Telegram: bot/telegram_courier.py, WhatsApp:
bot/whatsapp/courier.py) keeps that channel's limits and turns the channel's
answers into the few outcomes the sender acts on:

- `Delivered`: it went (the channel's message id, and the template it went as);
- `Throttled`: the channel asks to slow down (for everyone, or for this chat);
  not the message's fault, so it does not count towards giving up;
- `Unreachable`: the person cannot be written to on this channel (blocked the
  bot, not on WhatsApp): the identity is marked and their queue given up;
- `Rejected`: sending the same again cannot succeed;
- `Transient`: a fault worth retrying with backoff (network, 5xx, timeouts).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.sender_pacing import Limits


@dataclass
class Job:
    """A claimed row, as a courier sends it (read from the row once, at claim time)."""

    row_id: int
    person_id: int | None
    chat_id: str
    text: str
    buttons: list[list[dict[str, str]]] | None
    attachment: dict[str, str] | None
    attempts: int
    # What a former attempt already sent of a message in several parts (see `Progress`).
    sent_before: str | None
    claimed_at: datetime
    kind: str = "reply"
    channel: str = "telegram"
    locale: str = "tr"
    # Outside the channel's window (WhatsApp's 24 hours): only an approved template may go.
    window_closed: bool = False

    @property
    def attachment_sent(self) -> bool:
        """A former attempt sent the first part (Telegram: the file of a long-captioned message).

        Progress WhatsApp's courier noted (`parts:N`) means nothing here: a person who moved
        channel between two attempts gets the whole message on the new one.
        """
        return self.sent_before is not None and not self.sent_before.startswith("parts:")


@dataclass(frozen=True)
class Delivered:
    message_id: str
    template: str | None = None


class Throttled(Exception):
    """The channel asks for a pause: everyone's sends (`everyone`) or only this chat's."""

    def __init__(self, seconds: float, reason: str, *, everyone: bool = True) -> None:
        super().__init__(reason)
        self.seconds, self.reason, self.everyone = seconds, reason, everyone


class _Why(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unreachable(_Why):
    """The person cannot be written to on this channel."""


class Rejected(_Why):
    """The channel refused this message for good."""


class Transient(_Why):
    """A fault worth trying again after a backoff."""


class Interrupted(Transient):
    """Stopped between two parts of a message; the rest is sent by the next attempt."""

    def __init__(self) -> None:
        super().__init__("stopped between the parts of a message")


class Courier(Protocol):
    """One channel's side of the sender."""

    channel: str
    limits: Limits
    # People a day the channel lets the bot start a conversation with (WhatsApp's tier), None: no limit.
    daily_new_people: int | None

    async def deliver(
        self, job: Job, *, part_sent: Callable[[str], Awaitable[None]],
        wait_for_slot: Callable[[], Awaitable[bool]],
    ) -> Delivered:
        """Send the row; raise one of this module's outcomes when it did not go.

        A message in several parts calls `part_sent` after each part but the last
        (so a retry does not repeat them) and `wait_for_slot` before the next one
        (False: stopping; raise `Interrupted`).
        """
        ...
