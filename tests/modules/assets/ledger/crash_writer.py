"""A process that appends to the ledger under load, through the service, and prints one line
per acknowledged entry (``<index> <data>``). `test_crash.py` kills it with SIGKILL.

    python crash_writer.py <tag> [<writers>]      (settings from CITYVERSE_* variables)
"""

from __future__ import annotations

import asyncio
import sys

from cityverse.app import create_app
from cityverse.core.config import Settings
from cityverse.modules.assets.ledger import service


async def main(tag: str, writers: int) -> None:
    app = create_app(Settings())
    async with app.router.lifespan_context(app):
        print("ready", flush=True)

        async def write(writer: int) -> None:
            for count in range(10**9):
                data = f"{tag}-{writer}-{count}"
                index = await service.append(data.encode())
                sys.stdout.write(f"{index} {data}\n")
                sys.stdout.flush()  # an acknowledgement the test has not read is not one

        await asyncio.gather(*(write(w) for w in range(writers)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 64))
