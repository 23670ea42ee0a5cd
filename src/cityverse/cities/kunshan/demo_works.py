"""Demo works of the Kunshan pack, drawn by code (no image or model files are shipped), and
their registration on the ledger by the demo accounts. Same bytes on every run, so loading
again finds each work by its content hash and registers nothing twice."""

from __future__ import annotations

import hashlib
import io
import json
import math
import struct
from collections.abc import Callable
from importlib import resources
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Principal, scopes_for
from cityverse.core.config import Settings
from cityverse.core.db import create_engine, create_sessionmaker
from cityverse.modules.assets.works import service as works

Box = tuple[tuple[float, float, float], tuple[float, float, float]]  # centre, size


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _sky(draw: ImageDraw.ImageDraw, width: int, height: int, top: tuple[int, int, int],
         bottom: tuple[int, int, int]) -> None:
    for y in range(height):
        mix = y / max(height - 1, 1)
        colour = tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)


def bridges() -> bytes:
    """Twin stone bridges over a canal at dawn, white walls and dark roofs behind."""
    width, height = 960, 600
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    _sky(draw, width, height, (120, 160, 170), (70, 110, 125))  # the canal, then the sky on top
    _sky(draw, width, 330, (250, 214, 165), (255, 244, 224))
    for index, x in enumerate(range(20, width, 150)):
        wall_top = 200 + (index % 3) * 14
        draw.rectangle((x, wall_top, x + 130, 330), fill=(245, 243, 236))
        draw.polygon([(x - 12, wall_top), (x + 65, wall_top - 48), (x + 142, wall_top)],
                     fill=(58, 62, 70))
        draw.rectangle((x + 45, wall_top + 40, x + 85, wall_top + 90), fill=(90, 72, 60))
    for left, span in ((150, 300), (520, 260)):
        top = 330 - span * 0.38
        draw.rectangle((left - 20, top, left + span + 20, top + 18), fill=(150, 146, 138))
        draw.pieslice((left, top + 10, left + span, top + span * 0.7), 180, 360,
                      fill=(150, 146, 138))
        draw.pieslice((left + 34, top + 40, left + span - 34, top + span * 0.7 + 30), 180, 360,
                      fill=(96, 134, 146))
    for y in range(345, height, 14):
        draw.line([(0, y), (width, y)], fill=(110, 150, 160), width=1)
    draw.ellipse((760, 60, 840, 140), fill=(255, 200, 120))
    return _png(image)


def sleeves() -> bytes:
    """Flowing water sleeves of Kunqu opera as layered sine ribbons."""
    width, height = 800, 800
    image = Image.new("RGB", (width, height), (250, 246, 240))
    draw = ImageDraw.Draw(image)
    colours = [(178, 34, 52), (214, 96, 77), (240, 180, 160), (120, 24, 40), (255, 255, 255)]
    for ribbon in range(14):
        colour = colours[ribbon % len(colours)]
        phase = ribbon * 0.45
        points = [
            (x, height / 2 + math.sin(x / 90 + phase) * (220 - ribbon * 12)
             + math.cos(x / 37 + phase) * 30)
            for x in range(-20, width + 20, 8)
        ]
        draw.line(points, fill=colour, width=18 - ribbon)
    draw.ellipse((340, 120, 460, 240), outline=(178, 34, 52), width=6)
    return _png(image)


def _box_mesh(boxes: list[Box]) -> tuple[list[float], list[int]]:
    positions: list[float] = []
    indices: list[int] = []
    faces = [(0, 1, 2, 3), (4, 7, 6, 5), (0, 4, 5, 1), (1, 5, 6, 2), (2, 6, 7, 3), (3, 7, 4, 0)]
    for (cx, cy, cz), (sx, sy, sz) in boxes:
        base = len(positions) // 3
        for dy in (-1, 1):
            for dx, dz in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                positions += [cx + dx * sx / 2, cy + dy * sy / 2, cz + dz * sz / 2]
        for a, b, c, d in faces:
            indices += [base + a, base + b, base + c, base + a, base + c, base + d]
    return positions, indices


def glb(boxes: list[Box], colour: tuple[float, float, float, float], name: str) -> bytes:
    """A glTF 2.0 binary of one mesh made of boxes, with one coloured material."""
    positions, indices = _box_mesh(boxes)
    position_bytes = struct.pack(f"<{len(positions)}f", *positions)
    index_bytes = struct.pack(f"<{len(indices)}H", *indices)
    binary = position_bytes + index_bytes + b"\0" * (-len(position_bytes + index_bytes) % 4)
    xs, ys, zs = positions[0::3], positions[1::3], positions[2::3]
    document: dict[str, Any] = {
        "asset": {"version": "2.0", "generator": "Cityverse Kunshan demo pack"},
        "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0, "name": name}],
        "meshes": [{"name": name, "primitives": [
            {"attributes": {"POSITION": 0}, "indices": 1, "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": {"baseColorFactor": list(colour),
                                                "metallicFactor": 0.0}}],
        "buffers": [{"byteLength": len(binary)}],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": len(position_bytes), "target": 34962},
            {"buffer": 0, "byteOffset": len(position_bytes), "byteLength": len(index_bytes),
             "target": 34963},
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": len(positions) // 3, "type": "VEC3",
             "min": [min(xs), min(ys), min(zs)], "max": [max(xs), max(ys), max(zs)]},
            {"bufferView": 1, "componentType": 5123, "count": len(indices), "type": "SCALAR"},
        ],
    }
    text = json.dumps(document, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)
    chunks = struct.pack("<II", len(text), 0x4E4F534A) + text
    chunks += struct.pack("<II", len(binary), 0x004E4942) + binary
    return b"glTF" + struct.pack("<II", 2, 12 + len(chunks)) + chunks


def pagoda() -> bytes:
    """Seven tiers, each a storey and an overhanging roof, narrowing upwards."""
    boxes: list[Box] = [((0, 0.15, 0), (5.0, 0.3, 5.0))]
    y = 0.3
    for tier in range(7):
        side = 3.2 - tier * 0.32
        boxes.append(((0, y + 0.5, 0), (side, 1.0, side)))
        boxes.append(((0, y + 1.05, 0), (side + 0.9, 0.12, side + 0.9)))
        y += 1.1
    boxes.append(((0, y + 0.6, 0), (0.15, 1.2, 0.15)))
    return glb(boxes, (0.72, 0.62, 0.50, 1.0), "Yufeng pagoda")


def glasses() -> bytes:
    """Two lenses, a bridge and two temples of a pair of AR glasses."""
    boxes: list[Box] = [
        ((-0.35, 0, 0), (0.5, 0.3, 0.05)), ((0.35, 0, 0), (0.5, 0.3, 0.05)),
        ((0, 0.08, 0), (0.22, 0.05, 0.05)),
        ((-0.62, 0.05, -0.35), (0.04, 0.05, 0.7)), ((0.62, 0.05, -0.35), (0.04, 0.05, 0.7)),
    ]
    return glb(boxes, (0.1, 0.12, 0.16, 1.0), "AR glasses")


MAKERS: dict[str, Callable[[], bytes]] = {
    "bridges": bridges, "sleeves": sleeves, "pagoda": pagoda, "glasses": glasses,
}


async def load_works(settings: Settings, progress: Callable[[str, int, int], None]) -> int:
    """Register the demo works of ``data/works.json``; returns how many were new."""
    items = _read_items()
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    added = 0
    try:
        async with works.ledger_writer(settings):
            for index, item in enumerate(items, 1):
                async with sessions() as session, session.begin():
                    added += await _register(session, settings, item)
                progress("works", index, len(items))
    finally:
        await engine.dispose()
    return added


def _read_items() -> list[dict[str, str]]:
    text = resources.files("cityverse.cities.kunshan").joinpath("data", "works.json").read_text(
        "utf-8")
    items: list[dict[str, str]] = json.loads(text)
    return items


async def _register(session: AsyncSession, settings: Settings, item: dict[str, str]) -> int:
    data = MAKERS[item["make"]]()
    if await works.find_by_hash(session, hashlib.sha256(data).hexdigest()) is not None:
        return 0
    user = await accounts.find_user(session, item["owner"])
    if user is None or user.realname_status != "approved":
        return 0  # the demo people step makes them; a verified real name is required
    roles = frozenset(user.role_names)
    principal = Principal(user.id, user.username, roles, scopes_for(roles), "session", 0,
                          user.realname_status)
    upload = works.Upload(data, item["filename"], item["title"], item["description"])
    await works.create_work(session, settings, principal, upload)
    return 1
