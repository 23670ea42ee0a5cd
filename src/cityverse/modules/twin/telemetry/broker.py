"""MQTT for the twin: an embedded broker (amqtt) whose plugins check each device's key at
connect, let a device publish only on its own topic and hand every accepted message to the
ingest queue in the process; or a client of an external broker (Mosquitto) that subscribes
to every device topic, the broker checking keys against the password file the registry
exports (`cityverse twin mqtt-passwords`) and its ACL tying each device to its topic."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from amqtt.broker import Broker
from amqtt.client import MQTTClient
from amqtt.contexts import Action, BaseContext
from amqtt.mqtt.constants import QOS_0
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from amqtt.session import ApplicationMessage, Session
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.modules.twin.telemetry import devices
from cityverse.modules.twin.telemetry.pipeline import IngestPipeline

log = logging.getLogger("cityverse.twin.mqtt")
TOPIC_FILTER = "cityverse/+/devices/+/attrs"
RECONNECT_DELAYS = (1.0, 2.0, 5.0, 10.0)
_DEVICE_TOPIC = re.compile(r"^cityverse/[A-Za-z0-9_\-]{1,64}/devices/([^/]+)/attrs$")


@dataclass
class Gateway:
    """What the embedded broker's auth plugin needs from the process (amqtt builds plugins
    from a config dict, so they find it here by name)."""

    sessions: async_sessionmaker[AsyncSession]


_GATEWAYS: dict[str, Gateway] = {}


def _gateway_of(plugin: Any) -> Gateway | None:
    return _GATEWAYS.get(getattr(plugin.config, "gateway", ""))


class DeviceAuthPlugin(BaseAuthPlugin):  # type: ignore[misc]  # amqtt ships no types
    """Connect with user name = device id and password = device key."""

    @dataclass
    class Config:
        gateway: str = ""

    def __init__(self, context: BaseContext) -> None:
        super().__init__(context)

    async def authenticate(self, *, session: Session) -> bool:
        gateway = _gateway_of(self)
        if gateway is None or not session.username or not session.password:
            return False
        async with gateway.sessions() as db:
            device = await devices.authenticate(db, session.username, str(session.password))
        if device is None:
            log.info("MQTT connect refused for %r", session.username)
        return device is not None


def may_publish(session: Session, topic: str) -> bool:
    """A device publishes on its own topic only."""
    found = _DEVICE_TOPIC.match(topic)
    return found is not None and found.group(1) == session.username


class DeviceTopicPlugin(BaseTopicPlugin):  # type: ignore[misc]
    """A device publishes on its own topic only and subscribes to nothing."""

    @dataclass
    class Config:
        gateway: str = ""

    async def topic_filtering(
        self, *, session: Session | None = None, topic: str | None = None,
        action: Action | None = None,
    ) -> bool:
        if action != Action.PUBLISH or session is None or topic is None:
            return False
        return may_publish(session, topic)


class IngestBroker(Broker):  # type: ignore[misc]
    """amqtt's broker with each PUBLISH a device may make handed straight to the ingest
    queue. Nobody can subscribe to this broker (DeviceTopicPlugin), so amqtt's own delivery
    (plugin events, retained messages, the broadcast to subscribers: several tasks per
    message) would only cost time, most of the broker's time per message. Overrides amqtt's
    per-message hook, hence amqtt pinned to 0.12.x in pyproject."""

    def __init__(self, config: dict[str, Any], pipeline: IngestPipeline) -> None:
        super().__init__(config)
        self._pipeline = pipeline

    async def _handle_message_delivery(
        self, client_session: Session, handler: Any, wait_deliver: asyncio.Future[Any],
    ) -> bool:
        """False closes the client's connection, as amqtt does for a topic MQTT forbids."""
        message: ApplicationMessage | None = wait_deliver.result()
        if message is None:
            return True
        topic = message.topic
        if not topic or "#" in topic or "+" in topic or topic.startswith("$"):
            log.info("%s sent a PUBLISH on the invalid topic %r", client_session.client_id, topic)
            return False
        if not may_publish(client_session, topic):
            log.debug("%s may not publish on %s", client_session.client_id, topic)
        elif message.data is not None:
            self._pipeline.submit(topic, bytes(message.data))
        return True


class EmbeddedBroker:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], pipeline: IngestPipeline,
                 host: str, port: int) -> None:
        # amqtt logs every plugin and connection at INFO; the platform's log keeps a summary.
        logging.getLogger("amqtt").setLevel(logging.WARNING)
        logging.getLogger("transitions").setLevel(logging.WARNING)
        self.address = f"{host}:{port}"
        self._name = uuid.uuid4().hex
        _GATEWAYS[self._name] = Gateway(sessions)
        plugin_config = {"gateway": self._name}
        self._broker = IngestBroker({
            "listeners": {"default": {"type": "tcp", "bind": self.address,
                                      "max_connections": 20_000}},
            "plugins": {
                f"{__name__}.DeviceAuthPlugin": plugin_config,
                f"{__name__}.DeviceTopicPlugin": plugin_config,
            },
        }, pipeline)

    @property
    def connected(self) -> bool:
        return True

    async def start(self) -> None:
        try:
            await self._broker.start()
        except BaseException:
            _GATEWAYS.pop(self._name, None)
            raise
        log.info("embedded MQTT broker listening on %s", self.address)

    async def stop(self) -> None:
        try:
            await self._broker.shutdown()
        finally:
            _GATEWAYS.pop(self._name, None)


class ExternalSubscriber:
    """Our process as a client of an external broker, subscribed to every device topic."""

    def __init__(self, url: str, pipeline: IngestPipeline) -> None:
        self.url = url
        self.address = re.sub(r"//[^@/]*@", "//", url)  # never show credentials
        self._pipeline = pipeline
        self._task: asyncio.Task[None] | None = None
        self.connected = False

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="twin-mqtt-subscriber")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        attempt = 0
        while True:
            client = MQTTClient(client_id=f"cityverse-ingest-{uuid.uuid4().hex[:8]}",
                                config={"auto_reconnect": False})
            try:
                await client.connect(self.url)
                await client.subscribe([(TOPIC_FILTER, QOS_0)])
                self.connected, attempt = True, 0
                log.info("subscribed to %s at %s", TOPIC_FILTER, self.address)
                while True:
                    message = await client.deliver_message()
                    if message is not None and message.topic and message.data is not None:
                        self._pipeline.submit(message.topic, bytes(message.data))
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await client.disconnect()
                raise
            except Exception as exc:  # the broker went away: reconnect with back-off
                log.warning("MQTT broker %s: %s", self.address, exc)
            self.connected = False
            with contextlib.suppress(Exception):
                await client.disconnect()
            await asyncio.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
            attempt += 1
