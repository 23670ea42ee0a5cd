"""Frame codec and field readers for the world-server protocol.

A frame is one msgpack array ``[version, type, field...]``. Everything that reads untrusted
bytes lives here, and the only exception it lets out is :class:`ProtocolError`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from enum import IntEnum, StrEnum
from typing import Any, ClassVar, NoReturn, Self, TypeVar

import msgpack

PROTOCOL_VERSION = 1
# Client frames are small; server world updates for a crowded hall can reach tens of KiB.
MAX_FRAME_BYTES = 256 * 1024
MAX_ARRAY_ITEMS = 20_000
MAX_STRING_BYTES = 4096

Choice = TypeVar("Choice", bound=StrEnum)


class ErrorCode(StrEnum):
    UNKNOWN_VERSION = "unknown_version"
    UNKNOWN_TYPE = "unknown_type"
    BAD_SHAPE = "bad_shape"
    TOO_LARGE = "too_large"
    BAD_NUMBER = "bad_number"
    TEXT_TOO_LONG = "text_too_long"


class ProtocolError(Exception):
    """A frame that cannot be accepted; ``code`` is machine-readable, ``detail`` for logs."""

    def __init__(self, code: ErrorCode, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def fail(code: ErrorCode, detail: str) -> NoReturn:
    raise ProtocolError(code, detail)


def pack_frame(message_type: int, fields: list[Any]) -> bytes:
    packed: bytes = msgpack.packb([PROTOCOL_VERSION, message_type, *fields], use_bin_type=True)
    return packed


def unpack_frame(data: bytes, max_bytes: int = MAX_FRAME_BYTES) -> tuple[int, list[Any]]:
    """Return ``(message_type, fields)`` after checking size, shape and version."""
    if not isinstance(data, bytes | bytearray | memoryview):
        fail(ErrorCode.BAD_SHAPE, "frame is not bytes")
    if len(data) > max_bytes:
        fail(ErrorCode.TOO_LARGE, f"frame of {len(data)} bytes exceeds {max_bytes}")
    try:
        frame = msgpack.unpackb(
            data,
            raw=False,
            strict_map_key=True,
            max_str_len=MAX_STRING_BYTES,
            max_bin_len=MAX_STRING_BYTES,
            max_array_len=MAX_ARRAY_ITEMS,
            max_map_len=64,
            max_ext_len=64,
        )
    # msgpack raises a zoo of types (ValueError, ExtraData, UnicodeDecodeError, StackError...).
    except Exception as exc:
        fail(ErrorCode.BAD_SHAPE, f"not a msgpack frame: {type(exc).__name__}")
    if not isinstance(frame, list) or len(frame) < 2:
        fail(ErrorCode.BAD_SHAPE, "frame must be an array [version, type, ...]")
    version, message_type = frame[0], frame[1]
    if type(version) is not int:
        fail(ErrorCode.BAD_SHAPE, "version must be an integer")
    if version != PROTOCOL_VERSION:
        fail(ErrorCode.UNKNOWN_VERSION, f"version {version} is not {PROTOCOL_VERSION}")
    if type(message_type) is not int:
        fail(ErrorCode.BAD_SHAPE, "type must be an integer")
    return message_type, frame[2:]


def expect_count(fields: list[Any], count: int, name: str) -> None:
    if len(fields) != count:
        fail(ErrorCode.BAD_SHAPE, f"{name} takes {count} fields, got {len(fields)}")


def read_int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, float):
        if not math.isfinite(value):
            fail(ErrorCode.BAD_NUMBER, f"{name} is not finite")
        fail(ErrorCode.BAD_SHAPE, f"{name} must be an integer")
    # bool is an int subclass; a wire True is never a valid number.
    if type(value) is not int:
        fail(ErrorCode.BAD_SHAPE, f"{name} must be an integer")
    if not low <= value <= high:
        fail(ErrorCode.BAD_NUMBER, f"{name}={value} outside [{low}, {high}]")
    return value


def read_str(value: Any, name: str, max_chars: int, *, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        fail(ErrorCode.BAD_SHAPE, f"{name} must be a string")
    if len(value) > max_chars:
        fail(ErrorCode.TEXT_TOO_LONG, f"{name} is longer than {max_chars} characters")
    if not allow_empty and not value:
        fail(ErrorCode.BAD_SHAPE, f"{name} must not be empty")
    return value


def read_optional_str(value: Any, name: str, max_chars: int) -> str | None:
    return None if value is None else read_str(value, name, max_chars, allow_empty=False)


def read_list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        fail(ErrorCode.BAD_SHAPE, f"{name} must be an array")
    return value


def read_choice(value: Any, name: str, choices: type[Choice]) -> Choice:
    text = read_str(value, name, 32)
    try:
        return choices(text)
    except ValueError:
        fail(ErrorCode.BAD_SHAPE, f"{name}={text!r} is not one of {[c.value for c in choices]}")


class MessageType(IntEnum):
    HELLO = 1
    WELCOME = 2
    LEAVE = 3
    POSE = 4
    WORLD_UPDATE = 5
    ACK = 6
    CHAT = 7
    EMOTE = 8
    INTERACT = 9
    MODERATION = 10
    ERROR = 11
    AVATAR_INFO = 12


class Message(ABC):
    """Base of every message: subclasses list their fields in wire order and validate them back."""

    TYPE: ClassVar[MessageType]

    @abstractmethod
    def fields(self) -> list[Any]:
        """The message's fields in wire order."""

    @classmethod
    @abstractmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        """Build the message from decoded wire fields, validating each."""

    def encode(self) -> bytes:
        return pack_frame(self.TYPE, self.fields())

    @classmethod
    def decode(cls, data: bytes) -> Self:
        message_type, fields = unpack_frame(data)
        if message_type != cls.TYPE:
            fail(ErrorCode.UNKNOWN_TYPE, f"expected type {int(cls.TYPE)}, got {message_type}")
        return cls.from_fields(fields)
