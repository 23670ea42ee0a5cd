"""Send queue: stale poses are replaced, chat stays in order, slow clients are flagged."""

from __future__ import annotations

import asyncio

import pytest

from cityverse.realtime.sendqueue import DisconnectReason, QueueClosed, SendQueue, SendQueueLimits


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_newer_pose_replaces_unsent_one_and_chat_keeps_order() -> None:
    queue = SendQueue()
    assert queue.put_latest("pose:1", b"p1-old")
    assert queue.put_ordered(b"chat-a")
    assert queue.put_latest("pose:2", b"p2")
    assert queue.put_latest("pose:1", b"p1-new!")
    assert queue.put_ordered(b"chat-b")
    assert len(queue) == 4 and queue.replaced == 1
    assert queue.queued_bytes == len(b"p1-new!chat-ap2chat-b")
    drained = [queue.get_nowait() for _ in range(4)]
    assert drained == [b"p1-new!", b"chat-a", b"p2", b"chat-b"]
    assert queue.get_nowait() is None and queue.queued_bytes == 0


async def test_fake_slow_consumer_gets_latest_poses_and_producer_never_waits() -> None:
    queue = SendQueue()
    received: list[bytes] = []

    async def slow_consumer() -> None:
        while True:
            try:
                received.append(await queue.get())
            except QueueClosed:
                return
            await asyncio.sleep(0.002)

    consumer = asyncio.create_task(slow_consumer())
    for tick in range(50):
        for subject in range(20):
            queue.put_latest(subject, f"{subject}:{tick}".encode())
        queue.put_ordered(f"chat:{tick}".encode())
        await asyncio.sleep(0)  # the consumer gets a turn; the producer never awaits the queue
    queue.close()
    await asyncio.wait_for(consumer, 5)
    chats = [r for r in received if r.startswith(b"chat:")]
    assert chats == [f"chat:{tick}".encode() for tick in range(50)]
    poses = [r for r in received if not r.startswith(b"chat:")]
    assert len(poses) < 50 * 20  # stale poses were dropped
    last_seen = {r.split(b":")[0]: r for r in poses}
    assert all(frame.endswith(b":49") for frame in last_seen.values())


def test_client_behind_for_too_long_is_flagged_too_slow() -> None:
    clock = FakeClock()
    queue = SendQueue(SendQueueLimits(lag_bytes=100, lag_seconds=3.0), clock=clock)
    queue.put_ordered(b"x" * 150)
    clock.now = 2.9
    queue.check_lag()
    assert not queue.should_disconnect
    queue.get_nowait()  # catching up resets the timer
    queue.put_ordered(b"x" * 150)
    clock.now = 5.0
    queue.check_lag()
    assert not queue.should_disconnect
    clock.now = 8.0
    queue.check_lag()
    assert queue.disconnect_reason == DisconnectReason.TOO_SLOW
    assert not queue.put_ordered(b"late")


def test_ordered_frame_that_does_not_fit_flags_overflow() -> None:
    queue = SendQueue(SendQueueLimits(max_bytes=10, max_messages=100))
    assert queue.put_ordered(b"12345678")
    assert not queue.put_ordered(b"abc")
    assert queue.disconnect_reason == DisconnectReason.OVERFLOW


def test_message_budget_counts_subjects_and_replacement_stays_within_it() -> None:
    queue = SendQueue(SendQueueLimits(max_messages=2))
    assert queue.put_latest(1, b"a")
    assert queue.put_latest(2, b"b")
    assert queue.put_latest(1, b"a2")  # replacing needs no new slot
    assert not queue.put_latest(3, b"c")
    assert queue.should_disconnect


async def test_get_raises_once_flagged_or_closed_and_drained() -> None:
    queue = SendQueue()
    queue.put_ordered(b"bye")
    queue.close()
    assert await queue.get() == b"bye"
    with pytest.raises(QueueClosed):
        await queue.get()
    flagged = SendQueue()
    waiter = asyncio.create_task(flagged.get())
    await asyncio.sleep(0)
    flagged.flag_disconnect("kicked")
    with pytest.raises(QueueClosed):
        await asyncio.wait_for(waiter, 1)
    assert flagged.disconnect_reason == "kicked"
