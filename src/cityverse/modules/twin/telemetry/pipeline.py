"""The ingest queue: MQTT messages are queued as they arrive and drained in batches, each
batch written in one transaction; the committed changes go to the notifier like those of the
HTTP routes. A bad message is counted and logged, never allowed to stop the worker."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.modules.twin import changes
from cityverse.modules.twin.changes import Change
from cityverse.modules.twin.ngsild.entity import now_utc
from cityverse.modules.twin.ngsild.terms import TermMap
from cityverse.modules.twin.telemetry import readings
from cityverse.modules.twin.telemetry.readings import BadReading, DeviceInfo, Reading
from cityverse.modules.twin.telemetry.seen import LastSeen

log = logging.getLogger("cityverse.twin.ingest")
DEVICE_CACHE_S = 2.0  # a disabled device's readings stop within this long
LOG_EVERY_S = 1.0  # at most one refusal logged per second: a broken fleet must not flood logs


@dataclass
class Counters:
    accepted: int = 0
    rejected: int = 0
    batches: int = 0
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_batch_at: datetime | None = None


class IngestPipeline:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], terms: TermMap,
        publish: Callable[[list[Change]], None], *, batch_size: int = 5000,
        batch_wait_s: float = 0.02, queue_limit: int = 200_000,
    ) -> None:
        self._sessions = sessions
        self._terms = terms
        self._publish = publish
        self._batch_size = batch_size
        self._batch_wait_s = batch_wait_s
        self._queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(queue_limit)
        self._worker: asyncio.Task[None] | None = None
        self._last_logged = 0.0
        self._devices: dict[str, tuple[float, DeviceInfo]] = {}
        self.counters = Counters()
        self.last_seen = LastSeen()

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        self._worker = asyncio.create_task(self._run(), name="twin-ingest")

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None

    def submit(self, topic: str, payload: bytes) -> None:
        """From the broker: never blocks; a full queue refuses the message."""
        try:
            self._queue.put_nowait((topic, payload))
        except asyncio.QueueFull:
            self._refuse(f"the ingest queue is full; dropped a message on {topic}")

    async def drained(self) -> None:
        """Returns once every message submitted so far is written (or refused)."""
        await self._queue.join()

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            if self._batch_wait_s > 0 and self._queue.qsize() < self._batch_size:
                await asyncio.sleep(self._batch_wait_s)  # let a burst gather into one batch
            while len(batch) < self._batch_size and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._write(batch)
            except Exception as exc:  # the worker must outlive any one batch
                log.exception("an ingest batch failed")
                self._refuse(f"batch of {len(batch)} failed: {exc}", count=len(batch))
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _write(self, batch: list[tuple[str, bytes]]) -> None:
        parsed: list[Reading] = []
        for topic, payload in batch:
            try:
                found, refused = readings.from_mqtt(topic, payload)
            except BadReading as exc:
                self._refuse(f"{topic}: {exc}")
                continue
            parsed.extend(found)
            for detail in refused:
                self._refuse(f"{topic}: {detail}")
        if not parsed:
            return
        with changes.collecting() as pending:
            async with self._sessions() as session, session.begin():
                known = await self._known_devices(session, {r.device_id for r in parsed})
                result = await readings.apply(session, self._terms, parsed, known)
        for rejection in result.rejected:
            reading = parsed[rejection.index]
            self._refuse(f"device {reading.device_id}: {rejection.detail}")
        self.counters.accepted += result.accepted
        self.counters.batches += 1
        self.counters.last_batch_at = now_utc()
        self.last_seen.note(parsed, result, self.counters.last_batch_at)
        if pending.changes:
            self._publish(pending.changes)

    async def _known_devices(
        self, session: AsyncSession, device_ids: set[str]
    ) -> dict[str, DeviceInfo]:
        """Devices from a short-lived cache: one lookup per device every few seconds instead
        of one per batch."""
        now = time.monotonic()
        stale = {d for d in device_ids
                 if d not in self._devices or now - self._devices[d][0] > DEVICE_CACHE_S}
        if stale:
            fresh = await readings.device_infos(session, stale)
            for device_id in stale:
                if device_id in fresh:
                    self._devices[device_id] = (now, fresh[device_id])
                else:
                    self._devices.pop(device_id, None)
        return {d: self._devices[d][1] for d in device_ids if d in self._devices}

    def _refuse(self, detail: str, *, count: int = 1) -> None:
        self.counters.rejected += count
        self.counters.last_error = detail
        self.counters.last_error_at = now_utc()
        now = time.monotonic()
        if now - self._last_logged >= LOG_EVERY_S:
            self._last_logged = now
            log.warning("reading refused: %s (refused so far: %d)", detail,
                        self.counters.rejected)
