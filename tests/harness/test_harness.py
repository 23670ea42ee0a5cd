"""Tests of the test harness itself: temporary PostgreSQL, Debian chromium via Playwright,
and the app-server runner.

Outside CI a missing system binary skips the test (install it with scripts/system-deps.sh).
In CI (env ``CI`` set) the binaries must be there, so a missing one fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest

from .browser import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    ServerStartError,
    chromium_available,
    chromium_launch_kwargs,
    launch_chromium,
    launch_chromium_async,
    run_server,
)
from .ports import free_port, port_is_open
from .postgres import DEFAULT_DATABASE, TempPostgres, postgres_available

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "test-results"
IN_CI = bool(os.environ.get("CI"))

HAVE_POSTGRES = postgres_available()
HAVE_CHROMIUM = chromium_available()
_HINT = "run scripts/system-deps.sh (or: sudo apt-get install chromium postgresql)"


def require(available: bool, what: str) -> None:
    """Skip when ``what`` is missing; in CI, fail instead (CI installs it)."""
    if available:
        return
    message = f"{what} is not installed; {_HINT}"
    if IN_CI:
        pytest.fail(f"CI is set but {message}", pytrace=False)
    pytest.skip(message)


def test_ci_has_system_dependencies() -> None:
    """In CI every system dependency of the suite must be present."""
    missing = [
        name for name, ok in [("postgresql", HAVE_POSTGRES), ("chromium", HAVE_CHROMIUM)] if not ok
    ]
    fc_list = shutil.which("fc-list")
    if fc_list:
        zh = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
        if not zh.stdout.strip():
            missing.append("fonts-noto-cjk")
    if not missing:
        return
    if IN_CI:
        pytest.fail(f"CI is set but missing: {', '.join(missing)}; {_HINT}", pytrace=False)
    pytest.skip(f"missing: {', '.join(missing)}; {_HINT}")


# -- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg() -> Iterator[TempPostgres]:
    require(HAVE_POSTGRES, "PostgreSQL (initdb/pg_ctl/postgres)")
    with TempPostgres() as server:
        yield server


def test_postgres_url(pg: TempPostgres) -> None:
    assert pg.url == f"postgresql+asyncpg://postgres@127.0.0.1:{pg.port}/{DEFAULT_DATABASE}"
    assert pg.dsn == pg.url.replace("+asyncpg", "")
    assert pg.startup_seconds is not None
    print(f"\nTempPostgres startup: {pg.startup_seconds:.2f}s")


async def test_postgres_select_one(pg: TempPostgres) -> None:
    conn = await asyncpg.connect(pg.url.replace("+asyncpg", ""))
    try:
        assert await conn.fetchval("SELECT 1") == 1
        assert await conn.fetchval("SELECT current_database()") == DEFAULT_DATABASE
        assert await conn.fetchval("SHOW fsync") == "off"
        assert await conn.fetchval("SHOW server_encoding") == "UTF8"
        assert await conn.fetchval("SELECT $1::text", "昆山") == "昆山"
    finally:
        await conn.close()


async def test_postgres_create_database(pg: TempPostgres) -> None:
    url = pg.create_database("harness_extra")
    assert url == f"postgresql+asyncpg://postgres@127.0.0.1:{pg.port}/harness_extra"
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        assert await conn.fetchval("SELECT current_database()") == "harness_extra"
    finally:
        await conn.close()
    with pytest.raises(ValueError, match="invalid database name"):
        pg.create_database("bad; DROP DATABASE x")


def test_postgres_start_stop_cleans_up() -> None:
    require(HAVE_POSTGRES, "PostgreSQL (initdb/pg_ctl/postgres)")
    server = TempPostgres(database="harness_lifecycle").start()
    base_dir = server.base_dir
    port = server.port
    assert base_dir is not None and base_dir.is_dir()
    assert server.running and port_is_open(port)
    server.stop()
    assert not server.running
    assert not base_dir.exists()
    assert not port_is_open(port)
    server.stop()  # idempotent


def test_postgres_stop_kills_server_when_pg_ctl_fails(tmp_path: Path) -> None:
    require(HAVE_POSTGRES, "PostgreSQL (initdb/pg_ctl/postgres)")
    server = TempPostgres(database="harness_kill").start()
    port, base_dir = server.port, server.base_dir
    server._bindir = tmp_path  # no pg_ctl there: stop() must fall back to signalling the pid
    server.stop()
    assert base_dir is not None and not base_dir.exists()
    deadline = time.monotonic() + 10
    while port_is_open(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not port_is_open(port)


def test_postgres_atexit_stops_abandoned_server() -> None:
    require(HAVE_POSTGRES, "PostgreSQL (initdb/pg_ctl/postgres)")
    script = (
        "from harness.postgres import TempPostgres\n"
        "pg = TempPostgres().start()\n"
        "print(pg.port, pg.base_dir, flush=True)\n"
        "# exits without stop(): the atexit hook must clean up\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT / "tests",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    port, base_dir = int(out[0]), Path(out[1])
    assert not base_dir.exists()
    assert not port_is_open(port)


def test_postgres_start_failure_shows_log() -> None:
    require(HAVE_POSTGRES, "PostgreSQL (initdb/pg_ctl/postgres)")
    # Occupy a port and ask for exactly that one: startup must fail with the server log.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        taken = sock.getsockname()[1]
        server = TempPostgres(port=taken, startup_timeout=20)
        with pytest.raises(RuntimeError, match=r"(?s)failed to start.*server log"):
            server.start()
    assert server.base_dir is None and not server.running


# -- Chromium / Playwright -------------------------------------------------------------------

HELLO_HTML = "<h1>你好</h1>"
# A data: URL without a charset is read as US-ASCII/Latin-1, so say UTF-8 explicitly.
HELLO_URL = "data:text/html;charset=utf-8," + urllib.parse.quote(HELLO_HTML)
TOFU_CHECK_JS = """() => {
  const draw = (text) => {
    const c = document.createElement('canvas'); c.width = 64; c.height = 64;
    const g = c.getContext('2d'); g.font = '48px sans-serif'; g.fillText(text, 4, 52);
    return c.toDataURL();
  };
  return draw('你') === draw('\\u{10FFFD}');
}"""


def test_launch_kwargs() -> None:
    kwargs = chromium_launch_kwargs(args=["--lang=zh-CN"], slow_mo=0)
    assert kwargs["executable_path"] == CHROMIUM_PATH == "/usr/bin/chromium"
    assert kwargs["headless"] is True
    assert kwargs["args"] == [*CHROMIUM_ARGS, "--lang=zh-CN"]
    assert kwargs["slow_mo"] == 0
    assert "--no-sandbox" in CHROMIUM_ARGS


def test_chromium_sync_renders_chinese() -> None:
    require(HAVE_CHROMIUM, f"chromium ({CHROMIUM_PATH})")
    from playwright.sync_api import sync_playwright

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    shot = RESULTS_DIR / "harness.png"
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 160})
            page.goto(HELLO_URL)
            assert page.locator("h1").inner_text() == "你好"
            # A real CJK font is installed: "你" draws differently from the "missing glyph"
            # box of an unassigned code point (without fonts both are the same tofu).
            tofu = page.evaluate(TOFU_CHECK_JS)
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert shot.stat().st_size > 1000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert tofu is False, "Chinese text renders as boxes: install fonts-noto-cjk"


async def test_chromium_async_launch() -> None:
    require(HAVE_CHROMIUM, f"chromium ({CHROMIUM_PATH})")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await launch_chromium_async(p)
        try:
            page = await browser.new_page()
            await page.goto(HELLO_URL)
            assert await page.locator("h1").inner_text() == "你好"
            has_webgl2 = await page.evaluate(
                "() => !!document.createElement('canvas').getContext('webgl2')"
            )
            assert has_webgl2, "WebGL2 should work with software rendering"
        finally:
            await browser.close()


# -- run_server ------------------------------------------------------------------------------

# A stdlib HTTP server answering GET /api/health with 200 after a short delay.
HEALTH_SERVER = """
import http.server, sys, time
time.sleep(0.3)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if self.path == "/api/health" else 404
        self.send_response(code); self.end_headers(); self.wfile.write(b'{"status":"ok"}')
    def log_message(self, *args):
        pass
print("serving", flush=True)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def test_run_server_exits_at_once() -> None:
    cmd = [sys.executable, "-c", "import sys; print('boom: no app'); sys.exit(3)"]
    started = time.monotonic()
    with pytest.raises(ServerStartError) as info:
        run_server(cmd, {}, None)
    message = str(info.value)
    assert "exited with code 3" in message
    assert "boom: no app" in message
    assert time.monotonic() - started < 10


def test_run_server_times_out_with_output() -> None:
    cmd = [sys.executable, "-c", "import time; print('starting', flush=True); time.sleep(60)"]
    with pytest.raises(ServerStartError, match=r"(?s)within 1s.*starting"):
        run_server(cmd, {}, None, timeout=1.0)


def test_run_server_health_and_stop() -> None:
    port = free_port()
    cmd = [sys.executable, "-c", HEALTH_SERVER, "{port}"]
    with run_server(cmd, {"HARNESS_PORT": "{port}"}, port) as server:
        assert server.base_url == f"http://127.0.0.1:{port}"
        assert port_is_open(port)
        assert server.process.poll() is None
    assert server.process.returncode is not None
    assert not port_is_open(port)
    assert "serving" in server.output()
