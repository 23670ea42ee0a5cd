"""Helpers of the twin telemetry tests: an HTTP notification receiver and a poll-until."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx


async def wait_until(condition: Callable[[], bool], within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        await asyncio.sleep(0.02)


class Receiver:
    """An HTTP server on 127.0.0.1 recording the notifications it is sent."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length))
                with receiver.arrived:
                    receiver.received.append(body)
                    receiver.arrived.notify_all()
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    async def wait_for(self, count: int, within: float = 5.0) -> list[dict[str, Any]]:
        def wait() -> None:
            with self.arrived:
                self.arrived.wait_for(lambda: len(self.received) >= count, within)

        await asyncio.to_thread(wait)
        return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def subscribe_to_pm25(officer: httpx.AsyncClient, receiver: Receiver) -> None:
    """A subscription sending every air-quality sensor's pm25 change to `receiver`."""
    subscribed = await officer.post("/ngsi-ld/v1/subscriptions", json={
        "type": "Subscription", "entities": [{"type": "AirQualityObserved"}],
        "watchedAttributes": ["pm25"], "notification": {"endpoint": {"uri": receiver.url}}})
    assert subscribed.status_code == 201, subscribed.text
