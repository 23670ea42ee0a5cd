"""Fixtures for the NGSI-LD tests: a guard that fails any connection off this machine, and a
real HTTP server on 127.0.0.1 that plays remote @context servers (fast, slow, broken)."""

from __future__ import annotations

import gc
import ipaddress
import json
import socket
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from cityverse.core.auth.policy import Role
from cityverse.modules.twin.ngsild import ContextRegistry, ContextResolver
from conftest import SignedInFactory

LOCAL_NAMES = {"localhost", "localhost.localdomain"}


def _is_local(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@dataclass
class NetworkGuard:
    """Every attempt to reach a host that is not loopback, refused and recorded."""

    attempts: list[str] = field(default_factory=list)

    def refuse(self, host: object) -> OSError:
        self.attempts.append(str(host))
        return OSError(f"test network guard: no connections off this machine ({host})")


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> NetworkGuard:
    guard = NetworkGuard()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise guard.refuse(address[0])
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise guard.refuse(address[0])
        return real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        # Name lookups are network traffic too.
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _is_local(name):
            raise socket.gaierror(socket.EAI_NONAME, str(guard.refuse(name)))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return guard


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class ContextServer:
    """Serves configured paths on 127.0.0.1 and counts the requests each one gets."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.hits[self.path] += 1
                route = server.routes.get(self.path, Route(status=404, body=b"not here"))
                if route.delay:
                    server._stopping.wait(route.delay)
                try:
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        if value:  # an empty value leaves the header out
                            self.send_header(name, value)
                    if "Content-Length" not in route.headers:
                        self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)
                except OSError:
                    pass  # the client gave up first, as slow-server tests intend

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve(
        self,
        path: str,
        document: Any = None,
        *,
        status: int = 200,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> str:
        if body is None:
            body = json.dumps(document).encode()
        self.routes[path] = Route(status, body, {"Content-Type": "application/ld+json",
                                                 **(headers or {})}, delay)
        return self.base_url + path

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def context_server() -> Iterator[ContextServer]:
    server = ContextServer()
    server.start()
    yield server
    server.stop()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def resolver(clock: FakeClock) -> AsyncIterator[ContextResolver]:
    # The hosted base URL is on a host that does not exist: if anything tried to fetch a
    # hosted context over HTTP, the network guard would see it.
    resolver = ContextResolver(
        hosted_base_url="http://broker.invalid/ngsi-ld/v1/jsonldContexts/",
        timeout=1.0, failure_ttl=5.0, clock=clock,
    )
    yield resolver
    await resolver.aclose()


@pytest.fixture
def registry(resolver: ContextResolver) -> ContextRegistry:
    return ContextRegistry(resolver)


@pytest.fixture
async def officer(signed_in: SignedInFactory) -> AsyncIterator[httpx.AsyncClient]:
    yield await signed_in("ops", Role.OFFICER)


@pytest.fixture(autouse=True)
def collect_garbage() -> Iterator[None]:
    """What MQTT clients leave in reference cycles is collected after each test, not at some
    later moment: a finalizer that runs in the middle of Python 3.11.7's AST construction
    (pytest rewriting a module it imports) fails that with "AST constructor recursion depth
    mismatch"."""
    yield
    gc.collect()
