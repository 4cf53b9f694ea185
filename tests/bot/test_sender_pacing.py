"""The send slots: overall rate, one per second per private chat, 20 a minute per group, 429 pauses."""

from __future__ import annotations

from bot.sender_pacing import Limits


def test_the_overall_rate_spaces_sends_with_a_small_catch_up() -> None:
    limits = Limits(25)
    slots = [limits.reserve(str(1000 + n), 10.0) for n in range(50)]
    # At most 0.1 s worth of sends is made up at once; then one every 40 ms.
    assert slots[:3] == [10.0, 10.0, 10.0]
    assert abs(slots[-1] - (10.0 - 0.1 + 49 * 0.04)) < 1e-9
    assert sum(1 for s in slots if s < 11.0) <= 25 * 1.1 + 1 < 30


def test_a_private_chat_gets_one_message_a_second() -> None:
    limits = Limits(25)
    first = limits.reserve("42", 5.0)
    assert limits.chat_ready_at("42") == first + 1.0
    assert limits.reserve("42", 5.0) == first + 1.0


def test_a_group_chat_gets_twenty_a_minute() -> None:
    limits = Limits(100)
    slots = [limits.reserve("-100123", 0.0) for _ in range(21)]
    assert max(slots[:20]) < 1.0 and slots[20] >= 60.0


def test_a_429_pauses_every_chat() -> None:
    limits = Limits(25)
    limits.pause(3.0, 7)
    assert limits.reserve("1", 3.0) == 10.0 and limits.reserve("2", 3.0) >= 10.0


def test_idle_chats_are_forgotten() -> None:
    limits = Limits(25)
    limits.reserve("1", 0.0)
    limits.reserve("-5", 0.0)
    limits.forget_idle_chats(100.0)
    assert limits.chat_ready_at("1") == 0.0 and limits.chat_ready_at("-5") == 0.0
