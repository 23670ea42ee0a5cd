"""A throw-away PostgreSQL server for tests.

Uses the Debian ``postgresql`` package binaries (``/usr/lib/postgresql/<ver>/bin``). PostgreSQL
refuses to run as root, so when the tests run as root the server runs as the ``postgres`` user
(``runuser -u postgres --``) on a temporary directory owned by that user.

    with TempPostgres() as pg:
        engine = create_async_engine(pg.url)   # postgresql+asyncpg://postgres@127.0.0.1:<port>/...

The server is tuned for speed, not durability (fsync, full_page_writes and synchronous_commit
are off) and only listens on 127.0.0.1 plus a Unix socket in the temporary directory.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from .ports import free_port

__all__ = [
    "DEFAULT_DATABASE",
    "PostgresError",
    "TempPostgres",
    "find_bindir",
    "free_port",
    "postgres_available",
]

DEFAULT_DATABASE = "cityverse_test"
SUPERUSER = "postgres"
_REQUIRED_BINARIES = ("initdb", "pg_ctl", "postgres")
_DB_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_ADDRESS_IN_USE = ("could not bind", "address already in use", "could not create any tcp/ip")


class PostgresError(RuntimeError):
    """Raised when the temporary PostgreSQL server cannot be set up or used."""


def _version_key(bindir: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/<version>/bin -> numeric version, e.g. (15,) or (9, 6)
    parts = bindir.parent.name.split(".")
    return tuple(int(p) if p.isdigit() else -1 for p in parts)


def _has_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in _REQUIRED_BINARIES)


def find_bindir() -> Path | None:
    """The PostgreSQL server bin directory (newest under /usr/lib/postgresql), or None."""
    candidates = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    candidates = [p for p in candidates if _has_binaries(p)]
    if candidates:
        return max(candidates, key=_version_key)
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and _has_binaries(Path(out)):
            return Path(out)
    initdb = shutil.which("initdb")
    if initdb and _has_binaries(Path(initdb).parent):
        return Path(initdb).parent
    return None


def _is_root() -> bool:
    return os.geteuid() == 0


def _postgres_user_exists() -> bool:
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        return False
    return True


def postgres_available() -> bool:
    """True when a PostgreSQL server can be started here (binaries present, usable user)."""
    if find_bindir() is None:
        return False
    if _is_root():
        return _postgres_user_exists() and shutil.which("runuser") is not None
    return True


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _others_can_traverse(path: Path) -> bool:
    """True when every directory from / to ``path`` is searchable by other users."""
    for directory in [path, *path.parents]:
        try:
            mode = directory.stat().st_mode
        except OSError:
            return False
        if not mode & stat.S_IXOTH:
            return False
    return True


class TempPostgres:
    """A PostgreSQL server on a free loopback port and a temporary data directory.

    Use as a context manager, or call :meth:`start` / :meth:`stop` explicitly. ``stop`` is also
    registered with :mod:`atexit` while the server runs, so an aborted test run does not leave a
    server behind.
    """

    def __init__(
        self,
        database: str = DEFAULT_DATABASE,
        *,
        bindir: str | os.PathLike[str] | None = None,
        port: int | None = None,
        startup_timeout: float = 60.0,
        extra_options: dict[str, str] | None = None,
    ) -> None:
        _check_db_name(database)
        self.database = database
        self.host = "127.0.0.1"
        self._bindir = Path(bindir) if bindir is not None else None
        self._requested_port = port
        self._port: int | None = None
        self.startup_timeout = startup_timeout
        self.extra_options = dict(extra_options or {})
        self.base_dir: Path | None = None
        self.startup_seconds: float | None = None
        self._running = False

    # -- public API -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise PostgresError("TempPostgres is not started")
        return self._port

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the test database: postgresql+asyncpg://postgres@127.0.0.1:P/db."""
        return self.url_for(self.database)

    @property
    def dsn(self) -> str:
        """libpq / asyncpg URL of the test database (no ``+asyncpg``)."""
        return self.url_for(self.database, driver=None)

    @property
    def data_dir(self) -> Path:
        if self.base_dir is None:
            raise PostgresError("TempPostgres is not started")
        return self.base_dir / "data"

    @property
    def log_path(self) -> Path:
        if self.base_dir is None:
            raise PostgresError("TempPostgres is not started")
        return self.base_dir / "postgres.log"

    @property
    def running(self) -> bool:
        return self._running

    def url_for(self, database: str, driver: str | None = "asyncpg") -> str:
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return f"{scheme}://{SUPERUSER}@{self.host}:{self.port}/{database}"

    def start(self) -> TempPostgres:
        """Initialise the cluster, start the server, create the test database. Returns self."""
        if self._running:
            return self
        bindir = self._bindir or find_bindir()
        if bindir is None:
            raise PostgresError(
                "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and "
                "`pg_config --bindir`). Install them: sudo apt-get install postgresql "
                "(or run scripts/system-deps.sh)."
            )
        self._bindir = bindir
        if _is_root() and not _postgres_user_exists():
            raise PostgresError(
                "running as root, but there is no 'postgres' user to run the server as"
            )
        started = time.monotonic()
        self.base_dir = self._make_base_dir()
        atexit.register(self.stop)
        try:
            self._initdb()
            self._start_server()
            self._running = True
            self._createdb(self.database)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def stop(self) -> None:
        """Stop the server (``pg_ctl -m fast stop``) and delete the temporary directory."""
        atexit.unregister(self.stop)
        base_dir = self.base_dir
        if base_dir is None:
            return
        data_dir = base_dir / "data"
        try:
            if _postmaster_pid(data_dir) is not None and self._bindir is not None:
                stopped = False
                with contextlib.suppress(PostgresError, OSError):
                    cmd = [self._bin("pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w"]
                    result = self._run_as_server_user(
                        [*cmd, "-t", "30", "stop"], check=False, timeout=60
                    )
                    stopped = result.returncode == 0
                if not stopped:
                    self._kill_postmaster(data_dir)
        finally:
            self._running = False
            self.base_dir = None
            shutil.rmtree(base_dir, ignore_errors=True)

    def create_database(self, name: str) -> str:
        """Create another database on this server; return its SQLAlchemy (asyncpg) URL."""
        _check_db_name(name)
        if not self._running:
            raise PostgresError("TempPostgres is not started")
        self._createdb(name)
        return self.url_for(name)

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = f"port={self._port}" if self._running else "stopped"
        return f"<TempPostgres {self.database} {where}>"

    # -- internals ------------------------------------------------------------------------

    def _bin(self, name: str) -> str:
        assert self._bindir is not None
        return str(self._bindir / name)

    def _make_base_dir(self) -> Path:
        parent: str | None = None
        if _is_root() and not _others_can_traverse(Path(tempfile.gettempdir())):
            parent = "/tmp"  # the postgres user must be able to reach the data directory
        base = Path(tempfile.mkdtemp(prefix="cityverse-pg-", dir=parent))
        if _is_root():
            entry = pwd.getpwnam(SUPERUSER)
            os.chown(base, entry.pw_uid, entry.pw_gid)
        return base

    def _env(self) -> dict[str, str]:
        # Keep the caller's PG* settings (PGDATA, PGPORT, PGHOST, ...) out of our commands.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        env.pop("LANG", None)
        return env

    def _run_as_server_user(
        self, cmd: list[str], *, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        if _is_root():
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        assert self.base_dir is not None
        try:
            result = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                env=self._env(),
                cwd=self.base_dir,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresError(f"timed out after {timeout}s: {shlex.join(cmd)}") from exc
        if check and result.returncode != 0:
            raise PostgresError(
                f"command failed (exit {result.returncode}): {shlex.join(cmd)}\n"
                f"{(result.stdout + result.stderr).strip()}"
            )
        return result

    def _initdb(self) -> None:
        self._run_as_server_user(
            [
                self._bin("initdb"),
                "-D",
                str(self.data_dir),
                "-A",
                "trust",
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )

    def _server_options(self, port: int) -> str:
        assert self.base_dir is not None
        options = {
            "listen_addresses": "127.0.0.1",
            "fsync": "off",
            "full_page_writes": "off",
            "synchronous_commit": "off",
            **self.extra_options,
        }
        parts = ["-p", str(port), "-k", str(self.base_dir)]
        for key, value in options.items():
            parts += ["-c", f"{key}={value}"]
        # pg_ctl hands -o to /bin/sh, so quote each word.
        return shlex.join(parts)

    def _start_server(self) -> None:
        attempts = 1 if self._requested_port is not None else 3
        for attempt in range(1, attempts + 1):
            port = self._requested_port or free_port(self.host)
            self._port = port
            result = self._run_as_server_user(
                [
                    self._bin("pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_path),
                    "-o",
                    self._server_options(port),
                    "-w",
                    "-t",
                    str(int(self.startup_timeout)),
                    "start",
                ],
                check=False,
                timeout=self.startup_timeout + 30,
            )
            if result.returncode == 0:
                return
            log = _tail(self.log_path)
            self._kill_postmaster(self.data_dir)
            port_clash = any(s in log.lower() for s in _ADDRESS_IN_USE)
            if port_clash and attempt < attempts:
                continue
            raise PostgresError(
                f"PostgreSQL failed to start on {self.host}:{port} "
                f"(pg_ctl exit {result.returncode}).\n"
                f"pg_ctl output:\n{(result.stdout + result.stderr).strip()}\n"
                f"server log, last lines:\n{log}"
            )

    def _createdb(self, name: str) -> None:
        cmd = [self._bin("createdb"), "-h", self.host, "-p", str(self.port), "-U", SUPERUSER, name]
        try:
            result = subprocess.run(
                cmd, capture_output=True, text=True, env=self._env(), timeout=60, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresError(f"timed out: {shlex.join(cmd)}") from exc
        if result.returncode != 0:
            raise PostgresError(
                f"createdb {name!r} failed (exit {result.returncode}): "
                f"{(result.stdout + result.stderr).strip()}\n"
                f"server log, last lines:\n{_tail(self.log_path)}"
            )

    @staticmethod
    def _kill_postmaster(data_dir: Path) -> None:
        """Last resort: kill the postmaster of ``data_dir`` (the one we started), by its pid.

        SIGQUIT (immediate shutdown) first, SIGKILL if it is still there after 5 s."""
        pid = _postmaster_pid(data_dir)
        if pid is None:
            return
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _postmaster_pid(data_dir) == pid:
            time.sleep(0.05)
        if _postmaster_pid(data_dir) == pid:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _postmaster_pid(data_dir: Path) -> int | None:
    """PID of the live postmaster serving ``data_dir``, from postmaster.pid, else None.

    The PID is only trusted when /proc shows that process running with this data directory,
    so a stale pid file never leads to signalling an unrelated process."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().splitlines()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, IndexError):
        return None
    return pid if os.fsencode(str(data_dir)) in cmdline else None


def _check_db_name(name: str) -> None:
    if not _DB_NAME_RE.match(name):
        raise ValueError(
            f"invalid database name {name!r}: use letters, digits and '_' (max 63 chars)"
        )
