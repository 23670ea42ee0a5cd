"""Where notifications may go, and how they reach MQTT brokers.

The guard (server-side request forgery): an endpoint whose host is, or resolves to, a loopback,
link-local (cloud metadata at 169.254.169.254), private, shared, multicast or reserved address
is refused when the subscription is written (BadRequestData) and again just before each
delivery, after DNS resolution, so a name that later points inside the network is caught too.
`CITYVERSE_TWIN_NOTIFY_ALLOW_PRIVATE` allows them (default: allowed in dev/test, refused in
prod).

MQTT (NGSI-LD clause 5.8.x / the MQTT notification binding): `mqtt://[user:pass@]host[:port]/
topic` (mqtts: TLS); the message is JSON `{"metadata": {…headers…}, "body": notification}`;
notifierInfo `MQTTVersion` (mqtt3.1.1 or mqtt5.0) and `MQTTQoS` (0, 1, 2).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError

MQTT_VERSIONS = {"mqtt3.1.1": mqtt.MQTTv311, "mqtt5.0": mqtt.MQTTv5}
MQTT_TIMEOUT = 5.0
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, not flagged private
_LOCAL_NAMES = ("localhost", "localhost.localdomain")


class EndpointRefused(Exception):
    """The endpoint's address is inside the network and the settings do not allow it."""


def forbidden_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified
            or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED))


@dataclass(frozen=True)
class EndpointGuard:
    allow_private: bool

    def check_uri(self, uri: str) -> None:
        """At subscription time: the literal host (no DNS lookup in a request)."""
        if self.allow_private:
            return
        host = (urlsplit(uri).hostname or "").lower()
        if host in _LOCAL_NAMES or host.endswith(".localhost"):
            raise NgsiLdError(ErrorKind.BadRequestData,
                              f"notification endpoint {host} is a local address")
        try:
            refused = forbidden_address(host)
        except ValueError:
            return  # a name: checked after resolution at every delivery
        if refused:
            raise NgsiLdError(ErrorKind.BadRequestData,
                              f"notification endpoint {host} is a private or local address")

    async def resolve(self, host: str, port: int) -> str:
        """At delivery: the address to connect to, refused if any resolution is inside."""
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM)
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise EndpointRefused(f"{host} does not resolve")
        if not self.allow_private and any(forbidden_address(a) for a in addresses):
            raise EndpointRefused(f"{host} resolves to a private or local address")
        return addresses[0]


@dataclass(frozen=True)
class MqttTarget:
    host: str
    port: int
    topic: str
    tls: bool
    username: str | None
    password: str | None


def mqtt_target(uri: str) -> MqttTarget:
    parts = urlsplit(uri)
    tls = parts.scheme == "mqtts"
    return MqttTarget(
        host=parts.hostname or "", port=parts.port or (8883 if tls else 1883),
        topic=unquote(parts.path.lstrip("/")), tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def check_notifier_info(info: list[tuple[str, str]]) -> dict[str, str]:
    found = dict(info)
    if found.get("MQTTVersion", "mqtt3.1.1") not in MQTT_VERSIONS:
        raise NgsiLdError(ErrorKind.BadRequestData, "MQTTVersion is mqtt3.1.1 or mqtt5.0")
    if found.get("MQTTQoS", "0") not in ("0", "1", "2"):
        raise NgsiLdError(ErrorKind.BadRequestData, "MQTTQoS is 0, 1 or 2")
    return found


def publish(target: MqttTarget, address: str, message: dict[str, Any],
            notifier_info: dict[str, str]) -> bool:
    """One notification to a broker (blocking: run it in a thread). True when the broker
    accepted it (PUBACK/PUBCOMP for QoS 1/2)."""
    version = MQTT_VERSIONS[notifier_info.get("MQTTVersion", "mqtt3.1.1")]
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=version)
    if target.username is not None:
        client.username_pw_set(target.username, target.password)
    if target.tls:
        client.tls_set_context(ssl.create_default_context())
        client.tls_insecure_set(False)
    try:
        # The checked address, not the name: DNS cannot change between check and connect.
        # (With TLS the name is still what the certificate is checked against.)
        client.connect(target.host if target.tls else address, target.port,
                       keepalive=int(MQTT_TIMEOUT * 2))
        client.loop_start()
        info = client.publish(target.topic, json.dumps(message),
                              qos=int(notifier_info.get("MQTTQoS", "0")))
        info.wait_for_publish(timeout=MQTT_TIMEOUT)
        return bool(info.is_published())
    finally:
        client.disconnect()
        client.loop_stop()
