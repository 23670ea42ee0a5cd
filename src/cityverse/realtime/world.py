"""Pose, world-update and ack messages: the high-rate half of the protocol.

Positions are centimetre integers and headings centidegrees, so a pose costs a few bytes and can
never carry NaN. World updates list avatars as flat integer arrays (see docs/protocol.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from cityverse.realtime.wire import (
    ErrorCode,
    Message,
    MessageType,
    expect_count,
    fail,
    read_int,
    read_list,
)

# ±20 km in centimetres: far beyond any hall, well inside int32.
COORD_LIMIT_CM = 2_000_000
HEADING_CDEG_MAX = 35_999
ANIMATION_MAX = 255
ID_MAX = 2**31 - 1
TICK_MAX = 2**53


@dataclass(frozen=True, slots=True)
class Pose(Message):
    """Client → server avatar pose, quantised: centimetres, centidegrees, animation id."""

    TYPE: ClassVar[MessageType] = MessageType.POSE
    x_cm: int
    y_cm: int
    z_cm: int
    heading_cdeg: int
    animation: int

    @classmethod
    def from_metres(cls, x: float, y: float, z: float, heading_deg: float, animation: int) -> Self:
        return cls(
            round(x * 100), round(y * 100), round(z * 100), round(heading_deg * 100) % 36_000,
            animation,
        )

    def fields(self) -> list[Any]:
        return [self.x_cm, self.y_cm, self.z_cm, self.heading_cdeg, self.animation]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 5, "pose")
        return cls(*read_pose_values(fields))


def read_pose_values(values: list[Any]) -> tuple[int, int, int, int, int]:
    return (
        read_int(values[0], "x_cm", -COORD_LIMIT_CM, COORD_LIMIT_CM),
        read_int(values[1], "y_cm", -COORD_LIMIT_CM, COORD_LIMIT_CM),
        read_int(values[2], "z_cm", -COORD_LIMIT_CM, COORD_LIMIT_CM),
        read_int(values[3], "heading_cdeg", 0, HEADING_CDEG_MAX),
        read_int(values[4], "animation", 0, ANIMATION_MAX),
    )


POSE_FIELD_COUNT = 5
FULL_MASK = (1 << POSE_FIELD_COUNT) - 1
_FIELD_LIMITS = [
    (-COORD_LIMIT_CM, COORD_LIMIT_CM),
    (-COORD_LIMIT_CM, COORD_LIMIT_CM),
    (-COORD_LIMIT_CM, COORD_LIMIT_CM),
    (0, HEADING_CDEG_MAX),
    (0, ANIMATION_MAX),
]


@dataclass(frozen=True, slots=True)
class EntityDelta:
    """One avatar in a world update: bit i of ``mask`` set means pose field i follows."""

    client_id: int
    mask: int
    values: tuple[int, ...]


def _flatten(entries: tuple[EntityDelta, ...]) -> list[int]:
    # One flat int array per rate class: [id, mask, v..., id, mask, v...] saves array headers.
    flat: list[int] = []
    for entry in entries:
        flat.append(entry.client_id)
        flat.append(entry.mask)
        flat.extend(entry.values)
    return flat


def _unflatten(raw: Any, name: str) -> tuple[EntityDelta, ...]:
    flat = read_list(raw, name)
    entries: list[EntityDelta] = []
    position = 0
    while position < len(flat):
        if position + 2 > len(flat):
            fail(ErrorCode.BAD_SHAPE, f"{name} ends inside an entry header")
        client_id = read_int(flat[position], "client_id", 1, ID_MAX)
        mask = read_int(flat[position + 1], "mask", 0, FULL_MASK)
        position += 2
        values: list[int] = []
        for bit, (low, high) in enumerate(_FIELD_LIMITS):
            if mask & (1 << bit):
                if position >= len(flat):
                    fail(ErrorCode.BAD_SHAPE, f"{name} ends inside an entry")
                values.append(read_int(flat[position], "pose field", low, high))
                position += 1
        entries.append(EntityDelta(client_id, mask, tuple(values)))
    return tuple(entries)


@dataclass(frozen=True, slots=True)
class WorldUpdate(Message):
    """Server → client batch for one tick, delta-encoded against ``baseline_tick`` (0: none)."""

    TYPE: ClassVar[MessageType] = MessageType.WORLD_UPDATE
    tick: int
    baseline_tick: int
    full_rate: tuple[EntityDelta, ...] = ()
    low_rate: tuple[EntityDelta, ...] = ()
    removed: tuple[int, ...] = field(default=())

    def fields(self) -> list[Any]:
        return [
            self.tick, self.baseline_tick, _flatten(self.full_rate), _flatten(self.low_rate),
            list(self.removed),
        ]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 5, "world_update")
        tick = read_int(fields[0], "tick", 1, TICK_MAX)
        baseline = read_int(fields[1], "baseline_tick", 0, tick - 1)
        removed = tuple(
            read_int(item, "removed", 1, ID_MAX) for item in read_list(fields[4], "removed")
        )
        return cls(
            tick, baseline, _unflatten(fields[2], "full_rate"), _unflatten(fields[3], "low_rate"),
            removed,
        )


@dataclass(frozen=True, slots=True)
class Ack(Message):
    """Client → server: the newest world-update tick received; it becomes the delta baseline."""

    TYPE: ClassVar[MessageType] = MessageType.ACK
    tick: int

    def fields(self) -> list[Any]:
        return [self.tick]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 1, "ack")
        return cls(read_int(fields[0], "tick", 1, TICK_MAX))
