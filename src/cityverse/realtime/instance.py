"""One running copy of a space: the avatars in it, their grid, and the per-tick fan-out.

Avatars hosted by other processes (through the Redis bridge) live here as well, in
``avatars`` and the grid, but have no member entry: this process only forwards them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cityverse.realtime.aoi import AoiGrid
from cityverse.realtime.aoi_batch import AvatarArrays, nearest_positions
from cityverse.realtime.config import SpaceRules, WorldConfig
from cityverse.realtime.delta import AvatarState
from cityverse.realtime.fanout import SnapshotEncoder, TickWorld, build_frames, viewer_groups
from cityverse.realtime.protocol import AvatarInfo, AvatarRole, Error
from cityverse.realtime.sendqueue import DisconnectReason, SendQueue

WORLD_SUBJECT = "world"


class CloseCode:
    """WebSocket close codes of the world server (4000–4999 are the application's)."""

    NORMAL = 1000
    UNSUPPORTED_DATA = 1003
    PROTOCOL_ERROR = 4000
    SIGN_IN_REQUIRED = 4001
    HELLO_TIMEOUT = 4002
    REMOVED = 4003  # kicked or banned
    UNKNOWN_SPACE = 4004
    NOT_INVITED = 4005  # an invitation-only room, and this person is not invited (now)
    TOO_SLOW = 4008
    REPLACED = 4009
    RATE_LIMITED = 4029


@dataclass(eq=False)
class Member:
    """A visitor hosted by this process, attached to a socket or waiting to resume."""

    client_id: int
    name: str
    role: AvatarRole
    user_id: int | None
    username: str | None
    resume_token: str
    queue: SendQueue
    encoder: SnapshotEncoder = field(default_factory=SnapshotEncoder)
    # Avatars whose AvatarInfo this client has been sent.
    known: set[int] = field(default_factory=set)
    muted: bool = False
    detached_at: float | None = None
    # False once the member left, was kicked or replaced: the resume token is void.
    resumable: bool = True
    close_code: int = CloseCode.NORMAL
    violations: int = 0
    # Set by the socket writer while a send is in flight; the tick loop reads it.
    writing_since: float | None = None
    instance: Instance | None = None
    # Set by the socket side: aborts a writer stuck in a send to a client that stopped reading.
    on_drop: Callable[[], None] | None = None

    @property
    def attached(self) -> bool:
        return self.detached_at is None

    def send_error(self, code: str, message: str) -> None:
        self.queue.put_ordered(Error(code, message[:200]).encode())

    def close(self, code: int, reason: str, *, resumable: bool = False) -> None:
        """Send what is queued, then close the socket with ``code``."""
        self.close_code = code
        self.resumable = self.resumable and resumable
        self.queue.put_ordered(Error(_error_code_for(code), reason[:200]).encode())
        self.queue.close()

    def drop(self, code: int, reason: str) -> None:
        """Close at once, discarding what is queued (a client that cannot keep up)."""
        self.close_code = code
        self.queue.flag_disconnect(reason)
        if self.on_drop is not None:
            self.on_drop()


def _error_code_for(close_code: int) -> str:
    return {
        CloseCode.REMOVED: "removed",
        CloseCode.REPLACED: "replaced",
        CloseCode.RATE_LIMITED: "rate_limited",
        CloseCode.PROTOCOL_ERROR: "protocol_error",
    }.get(close_code, "closing")


class Instance:
    def __init__(self, instance_id: str, rules: SpaceRules, config: WorldConfig) -> None:
        self.instance_id = instance_id
        self.rules = rules
        self.config = config
        self.avatars: dict[int, AvatarState] = {}
        self.info_frames: dict[int, bytes] = {}
        self.usernames: dict[int, str] = {}
        self.grid = AoiGrid(config.cell_size_m)
        self.members: dict[int, Member] = {}
        # Local avatars whose state changed since the bridge last published them.
        self.changed: set[int] = set()
        self.interactions: dict[str, int] = {}

    @property
    def population(self) -> int:
        return len(self.avatars)

    @property
    def full(self) -> bool:
        return self.population >= self.rules.capacity_per_instance

    def add_avatar(
        self, client_id: int, info: AvatarInfo, state: AvatarState, username: str | None
    ) -> None:
        self.avatars[client_id] = state
        self.info_frames[client_id] = info.encode()
        if username:
            self.usernames[client_id] = username
        self.grid.move(client_id, state[0] / 100, state[2] / 100)

    def move(self, client_id: int, state: AvatarState) -> None:
        if client_id not in self.avatars:
            return
        self.avatars[client_id] = state
        self.grid.move(client_id, state[0] / 100, state[2] / 100)
        if client_id in self.members:
            self.changed.add(client_id)

    def remove_avatar(self, client_id: int) -> None:
        self.avatars.pop(client_id, None)
        self.info_frames.pop(client_id, None)
        self.usernames.pop(client_id, None)
        self.grid.remove(client_id)
        self.members.pop(client_id, None)
        self.changed.discard(client_id)

    def within_range(self, client_id: int) -> list[int]:
        """Every avatar within view range of ``client_id`` (the client excluded)."""
        if client_id not in self.grid:
            return []
        near, _ = self.grid.interest(client_id, len(self.avatars), self.config.view_range_m)
        return near

    def client_id_of(self, username: str) -> int | None:
        for client_id, name in self.usernames.items():
            if name == username:
                return client_id
        return None

    def send_to(self, recipients: list[int], frame: bytes) -> None:
        members = self.members
        for client_id in recipients:
            member = members.get(client_id)
            if member is not None and member.attached:
                member.queue.put_ordered(frame)

    def send_nearby(self, sender_id: int, frame: bytes) -> None:
        self.send_to([sender_id, *self.within_range(sender_id)], frame)

    def send_all(self, frame: bytes) -> None:
        self.send_to(list(self.members), frame)

    def tick(self, tick: int) -> None:
        """One world update to every attached member, from the area of interest.

        The nearest avatars of all viewers come from one vectorised query, and all their
        frames from one batched build (``fanout.build_frames``), group of viewers by group.
        """
        config = self.config
        full_cap, low_cap = max(config.full_rate_cap, 0), max(config.low_rate_cap, 0)
        every = max(config.low_rate_every, 1)
        viewers = self._viewers(time.monotonic())
        if not viewers:
            return
        arrays = AvatarArrays(self.grid)
        avatars = self.avatars
        states = np.array([avatars[client_id] for client_id in arrays.ids.tolist()],
                          dtype=np.int64).reshape(len(arrays.ids), 5)
        world = TickWorld.of(arrays.ids, states)
        for start, stop in viewer_groups(len(viewers), len(arrays.ids)):
            group = viewers[start:stop]
            ranked = nearest_positions(arrays, [arrays.index[member.client_id]
                                                for member in group],
                                       full_cap + low_cap, config.view_range_m)
            low_due = np.array([(tick + member.client_id) % every == 0 for member in group],
                               dtype=bool)
            fanout = build_frames(tick, world, [member.encoder for member in group], ranked,
                                  full_cap, low_due)
            for row, member in enumerate(group):
                unseen = fanout.unseen.get(row)
                if unseen is not None:
                    self._introduce(member, unseen)
                frame = fanout.frames[row]
                if frame is not None:
                    member.queue.put_latest(WORLD_SUBJECT, frame)
                member.queue.check_lag()

    def _viewers(self, now: float) -> list[Member]:
        """Attached members that get an update this tick (flagged and stalled ones are dropped)."""
        viewers: list[Member] = []
        for member in self.members.values():
            if not member.attached:
                continue
            if member.queue.should_disconnect:
                # Flagged (overflow or lag) while its writer may be stuck in a send: abort it.
                if member.writing_since is not None:
                    member.drop(CloseCode.TOO_SLOW, member.queue.disconnect_reason or "")
                continue
            if not self._stalled(member, now):
                viewers.append(member)
        return viewers

    def _stalled(self, member: Member, now: float) -> bool:
        since = member.writing_since
        if since is not None and now - since > self.config.writer_stall_seconds:
            member.drop(CloseCode.TOO_SLOW, DisconnectReason.TOO_SLOW)
            return True
        return False

    def _introduce(self, member: Member, ids: list[int]) -> None:
        known = member.known
        if known.issuperset(ids):
            return
        for client_id in ids:
            if client_id not in known:
                known.add(client_id)
                frame = self.info_frames.get(client_id)
                if frame is not None:
                    member.queue.put_ordered(frame)
