"""Two server processes share one hall through a real Redis server: visitors on different
processes see each other move and hear each other's chat."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cityverse.core.auth.policy import Role
from harness.ports import free_port, port_is_open
from realtime.world_support import SPACE, WorldClient, login_cookie

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed "
                                "(scripts/system-deps.sh installs it)")


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not port_is_open(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"process on port {port} did not start")
        time.sleep(0.05)


@pytest.fixture
def redis_url() -> Iterator[str]:
    assert REDIS is not None
    port = free_port()
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def two_servers(redis_url: str, migrated: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    env = {**os.environ, "CITYVERSE_ENV": "test", "CITYVERSE_DATABASE_URL": migrated,
           "CITYVERSE_DATA_DIR": str(tmp_path), "CITYVERSE_REDIS_URL": redis_url,
           "CITYVERSE_LOG_LEVEL": "WARNING"}
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen([sys.executable, "-m", "uvicorn", "cityverse.app:create_app",
                          "--factory", "--host", "127.0.0.1", "--port", str(port),
                          "--log-level", "warning"], env=env)
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_for_port(port, process)
        yield f"127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(15)


async def test_two_processes_share_the_hall(two_servers: tuple[str, str], make_user) -> None:
    first, second = two_servers
    await make_user("redis_wang", Role.VISITOR)
    await make_user("redis_li", Role.VISITOR)
    async with httpx.AsyncClient(base_url=f"http://{first}") as http:
        wang_cookie = await login_cookie(http, "redis_wang")
        li_cookie = await login_cookie(http, "redis_li")
    wang = await WorldClient.join(f"ws://{first}", cookie=wang_cookie)
    li = await WorldClient.join(f"ws://{second}", cookie=li_cookie)
    assert wang.client_id != li.client_id
    assert wang.welcome.instance_id == li.welcome.instance_id == f"{SPACE}#1"

    await wang.move(5, 6, 45)
    await li.wait_for(lambda: li.world.get(wang.client_id, (0,))[0] == 500)
    assert li.names[wang.client_id] == "redis_wang"
    await li.move(-3, 2)
    await wang.wait_for(lambda: wang.world.get(li.client_id, (0,))[0] == -300)

    await li.say("跨进程你好")
    await wang.wait_for(lambda: [c.text for c in wang.chats] == ["跨进程你好"])
    assert wang.chats[0].sender_id == li.client_id

    await li.ws.send(b"\x93\x01\x03\xa0")  # leave
    await li.wait_closed()
    await wang.wait_for(lambda: li.client_id not in wang.world)
    await wang.close()
