"""Typed messages of the world-server protocol (see docs/protocol.md).

Every message is a frozen dataclass with ``encode() -> bytes`` and ``decode(bytes)``;
:func:`decode_message` decodes any frame by its type code. This module holds the session, chat
and moderation messages and re-exports the high-rate ones from :mod:`cityverse.realtime.world`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self

from cityverse.realtime.wire import (
    PROTOCOL_VERSION,
    ErrorCode,
    Message,
    MessageType,
    ProtocolError,
    expect_count,
    fail,
    read_choice,
    read_int,
    read_optional_str,
    read_str,
    unpack_frame,
)
from cityverse.realtime.world import (
    FULL_MASK,
    ID_MAX,
    POSE_FIELD_COUNT,
    Ack,
    EntityDelta,
    Pose,
    WorldUpdate,
)

__all__ = [
    "FULL_MASK",
    "POSE_FIELD_COUNT",
    "PROTOCOL_VERSION",
    "Ack",
    "AvatarInfo",
    "AvatarRole",
    "Chat",
    "ChatScope",
    "Emote",
    "EntityDelta",
    "Error",
    "ErrorCode",
    "Hello",
    "Interact",
    "InteractAction",
    "Leave",
    "Message",
    "MessageType",
    "Moderation",
    "ModerationAction",
    "Pose",
    "ProtocolError",
    "Welcome",
    "WorldUpdate",
    "decode_message",
]

MAX_CHAT_CHARS = 500
MAX_NAME_CHARS = 32
MAX_KEY_CHARS = 64
MAX_TOKEN_CHARS = 128
MAX_REASON_CHARS = 200

class ChatScope(StrEnum):
    NEARBY = "nearby"
    HALL = "hall"


class InteractAction(StrEnum):
    ENTER_BOOTH = "enter_booth"
    OPEN_PRODUCT = "open_product"


class AvatarRole(StrEnum):
    MEMBER = "member"
    GUEST = "guest"
    HOST = "host"


class ModerationAction(StrEnum):
    MUTE = "mute"
    KICK = "kick"
    BAN = "ban"


@dataclass(frozen=True, slots=True)
class Hello(Message):
    """Client → server join request; ``resume_token`` re-attaches a dropped session."""

    TYPE: ClassVar[MessageType] = MessageType.HELLO
    space_key: str
    instance_hint: str | None = None
    guest_name: str | None = None
    resume_token: str | None = None

    def fields(self) -> list[Any]:
        return [self.space_key, self.instance_hint, self.guest_name, self.resume_token]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 4, "hello")
        return cls(
            read_str(fields[0], "space_key", MAX_KEY_CHARS, allow_empty=False),
            read_optional_str(fields[1], "instance_hint", MAX_KEY_CHARS),
            read_optional_str(fields[2], "guest_name", MAX_NAME_CHARS),
            read_optional_str(fields[3], "resume_token", MAX_TOKEN_CHARS),
        )


@dataclass(frozen=True, slots=True)
class Welcome(Message):
    TYPE: ClassVar[MessageType] = MessageType.WELCOME
    client_id: int
    instance_id: str
    resume_token: str
    tick_rate_hz: int

    def fields(self) -> list[Any]:
        return [self.client_id, self.instance_id, self.resume_token, self.tick_rate_hz]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 4, "welcome")
        return cls(
            read_int(fields[0], "client_id", 1, ID_MAX),
            read_str(fields[1], "instance_id", MAX_KEY_CHARS, allow_empty=False),
            read_str(fields[2], "resume_token", MAX_TOKEN_CHARS, allow_empty=False),
            read_int(fields[3], "tick_rate_hz", 1, 60),
        )


@dataclass(frozen=True, slots=True)
class Leave(Message):
    TYPE: ClassVar[MessageType] = MessageType.LEAVE
    reason: str = ""

    def fields(self) -> list[Any]:
        return [self.reason]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 1, "leave")
        return cls(read_str(fields[0], "reason", MAX_REASON_CHARS))


@dataclass(frozen=True, slots=True)
class Chat(Message):
    """Both ways; ``sender_id`` is 0 from a client and filled in by the server."""

    TYPE: ClassVar[MessageType] = MessageType.CHAT
    scope: ChatScope
    text: str
    sender_id: int = 0

    def fields(self) -> list[Any]:
        return [self.scope.value, self.text, self.sender_id]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 3, "chat")
        return cls(
            read_choice(fields[0], "scope", ChatScope),
            read_str(fields[1], "text", MAX_CHAT_CHARS, allow_empty=False),
            read_int(fields[2], "sender_id", 0, ID_MAX),
        )


@dataclass(frozen=True, slots=True)
class Emote(Message):
    TYPE: ClassVar[MessageType] = MessageType.EMOTE
    emote_id: int
    sender_id: int = 0

    def fields(self) -> list[Any]:
        return [self.emote_id, self.sender_id]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 2, "emote")
        return cls(
            read_int(fields[0], "emote_id", 0, 255), read_int(fields[1], "sender_id", 0, ID_MAX)
        )


@dataclass(frozen=True, slots=True)
class Interact(Message):
    TYPE: ClassVar[MessageType] = MessageType.INTERACT
    action: InteractAction
    target_key: str

    def fields(self) -> list[Any]:
        return [self.action.value, self.target_key]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 2, "interact")
        return cls(
            read_choice(fields[0], "action", InteractAction),
            read_str(fields[1], "target_key", MAX_KEY_CHARS, allow_empty=False),
        )


@dataclass(frozen=True, slots=True)
class Moderation(Message):
    TYPE: ClassVar[MessageType] = MessageType.MODERATION
    action: ModerationAction
    target_id: int
    reason: str = ""

    def fields(self) -> list[Any]:
        return [self.action.value, self.target_id, self.reason]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 3, "moderation")
        return cls(
            read_choice(fields[0], "action", ModerationAction),
            read_int(fields[1], "target_id", 1, ID_MAX),
            read_str(fields[2], "reason", MAX_REASON_CHARS),
        )


@dataclass(frozen=True, slots=True)
class Error(Message):
    TYPE: ClassVar[MessageType] = MessageType.ERROR
    code: str
    message: str

    def fields(self) -> list[Any]:
        return [self.code, self.message]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 2, "error")
        return cls(
            read_str(fields[0], "code", MAX_KEY_CHARS, allow_empty=False),
            read_str(fields[1], "message", MAX_REASON_CHARS),
        )


@dataclass(frozen=True, slots=True)
class AvatarInfo(Message):
    """Server → client: who an avatar is, sent before its first pose reaches the client."""

    TYPE: ClassVar[MessageType] = MessageType.AVATAR_INFO
    client_id: int
    name: str
    role: AvatarRole

    def fields(self) -> list[Any]:
        return [self.client_id, self.name, self.role.value]

    @classmethod
    def from_fields(cls, fields: list[Any]) -> Self:
        expect_count(fields, 3, "avatar_info")
        return cls(
            read_int(fields[0], "client_id", 1, ID_MAX),
            read_str(fields[1], "name", MAX_NAME_CHARS * 2, allow_empty=False),
            read_choice(fields[2], "role", AvatarRole),
        )


MESSAGE_CLASSES: dict[int, type[Message]] = {
    cls.TYPE: cls
    for cls in (Hello, Welcome, Leave, Pose, WorldUpdate, Ack, Chat, Emote, Interact, Moderation,
                Error, AvatarInfo)
}


def decode_message(data: bytes) -> Message:
    """Decode any frame; hostile input only ever raises ``ProtocolError``."""
    message_type, fields = unpack_frame(data)
    return decode_fields(message_type, fields)


def decode_fields(message_type: int, fields: list[Any]) -> Message:
    """The message of an unpacked frame (``unpack_frame``'s result), validated."""
    cls = MESSAGE_CLASSES.get(message_type)
    if cls is None:
        fail(ErrorCode.UNKNOWN_TYPE, f"unknown message type {message_type}")
    return cls.from_fields(fields)
