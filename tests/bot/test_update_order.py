"""One person's updates in order; other people in parallel."""

from __future__ import annotations

import asyncio

from telegram import Update, User

from bot.update_order import PerPersonUpdateProcessor


def update_from(user_id: int, update_id: int) -> Update:
    from telegram import Chat, Message

    user = User(user_id, "P", False)
    message = Message(update_id, None, Chat(user_id, "private"), from_user=user, text="x")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_one_persons_updates_wait_for_each_other_others_do_not() -> None:
    processor = PerPersonUpdateProcessor(8)
    order: list[str] = []
    release_first = asyncio.Event()

    async def slow_first() -> None:
        order.append("a1 start")
        await release_first.wait()
        order.append("a1 end")

    async def record(name: str) -> None:
        order.append(name)

    async with processor:
        first = asyncio.create_task(processor.process_update(update_from(1, 1), slow_first()))
        await asyncio.sleep(0)  # let the first update take its person's lock
        second = asyncio.create_task(processor.process_update(update_from(1, 2), record("a2")))
        other = asyncio.create_task(processor.process_update(update_from(2, 3), record("b1")))
        await other
        assert order == ["a1 start", "b1"], "another person is not held up"
        release_first.set()
        await asyncio.gather(first, second)
    assert order == ["a1 start", "b1", "a1 end", "a2"], "the same person's updates keep their order"
    assert processor._locks == {} and processor._waiting == {}


async def test_one_persons_burst_does_not_take_everyones_slots() -> None:
    processor = PerPersonUpdateProcessor(2)
    release = asyncio.Event()
    done: list[str] = []

    async def blocked() -> None:
        await release.wait()

    async def record(name: str) -> None:
        done.append(name)

    async with processor:
        burst = [
            asyncio.create_task(processor.process_update(update_from(1, i), blocked())) for i in range(5)
        ]
        await asyncio.sleep(0)
        await asyncio.wait_for(processor.process_update(update_from(2, 99), record("other")), timeout=5)
        assert done == ["other"], "another person got a slot while the first person's burst waited"
        release.set()
        await asyncio.gather(*burst)
