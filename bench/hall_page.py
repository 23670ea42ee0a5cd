"""The 3D hall page under a crowd: a real server, N guest bots walking near the entrance of the
cloud living room (10 Hz poses), and the hall page in headless Chromium. Prints one JSON object:
avatars the page shows (near in full with name tags, the rest as instances), frames per second
over the measuring window and the page's average frame time.

    .venv/bin/python bench/hall_page.py [--bots 200] [--seconds 8]

Headless Chromium renders WebGL in software (SwiftShader) on the CPU, so the frame rate here is
a floor: a phone or laptop GPU draws the same scene many times faster.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright
from websockets.asyncio.client import connect

from cityverse.realtime.protocol import Hello, Pose

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from harness.browser import launch_chromium, run_server

HALL = "cloud-living-room"
POSE_HZ = 10
CLI = Path(sys.executable).parent / "cityverse"
FRAMES_JS = """(ms) => new Promise((done) => {
  let frames = 0
  const start = performance.now()
  const tick = () => {
    frames += 1
    if (performance.now() - start < ms) requestAnimationFrame(tick)
    else done([frames, performance.now() - start])
  }
  requestAnimationFrame(tick)
})"""


async def bot(url: str, index: int, stop: threading.Event) -> None:
    rng = random.Random(index)
    # A crowd in front of the visitor: everyone within about 15 m of the entrance.
    x, z, heading = rng.uniform(-12, 12), rng.uniform(8, 22), rng.uniform(0, 360)
    async with connect(url, max_size=2**20, open_timeout=60, ping_interval=None) as ws:
        await ws.send(Hello(HALL, None, f"观众{index}", None).encode())

        async def drain() -> None:
            # Read and drop: without acks the server sends full states, the heavier case.
            async for _ in ws:
                pass

        reader = asyncio.create_task(drain())
        while not stop.is_set():
            heading = (heading + rng.uniform(-20, 20)) % 360
            x = max(-18.0, min(18.0, x + 0.14 * math.sin(math.radians(heading))))
            z = max(6.0, min(23.0, z + 0.14 * math.cos(math.radians(heading))))
            await ws.send(Pose.from_metres(x, 0, z, heading, 1).encode())
            await asyncio.sleep(1 / POSE_HZ)
        reader.cancel()


def run_bots(url: str, count: int, stop: threading.Event) -> None:
    async def main() -> None:
        await asyncio.gather(*(bot(url, i, stop) for i in range(count)), return_exceptions=True)

    asyncio.run(main())


def measure(base_url: str, bots: int, seconds: float) -> dict[str, Any]:
    stop = threading.Event()
    ws_url = base_url.replace("http", "ws", 1) + f"/ws/world/{HALL}"
    crowd = threading.Thread(target=run_bots, args=(ws_url, bots, stop), daemon=True)
    crowd.start()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(base_url=base_url, viewport={"width": 1280, "height": 900})
            page.goto("/expo/hall")
            page.get_by_test_id("hall-join").click()
            page.wait_for_selector('[data-testid="hall-status"][data-status="online"]',
                                   timeout=60_000)
            page.wait_for_function(
                "(n) => document.querySelectorAll('[data-testid=hall-avatar]').length >= n",
                arg=int(bots * 0.9), timeout=60_000)
            page.wait_for_timeout(2000)  # let the adaptive resolution settle
            frames, elapsed = page.evaluate(FRAMES_JS, seconds * 1000)
            shown = page.locator('[data-testid="hall-avatar"]').count()
            near = page.locator('[data-testid="hall-avatar"][data-near="true"]').count()
            browser.close()
    finally:
        stop.set()
        crowd.join(timeout=10)
    return {"bench": "hall_page", "bots": bots, "avatars_shown": shown, "near_full_bodies": near,
            "instanced": shown - near, "fps": round(frames / (elapsed / 1000), 1),
            "frame_ms": round(elapsed / frames, 1), "renderer": "SwiftShader (software)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bots", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        env = {"CITYVERSE_DATA_DIR": data, "CITYVERSE_ENV": "dev", "CITYVERSE_LOG_LEVEL": "WARNING"}
        subprocess.run([str(CLI), "migrate"], env={**os.environ, **env}, check=True,
                       capture_output=True)
        with run_server([str(CLI), "serve", "--port", "{port}"], env=env) as server:
            started = time.monotonic()
            result = measure(server.base_url, args.bots, args.seconds)
            result["seconds_total"] = round(time.monotonic() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
