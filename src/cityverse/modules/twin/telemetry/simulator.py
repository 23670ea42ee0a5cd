"""The device simulator: finds the twin's sensor entities, makes sure each has a device (id =
the last segment of the entity id), and publishes their readings over MQTT as real devices
would, each device on its own authenticated connection, spread evenly over the interval."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.modules.twin.models import TwinEntity, TwinEntityType
from cityverse.modules.twin.ngsild.entity import iso, now_utc
from cityverse.modules.twin.telemetry import devices, rules, wire
from cityverse.modules.twin.telemetry.models import TwinDevice
from cityverse.modules.twin.telemetry.schemas import DeviceIn

log = logging.getLogger("cityverse.twin.simulator")
MAX_UNSENT = 100  # readings a simulated device keeps while it cannot reach the broker
STEPS_PER_SECOND = 10  # how finely a round of readings is spread over the interval
_SCENIC_WORDS = ("scenic", "tourist", "tourism", "景区", "古镇", "周庄", "锦溪", "千灯", "公园")


@dataclass
class SimulatedDevice:
    sensor: rules.Sensor
    topic: str
    key: str
    publisher: wire.Publisher | None = None
    unsent: list[dict[str, Any]] = field(default_factory=list)  # measured while offline


def device_id_for(entity_id: str) -> str:
    last = re.split(r"[:/#]", entity_id.rstrip(":/#"))[-1]
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]", "-", last).strip("-.") or "device"
    return cleaned[:128] if cleaned[0].isalnum() else f"d{cleaned}"[:128]


def type_name(iri: str) -> str:
    return re.split(r"[/#:]", iri)[-1]


def is_scenic(entity_id: str, attrs: dict[str, Any]) -> bool:
    text = (entity_id + json.dumps(attrs, ensure_ascii=False)).lower()
    return any(word in text for word in _SCENIC_WORDS)


async def sensor_entities(session: AsyncSession) -> list[tuple[TwinEntity, str]]:
    """(entity, sensor type name) for every entity of a type the simulator knows."""
    rows = await session.execute(
        select(TwinEntity, TwinEntityType.type_iri)
        .join(TwinEntityType, TwinEntityType.entity_pk == TwinEntity.id)
        .order_by(TwinEntity.id)
    )
    found: dict[int, tuple[TwinEntity, str]] = {}
    for entity, iri in rows.tuples():
        name = type_name(iri)
        if name in rules.SENSOR_ATTRIBUTES and entity.id not in found:
            found[entity.id] = (entity, name)
    return list(found.values())


async def ensure_devices(session: AsyncSession) -> list[SimulatedDevice]:
    """A device per sensor entity; the simulator's own devices get a fresh key it can use,
    devices registered by people are left alone."""
    entities = await sensor_entities(session)
    wanted = {device_id_for(entity.entity_id): (entity, name) for entity, name in entities}
    known = await devices.by_ids(session, wanted)
    made: list[SimulatedDevice] = []
    for device_id, (entity, name) in wanted.items():
        device: TwinDevice | None = known.get(device_id)
        if device is not None and not device.simulated:
            continue
        if device is None:
            device, key = await devices.create(
                session, DeviceIn(device_id=device_id, entity_id=entity.entity_id,
                                  tenant=entity.tenant), None, simulated=True)
        else:
            device, key = await devices.rotate_key(session, device_id, None)
        sensor = rules.Sensor(device_id, name, scenic=is_scenic(entity.entity_id, entity.attrs))
        made.append(SimulatedDevice(sensor, devices.topic_of(device), key))
    return made


class Simulator:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], broker_url: str,
                 *, interval_s: float = 10.0, only_if_demo: bool = False,
                 seed: int | None = None) -> None:
        self._sessions = sessions
        self._url = broker_url
        self._interval = interval_s
        self._only_if_demo = only_if_demo
        self._rng = random.Random(seed)  # noqa: S311 - simulated readings, not secrets
        self._task: asyncio.Task[None] | None = None
        self.published = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="twin-simulator")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def prepare(self) -> list[SimulatedDevice]:
        async with self._sessions() as session, session.begin():
            return await ensure_devices(session)

    async def run(self, *, rounds: int | None = None) -> None:
        simulated = await self.prepare()
        if not simulated:
            if not self._only_if_demo:
                log.warning("the twin has no sensor entities: nothing to simulate")
            return
        log.info("simulating %d devices every %.1f s over %s", len(simulated), self._interval,
                 wire.host_port(self._url))
        try:
            done = 0
            while rounds is None or done < rounds:
                await self._round(simulated)
                done += 1
        finally:
            for item in simulated:
                if item.publisher is not None:
                    await item.publisher.close()

    async def _round(self, simulated: list[SimulatedDevice]) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        steps = max(1, min(len(simulated), int(self._interval * STEPS_PER_SECOND)))
        per_step = -(-len(simulated) // steps)
        for step in range(steps):
            for item in simulated[step * per_step:(step + 1) * per_step]:
                await self._publish(item)
            wait = start + (step + 1) * self._interval / steps - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)

    async def _publish(self, item: SimulatedDevice) -> None:
        moment = now_utc()
        item.unsent.append({**rules.reading(item.sensor, moment, self._rng),
                            "observedAt": iso(moment)})
        del item.unsent[:-MAX_UNSENT]
        if item.publisher is None or item.publisher.closed:
            try:
                item.publisher = await wire.Publisher.connect(self._url, item.sensor.device_id,
                                                              item.key)
            except (OSError, TimeoutError) as exc:
                log.warning("device %s could not connect: %s", item.sensor.device_id, exc)
                item.publisher = None
                return
        # Like a real device: what it measured while offline goes out in one array message.
        body: Any = item.unsent[0] if len(item.unsent) == 1 else item.unsent
        item.publisher.publish(item.topic, json.dumps(body).encode())
        self.published += len(item.unsent)
        item.unsent = []
        try:
            await item.publisher.drain()
        except ConnectionError:
            item.publisher = None
