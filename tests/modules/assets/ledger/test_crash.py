"""Crash test: a process appending under load is killed with SIGKILL, twice; after each restart
every entry it acknowledged is stored under the index it was given, and the log verifies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import select

from cityverse.core.config import Settings
from cityverse.modules.assets.ledger.models import LedgerEntry

WRITER = Path(__file__).with_name("crash_writer.py")
CLI = Path(sys.executable).parent / "cityverse"
ACKS_BEFORE_KILL = 3000
"""Acknowledgements to wait for before the kill: the writer is then in full flow."""


def environment(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "CITYVERSE_ENV": "test",
        "CITYVERSE_DATABASE_URL": settings.effective_database_url,
        "CITYVERSE_DATA_DIR": str(settings.data_dir),
        "CITYVERSE_LOG_LEVEL": "WARNING",
        "CITYVERSE_LEDGER_CHECKPOINT_INTERVAL_MS": "50",
        # The writer appends plain bytes: the log is tested here, not the signature check.
        "CITYVERSE_LEDGER_VERIFY_TRANSACTIONS": "false",
    }


def run_and_kill(tag: str, env: dict[str, str]) -> dict[int, str]:
    """Start a writer, read its acknowledgements, SIGKILL it mid-load; return what it acked."""
    process = subprocess.Popen(
        [sys.executable, str(WRITER), tag], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, bufsize=1,
    )
    assert process.stdout is not None
    acked: dict[int, str] = {}
    enough = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if not line.endswith("\n") or line == "ready\n":
                continue  # a line cut by the kill was never fully acknowledged
            index, data = line.split()
            assert int(index) not in acked, f"index {index} given twice"
            acked[int(index)] = data
            if len(acked) >= ACKS_BEFORE_KILL:
                enough.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        started = enough.wait(timeout=30)
        assert started, f"writer {tag} did not get going (acked {len(acked)})"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    reader.join(timeout=10)  # the lines already in the pipe were acknowledged before the kill
    assert process.returncode == -signal.SIGKILL
    return acked


async def stored(app: FastAPI) -> dict[int, str]:
    async with app.state.sessionmaker() as session:
        rows = await session.execute(select(LedgerEntry.leaf_index, LedgerEntry.data))
        return {index: data.decode() for index, data in rows}


async def test_nothing_acknowledged_is_lost_when_the_writer_is_killed(
    app: FastAPI, settings: Settings
) -> None:
    await app.state.ledger_appender.stop()  # the log is empty; the writers below fill it
    env = environment(settings)
    acked: dict[int, str] = {}
    started = time.monotonic()
    for tag in ("first", "second"):
        acked_now = await asyncio.to_thread(run_and_kill, tag, env)
        assert not acked.keys() & acked_now.keys(), "an index was given out twice"
        acked.update(acked_now)
        in_store = await stored(app)
        lost = {index: data for index, data in acked.items() if in_store.get(index) != data}
        assert lost == {}, f"acknowledged but not stored after kill -9: {list(lost)[:10]}"
    # The second writer rebuilt its state from the database and went on where the first
    # stopped: the log is contiguous and every node and checkpoint is right.
    verified = await asyncio.to_thread(
        subprocess.run, [str(CLI), "ledger", "verify"], env=env, capture_output=True, text=True,
        timeout=60, check=False)
    assert verified.returncode == 0, verified.stderr
    assert "The ledger verifies" in verified.stderr
    assert time.monotonic() - started < 30
