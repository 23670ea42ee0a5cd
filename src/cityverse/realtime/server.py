"""The world server: joins, instances, the tick loop, resume, and the messages of each client.

One ``WorldServer`` per process. The socket side lives in ``realtime/ws.py``; everything here
is plain asyncio, so tests and the bench can drive it without a network.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.realtime import store
from cityverse.realtime.bridge import Bridge
from cityverse.realtime.config import (
    InvitationLookup,
    SpaceRules,
    SpaceRulesLookup,
    WorldConfig,
)
from cityverse.realtime.handlers import MessageHandlers
from cityverse.realtime.instance import CloseCode, Instance, Member
from cityverse.realtime.protocol import AvatarInfo, AvatarRole, Hello, Welcome
from cityverse.realtime.ratelimit import RateLimiter
from cityverse.realtime.sendqueue import SendQueue
from cityverse.realtime.words import WordFilter

log = logging.getLogger("cityverse.realtime")

GUEST_PREFIX = "游客"


@dataclass(frozen=True, slots=True)
class Identity:
    """The signed-in person behind a socket (None for a guest)."""

    user_id: int
    username: str
    display_name: str
    is_admin: bool = False


class JoinRefused(Exception):
    def __init__(self, code: str, close_code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.close_code = close_code
        self.reason = reason


class WorldServer(MessageHandlers):
    def __init__(
        self,
        config: WorldConfig,
        rules_lookup: SpaceRulesLookup,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
        bridge: Bridge | None = None,
    ) -> None:
        self.config = config
        self.rules_lookup = rules_lookup
        self.sessionmaker = sessionmaker
        self.bridge = bridge or Bridge()
        self.spaces: dict[str, dict[str, Instance]] = {}
        # Rules of every space this process has seen a join for; events from other processes
        # about a space not listed here wait until its rules are known.
        self.known_rules: dict[str, SpaceRules] = {}
        self.by_token: dict[str, Member] = {}
        # Set by the module that owns private rooms; without it invite-only spaces admit no one.
        self.invitations: InvitationLookup | None = None
        self.limiter = RateLimiter(config.rate_limits)
        self.words = WordFilter(config.banned_words)
        self.chat_writer = store.ChatWriter(sessionmaker) if sessionmaker is not None else None
        self.tick_count = 0
        self.last_tick_seconds = 0.0
        self._tick_task: asyncio.Task[None] | None = None
        self.background: set[asyncio.Task[None]] = set()

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        await self.bridge.start(self)
        if self.chat_writer is not None:
            self.chat_writer.start()
        self._tick_task = asyncio.create_task(self._tick_loop(), name="world-tick")

    async def stop(self) -> None:
        if self._tick_task is not None:
            self._tick_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tick_task
        for instances in self.spaces.values():
            for instance in instances.values():
                for member in list(instance.members.values()):
                    member.close(CloseCode.NORMAL, "server shutting down")
        if self.chat_writer is not None:
            await self.chat_writer.stop()
        await self.bridge.stop()

    # -- joining -----------------------------------------------------------------------------

    async def join(self, path_space: str, hello: Hello, identity: Identity | None) -> Member:
        if hello.space_key != path_space:
            raise JoinRefused("bad_request", CloseCode.PROTOCOL_ERROR,
                              "hello names another space than the URL")
        rules = await self.rules_lookup(path_space)
        if rules is None:
            raise JoinRefused("unknown_space", CloseCode.UNKNOWN_SPACE, "no such space")
        if path_space not in self.known_rules:
            self.known_rules[path_space] = rules
            # Ask the other processes who is already in this space.
            self.bridge.publish(path_space, ["sync", ""])
        if hello.resume_token:
            resumed = self._resume(path_space, hello.resume_token, identity)
            if resumed is not None:
                return resumed
        if identity is None and not rules.allow_guests:
            raise JoinRefused("sign_in_required", CloseCode.SIGN_IN_REQUIRED,
                              "this space is open to signed-in visitors only")
        if identity is not None:
            reason = await self._ban_reason(path_space, identity.user_id)
            if reason is not None:
                raise JoinRefused("banned", CloseCode.REMOVED, f"banned from this space: {reason}")
            self._replace_earlier_session(path_space, identity.user_id)
        if rules.invite_only:
            instance = await self._private_instance(path_space, rules, hello, identity)
        else:
            instance = self._choose_instance(path_space, rules, hello.instance_hint)
        client_id = await self.bridge.allocate_client_id()
        member = self._new_member(client_id, hello, identity, rules)
        self._place(instance, member)
        self.bridge.publish(path_space, [
            "join", instance.instance_id, client_id, member.name, member.role.value,
            member.username or "", list(instance.avatars[client_id]),
        ])
        return member

    async def _private_instance(
        self, space: str, rules: SpaceRules, hello: Hello, identity: Identity | None
    ) -> Instance:
        """The invitation-only instance the hint names, for an invited person only."""
        hint = hello.instance_hint or ""
        invited = (identity is not None and bool(hint) and self.invitations is not None
                   and await self.invitations(space, hint, identity.user_id))
        if not invited:
            raise JoinRefused("not_invited", CloseCode.NOT_INVITED,
                              "this room is open to invited people only")
        instance = self.instance(space, rules, f"{space}#{hint}")
        if instance.full:
            raise JoinRefused("room_full", CloseCode.NOT_INVITED, "this room is full")
        return instance

    def _new_member(
        self, client_id: int, hello: Hello, identity: Identity | None, rules: SpaceRules
    ) -> Member:
        if identity is None:
            name = (hello.guest_name or "").strip() or f"{GUEST_PREFIX}{client_id}"
            role = AvatarRole.GUEST
        else:
            name = identity.display_name or identity.username
            hosts = identity.user_id in rules.host_user_ids or identity.is_admin
            role = AvatarRole.HOST if hosts else AvatarRole.MEMBER
        return Member(
            client_id=client_id, name=name[:64], role=role,
            user_id=identity.user_id if identity else None,
            username=identity.username if identity else None,
            resume_token=secrets.token_urlsafe(24), queue=SendQueue(self.config.queue_limits),
        )

    def _place(self, instance: Instance, member: Member) -> None:
        spawn = instance.rules.spawn
        state = (round(spawn[0] * 100), round(spawn[1] * 100), round(spawn[2] * 100), 0, 0)
        instance.add_avatar(member.client_id, AvatarInfo(member.client_id, member.name,
                                                         member.role), state, member.username)
        instance.members[member.client_id] = member
        instance.changed.add(member.client_id)
        member.instance = instance
        self.by_token[member.resume_token] = member
        self._welcome(member)

    def _welcome(self, member: Member) -> None:
        assert member.instance is not None
        member.queue.put_ordered(Welcome(member.client_id, member.instance.instance_id,
                                         member.resume_token, self.config.tick_hz).encode())

    def _resume(self, space: str, token: str, identity: Identity | None) -> Member | None:
        member = self.by_token.pop(token, None)
        if member is None or member.instance is None or not member.resumable:
            return None
        same_person = (identity.user_id if identity else None) == member.user_id
        if member.instance.rules.key != space or not same_person:
            self.by_token[token] = member
            return None
        if member.attached:
            # The old socket is still open (a half-dead network): it gives way to this one.
            member.close(CloseCode.REPLACED, "resumed on a new connection")
        instance = member.instance
        fresh = Member(
            client_id=member.client_id, name=member.name, role=member.role,
            user_id=member.user_id, username=member.username,
            resume_token=secrets.token_urlsafe(24), queue=SendQueue(self.config.queue_limits),
            muted=member.muted, instance=instance,
        )
        # The old record is left behind: its socket handler finds no instance and stops.
        member.resumable = False
        member.instance = None
        instance.members[fresh.client_id] = fresh
        self.by_token[fresh.resume_token] = fresh
        self._welcome(fresh)
        return fresh

    async def _ban_reason(self, space: str, user_id: int) -> str | None:
        if self.sessionmaker is None:
            return None
        async with self.sessionmaker() as session:
            return await store.ban_reason(session, space, user_id)

    def _replace_earlier_session(self, space: str, user_id: int) -> None:
        """One avatar per person: a second join of the same user closes the first."""
        for instance in self.spaces.get(space, {}).values():
            for member in list(instance.members.values()):
                if member.user_id == user_id:
                    member.close(CloseCode.REPLACED, "joined again on another connection")
                    self._remove(member)

    def _choose_instance(self, space: str, rules: SpaceRules, hint: str | None) -> Instance:
        instances = self.spaces.setdefault(space, {})
        wanted = self._hinted_instance(instances, hint)
        if wanted is not None and not wanted.full:
            return wanted
        for instance in instances.values():
            if not instance.full:
                return instance
        return self.instance(space, rules, f"{space}#{len(instances) + 1}")

    @staticmethod
    def _hinted_instance(instances: dict[str, Instance], hint: str | None) -> Instance | None:
        if not hint:
            return None
        if hint.startswith("user:"):
            username = hint.removeprefix("user:")
            for instance in instances.values():
                if instance.client_id_of(username) is not None:
                    return instance
            return None
        return instances.get(hint)

    def instance(self, space: str, rules: SpaceRules, instance_id: str) -> Instance:
        """The instance with this id, created when missing."""
        instances = self.spaces.setdefault(space, {})
        found = instances.get(instance_id)
        if found is None:
            found = instances[instance_id] = Instance(instance_id, rules, self.config)
        return found

    # -- leaving -----------------------------------------------------------------------------

    def connection_lost(self, member: Member) -> None:
        """The socket is gone: keep the avatar for resume, or remove it for good."""
        if member.instance is None:
            return
        if member.resumable and member.attached:
            member.detached_at = time.monotonic()
            member.queue.close()
            return
        self._remove(member)

    def _remove(self, member: Member) -> None:
        instance = member.instance
        if instance is None:
            return
        member.instance = None
        member.resumable = False
        self.by_token.pop(member.resume_token, None)
        if instance.members.get(member.client_id) is member:
            instance.remove_avatar(member.client_id)
            self.limiter.forget(member.client_id)
            self.bridge.publish(instance.rules.key,
                                ["leave", instance.instance_id, member.client_id])

    # -- ticking -----------------------------------------------------------------------------

    async def _tick_loop(self) -> None:
        period = 1.0 / self.config.tick_hz
        next_at = time.monotonic()
        while True:
            next_at += period
            delay = next_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                # Behind schedule: skip the missed ticks rather than bunch them up.
                next_at = time.monotonic()
                await asyncio.sleep(0)
            started = time.perf_counter()
            try:
                self.tick()
            except Exception:  # one bad tick must not end the world
                log.exception("world tick failed")
            self.last_tick_seconds = time.perf_counter() - started

    def tick(self) -> None:
        self.tick_count += 1
        now = time.monotonic()
        for space, instances in self.spaces.items():
            for instance in instances.values():
                self._expire_detached(instance, now)
                instance.tick(self.tick_count)
                self._publish_changes(space, instance)

    def _expire_detached(self, instance: Instance, now: float) -> None:
        limit = self.config.resume_seconds
        for member in list(instance.members.values()):
            if member.detached_at is not None and now - member.detached_at > limit:
                self._remove(member)

    def _publish_changes(self, space: str, instance: Instance) -> None:
        if not instance.changed:
            return
        flat: list[Any] = []
        for client_id in instance.changed:
            state = instance.avatars.get(client_id)
            if state is not None:
                flat.append(client_id)
                flat.extend(state)
        instance.changed.clear()
        self.bridge.publish(space, ["states", instance.instance_id, flat])

    # -- figures -----------------------------------------------------------------------------

    def population(self, space: str) -> dict[str, int]:
        return {iid: inst.population for iid, inst in self.spaces.get(space, {}).items()}
