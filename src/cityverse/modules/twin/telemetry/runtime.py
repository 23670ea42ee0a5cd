"""Telemetry in the running server: the ingest queue, the MQTT side (embedded broker, external
broker client or none) and the device simulator, started and stopped with the twin module."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import FastAPI

from cityverse.core.config import Settings
from cityverse.modules.twin.changes import Change
from cityverse.modules.twin.telemetry.broker import EmbeddedBroker, ExternalSubscriber
from cityverse.modules.twin.telemetry.pipeline import IngestPipeline
from cityverse.modules.twin.telemetry.simulator import Simulator

log = logging.getLogger("cityverse.twin.telemetry")


class Telemetry:
    def __init__(self, app: FastAPI, settings: Settings) -> None:
        self._app = app
        self.pipeline = IngestPipeline(
            app.state.sessionmaker, app.state.ngsild_terms.for_context(None), self._publish,
            batch_size=settings.twin_ingest_batch_size,
            batch_wait_s=settings.twin_ingest_batch_wait_ms / 1000,
        )
        self.broker: EmbeddedBroker | ExternalSubscriber | None = None
        self.mode: Literal["embedded", "external", "off"] = "off"
        if settings.mqtt_url:
            self.broker = ExternalSubscriber(settings.mqtt_url, self.pipeline)
            self.mode = "external"
        elif settings.mqtt_embedded_on:
            self.broker = EmbeddedBroker(app.state.sessionmaker, self.pipeline,
                                         settings.mqtt_host, settings.mqtt_port)
            self.mode = "embedded"
        self.simulator: Simulator | None = None
        broker_url = settings.mqtt_url or f"mqtt://{settings.mqtt_host}:{settings.mqtt_port}"
        if self.mode != "off" and _simulator_wanted(settings):
            self.simulator = Simulator(app.state.sessionmaker, broker_url,
                                       interval_s=settings.twin_simulator_interval_s,
                                       only_if_demo=settings.twin_simulator == "auto")

    @property
    def address(self) -> str:
        return self.broker.address if self.broker is not None else ""

    @property
    def connected(self) -> bool:
        return bool(self.broker is not None and self.broker.connected)

    def _publish(self, changes: list[Change]) -> None:
        notifier = getattr(self._app.state, "twin_notifier", None)
        if notifier is not None:
            notifier.publish(changes)

    async def start(self) -> None:
        self.pipeline.start()
        if self.broker is not None:
            try:
                await self.broker.start()
            except Exception:  # e.g. the port is taken: the rest of the platform still serves
                log.exception("the MQTT broker did not start; MQTT telemetry is off")
                self.broker, self.mode, self.simulator = None, "off", None
        if self.simulator is not None:
            self.simulator.start()

    async def stop(self) -> None:
        if self.simulator is not None:
            await self.simulator.stop()
        if self.broker is not None:
            await self.broker.stop()
        await self.pipeline.stop()


def _simulator_wanted(settings: Settings) -> bool:
    if settings.twin_simulator == "on":
        return True
    return settings.twin_simulator == "auto" and settings.env == "dev"
