"""A minimal MQTT 3.1.1 publisher (CONNECT with user name and password, then QoS 0 PUBLISH)
for the simulator and the benchmark: thousands of simulated devices each need their own
connection, and a full client per device costs several tasks where this costs one socket."""

from __future__ import annotations

import asyncio
import contextlib
import struct
from urllib.parse import urlsplit

CONNACK_REFUSED = {1: "protocol version", 2: "client id", 3: "server unavailable",
                   4: "bad user name or password", 5: "not authorised"}


CONNECT_TIMEOUT_S = 10.0


class ConnectRefused(ConnectionError):
    pass


def _remaining_length(length: int) -> bytes:
    out = bytearray()
    while True:
        byte, length = length % 128, length // 128
        out.append(byte | (0x80 if length else 0))
        if not length:
            return bytes(out)


def _string(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("!H", len(raw)) + raw


def connect_packet(client_id: str, username: str, password: str) -> bytes:
    # Protocol "MQTT" level 4, flags: user name, password, clean session; keep-alive off.
    variable = _string("MQTT") + bytes([4, 0b11000010]) + struct.pack("!H", 0)
    payload = _string(client_id) + _string(username) + _string(password)
    body = variable + payload
    return bytes([0x10]) + _remaining_length(len(body)) + body


def publish_packet(topic: str, payload: bytes) -> bytes:
    body = _string(topic) + payload
    return bytes([0x30]) + _remaining_length(len(body)) + body


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 1883


class Publisher:
    """One device's connection."""

    def __init__(self, writer: asyncio.StreamWriter, reader: asyncio.StreamReader) -> None:
        self._writer = writer
        self._reader = reader

    @classmethod
    async def connect(cls, url: str, username: str, password: str) -> Publisher:
        host, port = host_port(url)
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port),
                                                CONNECT_TIMEOUT_S)
        writer.write(connect_packet(username, username, password))
        try:
            connack = await asyncio.wait_for(reader.readexactly(4), CONNECT_TIMEOUT_S)
        except (asyncio.IncompleteReadError, TimeoutError) as exc:
            writer.close()
            raise ConnectRefused("the broker closed the connection") from exc
        if connack[0] != 0x20 or connack[3] != 0:
            writer.close()
            raise ConnectRefused(CONNACK_REFUSED.get(connack[3], f"code {connack[3]}"))
        return cls(writer, reader)

    @property
    def closed(self) -> bool:
        return self._writer.is_closing() or self._reader.at_eof()

    def publish(self, topic: str, payload: bytes) -> None:
        self._writer.write(publish_packet(topic, payload))

    async def drain(self) -> None:
        await self._writer.drain()

    async def close(self) -> None:
        if not self._writer.is_closing():
            self._writer.write(b"\xe0\x00")  # DISCONNECT
            self._writer.close()
        with contextlib.suppress(ConnectionError):
            await self._writer.wait_closed()
