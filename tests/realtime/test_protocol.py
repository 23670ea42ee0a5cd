"""Round trips, limits and error codes of the world-server protocol, and fuzzing: random bytes
and random msgpack structures only ever raise ProtocolError."""

from __future__ import annotations

import math
import random
import re
from pathlib import Path
from typing import Any

import msgpack
import pytest

from cityverse.realtime.protocol import (
    PROTOCOL_VERSION,
    Ack,
    Chat,
    ChatScope,
    Emote,
    EntityDelta,
    Error,
    ErrorCode,
    Hello,
    Interact,
    InteractAction,
    Leave,
    Message,
    Moderation,
    ModerationAction,
    Pose,
    ProtocolError,
    Welcome,
    WorldUpdate,
    decode_message,
)
from cityverse.realtime.wire import MAX_FRAME_BYTES

SAMPLES: list[Message] = [
    Hello("kunshan-hall", None, "游客", None),
    Hello("kunshan-hall", "inst-2", None, "resume-abc"),
    Welcome(42, "kunshan-hall#1", "resume-abc", 15),
    Leave("bye"),
    Pose(150, 0, -225, 9000, 3),
    WorldUpdate(
        7, 5, (EntityDelta(3, 0b11111, (1, 2, 3, 4, 5)), EntityDelta(9, 0b00101, (10, 30))),
        (EntityDelta(11, 0b00010, (-5,)),), (4, 12),
    ),
    WorldUpdate(1, 0),
    Ack(7),
    Chat(ChatScope.NEARBY, "你好，昆山！"),
    Chat(ChatScope.HALL, "x" * 500, sender_id=8),
    Emote(2, sender_id=5),
    Interact(InteractAction.ENTER_BOOTH, "booth-07"),
    Interact(InteractAction.OPEN_PRODUCT, "product-12"),
    Moderation(ModerationAction.BAN, 99, "spam"),
    Error("rate_limited", "slow down"),
]


@pytest.mark.parametrize("message", SAMPLES, ids=lambda m: type(m).__name__)
def test_every_message_round_trips(message: Message) -> None:
    data = message.encode()
    assert decode_message(data) == message
    assert type(message).decode(data) == message
    assert msgpack.unpackb(data)[:2] == [PROTOCOL_VERSION, int(message.TYPE)]


def test_pose_from_metres_quantises_to_centimetres_and_centidegrees() -> None:
    assert Pose.from_metres(1.234, 0.0, -2.0, 370.0, 1) == Pose(123, 0, -200, 1000, 1)
    assert len(Pose(150, 0, -225, 9000, 3).encode()) <= 16


def code_of(data: bytes) -> ErrorCode:
    with pytest.raises(ProtocolError) as caught:
        decode_message(data)
    return caught.value.code


def frame(*items: object) -> bytes:
    packed: bytes = msgpack.packb(list(items), use_bin_type=True)
    return packed


def test_error_codes_for_each_kind_of_bad_input() -> None:
    assert code_of(frame(99, 4, 0, 0, 0, 0, 0)) is ErrorCode.UNKNOWN_VERSION
    assert code_of(frame(PROTOCOL_VERSION, 200)) is ErrorCode.UNKNOWN_TYPE
    assert code_of(frame(PROTOCOL_VERSION, 4, 0, 0)) is ErrorCode.BAD_SHAPE
    assert code_of(frame(PROTOCOL_VERSION, 4, "a", 0, 0, 0, 0)) is ErrorCode.BAD_SHAPE
    assert code_of(frame(PROTOCOL_VERSION, 4, True, 0, 0, 0, 0)) is ErrorCode.BAD_SHAPE
    assert code_of(frame(PROTOCOL_VERSION, 4, math.nan, 0, 0, 0, 0)) is ErrorCode.BAD_NUMBER
    assert code_of(frame(PROTOCOL_VERSION, 4, 0, math.inf, 0, 0, 0)) is ErrorCode.BAD_NUMBER
    assert code_of(frame(PROTOCOL_VERSION, 4, 0, 0, 0, 36_000, 0)) is ErrorCode.BAD_NUMBER
    assert code_of(frame(PROTOCOL_VERSION, 7, "hall", "x" * 501, 0)) is ErrorCode.TEXT_TOO_LONG
    assert code_of(frame(PROTOCOL_VERSION, 7, "everyone", "hi", 0)) is ErrorCode.BAD_SHAPE
    assert code_of(b"\x00" * (MAX_FRAME_BYTES + 1)) is ErrorCode.TOO_LARGE
    assert code_of(b"\xc1") is ErrorCode.BAD_SHAPE
    assert code_of(frame()) is ErrorCode.BAD_SHAPE
    assert code_of(msgpack.packb({"v": 1})) is ErrorCode.BAD_SHAPE


def test_world_update_rejects_truncated_entries_and_bad_baseline() -> None:
    assert code_of(frame(PROTOCOL_VERSION, 5, 3, 0, [7, 0b11, 1], [], [])) is ErrorCode.BAD_SHAPE
    assert code_of(frame(PROTOCOL_VERSION, 5, 3, 0, [7], [], [])) is ErrorCode.BAD_SHAPE
    assert code_of(frame(PROTOCOL_VERSION, 5, 3, 3, [], [], [])) is ErrorCode.BAD_NUMBER
    assert code_of(frame(PROTOCOL_VERSION, 5, 3, 0, [7, 64], [], [])) is ErrorCode.BAD_NUMBER


def test_decode_for_a_specific_class_refuses_another_type() -> None:
    with pytest.raises(ProtocolError) as caught:
        Pose.decode(Ack(3).encode())
    assert caught.value.code is ErrorCode.UNKNOWN_TYPE



def random_value(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(11 if depth < 4 else 7)
    if choice == 0:
        return rng.randint(-(2**63), 2**64 - 1)
    if choice == 1:
        return rng.choice([math.nan, math.inf, -math.inf, 0.5, -1e300])
    if choice == 2:
        return "".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(0, 40)))
    if choice == 3:
        return rng.randbytes(rng.randrange(0, 20))
    if choice == 4:
        return rng.choice([None, True, False])
    if choice == 5:
        return rng.choice(["nearby", "hall", "mute", "enter_booth", ""])
    if choice == 6:
        return rng.randint(-3, 40)
    if choice in (7, 8):
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(0, 8))]
    if choice == 9:
        return {str(i): random_value(rng, depth + 1) for i in range(rng.randrange(0, 3))}
    return msgpack.ExtType(rng.randrange(0, 100), rng.randbytes(3))


def decode_or_protocol_error(data: bytes) -> Message | None:
    try:
        return decode_message(data)
    except ProtocolError:
        return None


def test_random_bytes_raise_only_protocol_error() -> None:
    rng = random.Random(1)
    for _ in range(5000):
        decode_or_protocol_error(rng.randbytes(rng.randrange(0, 64)))


def test_random_msgpack_frames_raise_only_protocol_error() -> None:
    rng = random.Random(2)
    accepted = 0
    for _ in range(20_000):
        message_type = rng.randrange(0, 13)
        fields = [random_value(rng) for _ in range(rng.randrange(0, 7))]
        data = msgpack.packb([PROTOCOL_VERSION, message_type, *fields], use_bin_type=True)
        if decode_or_protocol_error(data) is not None:
            accepted += 1
    assert accepted < 20_000


def test_mutated_valid_frames_raise_only_protocol_error() -> None:
    rng = random.Random(3)
    frames = [message.encode() for message in SAMPLES]
    for _ in range(20_000):
        data = bytearray(rng.choice(frames))
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        cut = rng.randrange(len(data) + 1)
        decode_or_protocol_error(bytes(data[:cut] if rng.random() < 0.3 else data))


def test_deeply_nested_arrays_are_a_protocol_error() -> None:
    data = b"\x91" * 100_000 + b"\x00"
    assert decode_or_protocol_error(data) is None


def test_documented_examples_decode() -> None:
    doc = Path(__file__).parents[2] / "docs" / "protocol.md"
    examples = doc.read_text(encoding="utf-8").split("## Examples (hex)", 1)[1]
    frames: list[str] = []
    previous_was_hex = False
    for line in examples.splitlines():
        is_hex = re.fullmatch(r"\s*(?:[0-9a-f]{2} )*[0-9a-f]{2}\s*", line) is not None
        if is_hex and previous_was_hex:
            frames[-1] += " " + line.strip()
        elif is_hex:
            frames.append(line.strip())
        previous_was_hex = is_hex
    decoded = [decode_message(bytes.fromhex(text)) for text in frames]
    assert {int(m.TYPE) for m in decoded} == set(range(1, 12))
    assert Pose(150, 0, -225, 9000, 3) in decoded
