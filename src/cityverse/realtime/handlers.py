"""What the world server does with each message from a client, and with events from other
processes. A mixin of ``WorldServer`` so the join and tick code stay in server.py."""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.core import audit
from cityverse.realtime import store
from cityverse.realtime.bridge import Bridge
from cityverse.realtime.config import SpaceRules, WorldConfig
from cityverse.realtime.delta import AvatarState
from cityverse.realtime.instance import CloseCode, Instance, Member
from cityverse.realtime.protocol import (
    Ack,
    AvatarInfo,
    AvatarRole,
    Chat,
    ChatScope,
    Emote,
    Interact,
    Leave,
    Message,
    Moderation,
    ModerationAction,
    Pose,
    decode_fields,
)
from cityverse.realtime.ratelimit import RateLimiter
from cityverse.realtime.wire import MessageType, expect_count, read_int, unpack_frame
from cityverse.realtime.words import WordFilter
from cityverse.realtime.world import TICK_MAX, read_pose_values

log = logging.getLogger("cityverse.realtime")

_KNOWN_TYPES = {int(kind): kind for kind in MessageType}

# Refusals are announced once per this many, so a flooding client is not flooded back.
RATE_NOTICE_EVERY = 10


class MessageHandlers(ABC):
    """The message rules of the world server; ``WorldServer`` supplies the state and the
    instance bookkeeping (the two abstract methods)."""

    config: WorldConfig
    limiter: RateLimiter
    words: WordFilter
    chat_writer: store.ChatWriter | None
    bridge: Bridge
    sessionmaker: async_sessionmaker[AsyncSession] | None
    spaces: dict[str, dict[str, Instance]]
    known_rules: dict[str, SpaceRules]
    background: set[asyncio.Task[None]]

    @abstractmethod
    def _remove(self, member: Member) -> None:
        """Take a member out of its instance and tell the others."""

    @abstractmethod
    def instance(self, space: str, rules: SpaceRules, instance_id: str) -> Instance:
        """The instance of a space with this id, made when it does not exist yet."""

    async def handle(self, member: Member, data: bytes) -> None:
        """Apply one frame from a client; raises ProtocolError for a malformed one."""
        instance = member.instance
        if instance is None:
            return
        message_type, fields = unpack_frame(data)
        kind = _KNOWN_TYPES.get(message_type, MessageType.ERROR)
        if not self.limiter.allow(member.client_id, kind):
            self._refuse_over_limit(member)
            return
        # Poses and acks are nearly all the traffic (10–20 a second per client each): they are
        # validated and applied straight from the unpacked fields, without a message object.
        if kind is MessageType.POSE:
            expect_count(fields, 5, "pose")
            instance.move(member.client_id, read_pose_values(fields))
            return
        if kind is MessageType.ACK:
            expect_count(fields, 1, "ack")
            member.encoder.acknowledge(read_int(fields[0], "tick", 1, TICK_MAX))
            return
        await self._dispatch(member, instance, decode_fields(message_type, fields))

    def _refuse_over_limit(self, member: Member) -> None:
        member.violations += 1
        if member.violations > self.config.max_rate_violations:
            member.close(CloseCode.RATE_LIMITED, "too many messages over the rate limits")
        elif member.violations % RATE_NOTICE_EVERY == 1:
            member.send_error("rate_limited", "slow down: message dropped")

    async def _dispatch(
        self, member: Member, instance: Instance, message: Message
    ) -> None:
        match message:
            case Pose():
                instance.move(member.client_id, (message.x_cm, message.y_cm, message.z_cm,
                                                 message.heading_cdeg, message.animation))
            case Ack():
                member.encoder.acknowledge(message.tick)
            case Chat():
                self._chat(member, instance, message)
            case Emote():
                frame = Emote(message.emote_id, member.client_id).encode()
                instance.send_nearby(member.client_id, frame)
                self.bridge.publish(instance.rules.key, ["emote", instance.instance_id,
                                                         member.client_id, message.emote_id])
            case Interact():
                self._interact(member, instance, message)
            case Moderation():
                await self._moderate(member, instance, message)
            case Leave():
                member.close(CloseCode.NORMAL, message.reason or "left")
                self._remove(member)
            case _:
                member.send_error("unexpected_message",
                                  f"{type(message).__name__} is not sent by clients here")

    def _chat(self, member: Member, instance: Instance, message: Chat) -> None:
        if member.role is AvatarRole.GUEST and not instance.rules.guests_can_chat:
            member.send_error("guests_cannot_chat", "sign in to chat in this space")
            return
        if member.muted:
            member.send_error("muted", "a host has muted you in this space")
            return
        text = self.words.mask(message.text)
        frame = Chat(message.scope, text, member.client_id).encode()
        if message.scope is ChatScope.HALL:
            instance.send_all(frame)
        else:
            instance.send_nearby(member.client_id, frame)
        self.bridge.publish(instance.rules.key, ["chat", instance.instance_id, message.scope.value,
                                                 member.client_id, text])
        # Talk in an invitation-only room stays between its people: it is not kept in the
        # space's chat history, which anyone may read.
        if self.chat_writer is not None and not instance.rules.invite_only:
            self.chat_writer.add(store.ChatLine(
                instance.rules.key, instance.instance_id, message.scope.value, member.client_id,
                member.user_id, member.name, text,
            ))

    def _interact(self, member: Member, instance: Instance, message: Interact) -> None:
        if message.target_key not in instance.rules.targets:
            member.send_error("unknown_target", f"nothing called {message.target_key!r} here")
            return
        key = f"{message.action.value}:{message.target_key}"
        instance.interactions[key] = instance.interactions.get(key, 0) + 1

    async def _moderate(
        self, member: Member, instance: Instance, message: Moderation
    ) -> None:
        if member.role is not AvatarRole.HOST:
            member.send_error("forbidden", "only a host of this space may moderate")
            return
        if message.target_id not in instance.avatars or message.target_id == member.client_id:
            member.send_error("unknown_target", "no such visitor in this instance")
            return
        target = instance.members.get(message.target_id)
        if message.action is ModerationAction.BAN:
            user_id = target.user_id if target else None
            if target is not None and user_id is not None:
                await self._persist_ban(instance.rules.key, user_id, message.reason, member)
        if target is not None:
            self.apply_moderation(target, message.action, message.reason)
        else:
            self.bridge.publish(instance.rules.key, [
                "moderate", instance.instance_id, message.action.value, message.target_id,
                message.reason, member.user_id or 0, member.name,
            ])

    def apply_moderation(
        self, target: Member, action: ModerationAction, reason: str
    ) -> None:
        target.queue.put_ordered(Moderation(action, target.client_id, reason).encode())
        if action is ModerationAction.MUTE:
            target.muted = True
            return
        target.close(CloseCode.REMOVED, f"{action.value}: {reason}" if reason else action.value)
        self._remove(target)

    async def _persist_ban(
        self, space: str, user_id: int, reason: str, host: Member
    ) -> None:
        if self.sessionmaker is None:
            return
        async with self.sessionmaker() as session, session.begin():
            await store.add_ban(session, space, user_id, reason, host.user_id)
            await audit.record(
                session, actor_id=host.user_id, actor_name=host.username, action="world.ban",
                target_type="user", target_id=user_id, after={"space": space, "reason": reason},
            )

    # -- events from other processes ---------------------------------------------------------

    def on_remote_event(self, space: str, event: list[Any]) -> None:
        try:
            self._apply_remote(space, event)
        except (ValueError, TypeError, IndexError, KeyError):
            log.warning("malformed bridge event dropped", extra={"space": space})

    def _apply_remote(self, space: str, event: list[Any]) -> None:
        kind, instance_id = event[0], event[1]
        if kind == "sync":
            self._announce_members(space)
            return
        instances = self.spaces.get(space, {})
        instance = instances.get(instance_id)
        if kind == "join":
            instance = instance or self._remote_instance(space, instance_id)
            if instance is None:
                return
            client_id, name, role, username, state = event[2:7]
            info = AvatarInfo(client_id, name, AvatarRole(role))
            instance.add_avatar(client_id, info, _state(state), username or None)
            return
        if instance is None:
            return
        if kind == "states":
            flat = event[2]
            for index in range(0, len(flat), 6):
                client_id = flat[index]
                if client_id not in instance.members:
                    instance.move(client_id, _state(flat[index + 1:index + 6]))
        elif kind == "leave":
            if event[2] not in instance.members:
                instance.remove_avatar(event[2])
        elif kind == "chat":
            scope, sender, text = ChatScope(event[2]), event[3], event[4]
            frame = Chat(scope, text, sender).encode()
            if scope is ChatScope.HALL:
                instance.send_all(frame)
            else:
                instance.send_to(instance.within_range(sender), frame)
        elif kind == "emote":
            instance.send_to(instance.within_range(event[2]), Emote(event[3], event[2]).encode())
        elif kind == "moderate":
            target = instance.members.get(event[3])
            if target is None:
                return
            action = ModerationAction(event[2])
            if action is ModerationAction.BAN and target.user_id is not None:
                host = Member(0, event[6], AvatarRole.HOST, event[5] or None, event[6], "",
                              target.queue)
                task = asyncio.create_task(self._persist_ban(space, target.user_id, event[4], host))
                self.background.add(task)
                task.add_done_callback(self.background.discard)
            self.apply_moderation(target, action, event[4])

    def _announce_members(self, space: str) -> None:
        for instance in self.spaces.get(space, {}).values():
            for member in instance.members.values():
                state = instance.avatars.get(member.client_id)
                if state is not None:
                    self.bridge.publish(space, [
                        "join", instance.instance_id, member.client_id, member.name,
                        member.role.value, member.username or "", list(state),
                    ])

    def _remote_instance(self, space: str, instance_id: str) -> Instance | None:
        rules = self.known_rules.get(space)
        return None if rules is None else self.instance(space, rules, instance_id)


def _state(values: Any) -> AvatarState:
    x, y, z, heading, animation = (int(v) for v in values)
    return (x, y, z, heading, animation)
