"""Spaces figures: time to generate each catalog asset as .glb, its size and triangle count,
and the time to validate the Kunshan scene documents. Prints one JSON object.

    .venv/bin/python bench/spaces_models.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from cityverse.cities.kunshan import spaces as kunshan_spaces
from cityverse.modules.spaces.scene import CATALOG, load_scene
from cityverse.modules.spaces.scene.meshkit import summarize_glb


def median_ms(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 2)


def assets(repeat: int) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {}
    for key in CATALOG:
        data = CATALOG.build(key)
        summary = summarize_glb(data)
        figures[key] = {
            "generate_ms": median_ms(lambda key=key: CATALOG.build(key), repeat),
            "bytes": summary.byte_size,
            "triangles": summary.triangles,
            "triangle_budget": CATALOG.entry(key).max_triangles,
            "nodes": len(summary.nodes),
            "materials": len(summary.materials),
        }
    return figures


def scenes(repeat: int) -> dict[str, dict[str, Any]]:
    known = kunshan_spaces.enterprise_keys()
    figures: dict[str, dict[str, Any]] = {}
    for entry in kunshan_spaces.read_index().spaces:
        if entry.document is None:
            continue
        document = kunshan_spaces.read_document(entry.document)
        scene = load_scene(document, enterprise_keys=known)
        figures[entry.key] = {
            "validate_ms": median_ms(
                lambda document=document: load_scene(document, enterprise_keys=known), repeat
            ),
            "document_bytes": len(json.dumps(document, ensure_ascii=False).encode()),
            "booths": len(scene.booths),
            "placed_assets": len(scene.assets),
            "portals": len(scene.portals),
            "info_panels": len(scene.info_panels),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; median reported")
    repeat = max(1, parser.parse_args().repeat)
    started = time.perf_counter()
    asset_figures = assets(repeat)
    scene_figures = scenes(repeat)
    pack_ms = median_ms(kunshan_spaces.load_spaces, repeat)
    print(json.dumps({
        "bench": "spaces_models",
        "repeat": repeat,
        "assets": asset_figures,
        "all_assets_generate_ms": round(sum(a["generate_ms"] for a in asset_figures.values()), 2),
        "all_assets_bytes": sum(a["bytes"] for a in asset_figures.values()),
        "scenes": scene_figures,
        "kunshan_pack_load_ms": pack_ms,
        "wall_s": round(time.perf_counter() - started, 2),
    }))


if __name__ == "__main__":
    main()
