"""How the EVM mirror plugs into the platform: its worker's lifetime (no routes).

With CITYVERSE_EVM_ENABLED off (the default) nothing starts and ``enqueue`` writes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cityverse.core.modules import ModuleSpec
from cityverse.modules.assets.evm.outbox import install


@asynccontextmanager
async def run_mirror(app: FastAPI) -> AsyncIterator[None]:
    settings = app.state.settings
    if not settings.evm_enabled:
        yield
        return
    from cityverse.modules.assets.evm.worker import MirrorWorker  # loads web3: only when on

    worker = MirrorWorker(settings, app.state.sessionmaker)
    await worker.start()
    app.state.evm_mirror = worker
    install(worker)
    try:
        yield
    finally:
        install(None)
        await worker.stop()


SPEC = ModuleSpec(name="evm", lifespan=run_mirror)
