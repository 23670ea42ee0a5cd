"""Browser and app-server helpers for end-to-end tests.

Playwright (the PyPI ``playwright`` package) drives Debian's ``chromium`` (/usr/bin/chromium);
no browser is ever downloaded, so never run ``playwright install``.

Sync API::

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = launch_chromium(p)

Async API::

    async with async_playwright() as p:
        browser = await launch_chromium_async(p)
        # or: await p.chromium.launch(**chromium_launch_kwargs())

The app under test runs in a subprocess started by :func:`run_server`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .ports import free_port

if TYPE_CHECKING:
    from playwright.async_api import Browser as AsyncBrowser
    from playwright.async_api import Playwright as AsyncPlaywright
    from playwright.sync_api import Browser, Playwright

__all__ = [
    "CHROMIUM_ARGS",
    "CHROMIUM_PATH",
    "PORT_PLACEHOLDER",
    "ServerProcess",
    "ServerStartError",
    "chromium_available",
    "chromium_launch_kwargs",
    "launch_chromium",
    "launch_chromium_async",
    "run_server",
]

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
)

#: In ``run_server`` commands and env values, this text is replaced by the chosen port.
PORT_PLACEHOLDER = "{port}"


def chromium_available() -> bool:
    """True when Debian's chromium binary is installed and executable."""
    return os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)


def chromium_launch_kwargs(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for ``playwright.chromium.launch`` (sync or async) using Debian's
    chromium. ``overrides`` are merged in; an ``args`` override is appended to CHROMIUM_ARGS."""
    kwargs: dict[str, Any] = {
        "executable_path": CHROMIUM_PATH,
        "headless": True,
        "args": list(CHROMIUM_ARGS),
    }
    extra_args = overrides.pop("args", None)
    if extra_args:
        kwargs["args"] += list(extra_args)
    kwargs.update(overrides)
    return kwargs


def launch_chromium(playwright: Playwright, **overrides: Any) -> Browser:
    """Launch Debian's chromium headless with the sync Playwright API."""
    return playwright.chromium.launch(**chromium_launch_kwargs(**overrides))


async def launch_chromium_async(playwright: AsyncPlaywright, **overrides: Any) -> AsyncBrowser:
    """Launch Debian's chromium headless with the async Playwright API."""
    return await playwright.chromium.launch(**chromium_launch_kwargs(**overrides))


# -- app server ---------------------------------------------------------------------------


class ServerStartError(RuntimeError):
    """The server process exited or did not become healthy in time."""


class ServerProcess:
    """A server subprocess on 127.0.0.1:``port``; output goes to a temporary log file."""

    def __init__(
        self,
        cmd: Sequence[str],
        env: Mapping[str, str],
        port: int,
        *,
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        self.cmd = list(cmd)
        self.port = port
        self.host = "127.0.0.1"
        self.base_url = f"http://{self.host}:{port}"
        fd, log_name = tempfile.mkstemp(prefix="cityverse-server-", suffix=".log")
        self.log_path = Path(log_name)
        self._final_output: str | None = None
        with os.fdopen(fd, "wb") as log:
            # A new session makes the server its own process group, so stop() also reaches
            # any children it spawns (uvicorn --reload / --workers, shell wrappers).
            self.process = subprocess.Popen(
                self.cmd,
                env=dict(env),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        atexit.register(self.stop)

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self, max_chars: int = 8000) -> str:
        """The last ``max_chars`` of the process's combined stdout/stderr (kept after stop;
        the log file itself is deleted by stop)."""
        if self._final_output is not None:
            text = self._final_output
        else:
            try:
                text = self.log_path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
        return text[-max_chars:]

    def wait_healthy(self, path: str = "/api/health", timeout: float = 30.0) -> None:
        """Poll ``GET base_url + path`` until it answers 200; raise ServerStartError if the
        process exits first or ``timeout`` seconds pass."""
        url = self.base_url + path
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        while True:
            code = self.process.poll()
            if code is not None:
                raise ServerStartError(
                    f"server exited with code {code} before {url} answered 200.\n"
                    f"command: {self.cmd}\noutput:\n{self.output() or '(none)'}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - http://127.0.0.1 only
                    if response.status == 200:
                        return
                    last_error = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                last_error = f"HTTP {exc.code}"
            except (urllib.error.URLError, OSError) as exc:
                last_error = str(getattr(exc, "reason", exc))
            if time.monotonic() >= deadline:
                self.stop()
                raise ServerStartError(
                    f"server did not answer 200 on {url} within {timeout:g}s "
                    f"(last: {last_error}).\ncommand: {self.cmd}\n"
                    f"output:\n{self.output() or '(none)'}"
                )
            time.sleep(0.1)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM the server's process group, SIGKILL after ``timeout`` s. Returns the exit
        code. Safe to call more than once."""
        atexit.unregister(self.stop)
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(timeout=10)
            # Children left in the group the leader headed a moment ago: they go too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        if self._final_output is None:
            self._final_output = self.output()
            with contextlib.suppress(OSError):
                self.log_path.unlink()
        return self.process.returncode

    def _signal(self, sig: signal.Signals) -> None:
        try:
            os.killpg(self.process.pid, sig)
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(sig)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ServerProcess pid={self.process.pid} {self.base_url}>"


def run_server(
    app_factory_cmd: list[str],
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    *,
    health_path: str = "/api/health",
    timeout: float = 30.0,
    cwd: str | os.PathLike[str] | None = None,
    inherit_env: bool = True,
) -> ServerProcess:
    """Start a server subprocess and wait until ``GET /api/health`` answers 200.

    ``port`` defaults to a free loopback port. Every ``{port}`` in the command and in ``env``
    values is replaced by it, and ``PORT`` is set in the environment, e.g.::

        run_server([sys.executable, "-m", "uvicorn", "--factory", "cityverse.app:create_app",
                    "--host", "127.0.0.1", "--port", "{port}"], {"CITYVERSE_DB_URL": pg.url})

    ``env`` is added on top of ``os.environ`` (``inherit_env=False``: used alone). Raises
    ServerStartError, with the process output, if the process exits or is not healthy within
    ``timeout`` seconds; the process is stopped in that case.
    """
    if port is None:
        port = free_port()
    port_text = str(port)
    full_env: dict[str, str] = dict(os.environ) if inherit_env else {}
    full_env.update({k: v.replace(PORT_PLACEHOLDER, port_text) for k, v in (env or {}).items()})
    full_env["PORT"] = port_text
    cmd = [arg.replace(PORT_PLACEHOLDER, port_text) for arg in app_factory_cmd]
    server = ServerProcess(cmd, full_env, port, cwd=cwd)
    try:
        server.wait_healthy(health_path, timeout=timeout)
    except BaseException:
        server.stop()
        raise
    return server
