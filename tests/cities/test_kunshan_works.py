"""The Kunshan pack's demo works: drawn by code, registered on the ledger by the demo creator
accounts after the people are committed, once however often the pack is loaded."""

from __future__ import annotations

import io

import httpx
import trimesh
from fastapi import FastAPI
from PIL import Image

from cityverse.cities.kunshan import demo_works, loader
from cityverse.core.config import Settings


async def test_demo_works_are_registered_once(
    app: FastAPI, settings: Settings, client: httpx.AsyncClient
) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await loader.load(session, settings, lambda *_: None)
    first = await loader.load_after_commit(settings, lambda *_: None)
    assert first == {"works": 4, "collections": 4}
    again = await loader.load_after_commit(settings, lambda *_: None)
    assert again == {"works": 0, "collections": 0}
    listed = (await client.get("/api/works", params={"sort": "log_index"})).json()
    assert listed["total"] == 4
    assert [w["log_index"] for w in listed["items"]] == [0, 1, 2, 3]
    assert {w["creator_name"] for w in listed["items"]} == {"林悦", "陈立"}
    assert {w["kind"] for w in listed["items"]} == {"image", "model"}


def test_demo_files_are_real_images_and_models() -> None:
    for make in (demo_works.bridges, demo_works.sleeves):
        with Image.open(io.BytesIO(make())) as image:
            assert image.format == "PNG" and image.width >= 800
    for make in (demo_works.pagoda, demo_works.glasses):
        scene = trimesh.load(io.BytesIO(make()), file_type="glb")
        assert len(scene.geometry) == 1
        assert make() == make()  # same bytes every time: the content hash finds them again
