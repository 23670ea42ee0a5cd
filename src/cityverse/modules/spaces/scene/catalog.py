"""The asset catalog: every 3D model a scene may place, with its parameters and budget.

Scenes refer to assets by key (`booth`, `product/chip`) plus parameters; the catalog checks the
parameters against each asset's JSON Schema and builds the .glb on demand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from cityverse.modules.spaces.scene import hall_meshes, product_meshes

Builder = Callable[..., bytes]
ParamCheck = Callable[[Mapping[str, Any]], list[str]]

COLOR: dict[str, Any] = {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}
# The hall's floor tiles are separate quads; this keeps its triangle count bounded.
MAX_HALL_TILES = 2500


def number(low: float, high: float) -> dict[str, Any]:
    return {"type": "number", "minimum": low, "maximum": high}


def params_schema(**properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": properties}


def no_cross_checks(_params: Mapping[str, Any]) -> list[str]:
    return []


@dataclass(frozen=True)
class AssetEntry:
    key: str
    title_en: str
    build: Builder
    params_schema: Mapping[str, Any]
    max_triangles: int
    # Rules between parameters that a JSON Schema cannot state.
    cross_check: ParamCheck = field(default=no_cross_checks)


class AssetParamsError(ValueError):
    def __init__(self, key: str, messages: list[str]) -> None:
        self.key = key
        self.messages = messages
        super().__init__(f"bad parameters for asset {key}: " + "; ".join(messages))


class AssetCatalog:
    def __init__(self, entries: Iterable[AssetEntry]) -> None:
        self._entries = {entry.key: entry for entry in entries}
        self._validators = {
            key: Draft202012Validator(entry.params_schema) for key, entry in self._entries.items()
        }

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, key: str) -> AssetEntry:
        return self._entries[key]

    def param_errors(self, key: str, params: Mapping[str, Any]) -> list[str]:
        """Why these parameters don't fit the asset; empty when they do."""
        found = sorted(self._validators[key].iter_errors(params), key=lambda e: list(e.path))
        messages = [error.message for error in found]
        return messages or self._entries[key].cross_check(params)

    def build(self, key: str, params: Mapping[str, Any] | None = None) -> bytes:
        """The asset as .glb bytes; raises KeyError or AssetParamsError."""
        entry = self._entries[key]
        given = dict(params or {})
        messages = self.param_errors(key, given)
        if messages:
            raise AssetParamsError(key, messages)
        return entry.build(**given)


def check_hall_shell(params: Mapping[str, Any]) -> list[str]:
    width = float(params.get("width", 40.0))
    depth = float(params.get("depth", 44.0))
    tile = float(params.get("tile", 2.0))
    problems = []
    if float(params.get("entrance_width", 8.0)) > width - 2:
        problems.append("entrance_width must leave at least 2 m of front wall")
    if math.ceil(width / tile) * math.ceil(depth / tile) > MAX_HALL_TILES:
        problems.append(f"more than {MAX_HALL_TILES} floor tiles; use larger tiles")
    return problems


def product(key: str, title_en: str, build: Builder) -> AssetEntry:
    return AssetEntry(f"product/{key}", title_en, build, params_schema(color=COLOR), 3000)


CATALOG = AssetCatalog([
    AssetEntry(
        "hall-shell", "Exhibition hall shell", hall_meshes.hall_shell_glb,
        params_schema(width=number(4, 100), depth=number(4, 100), height=number(4, 30),
                      entrance_width=number(2, 30), tile=number(1, 10), sign_color=COLOR),
        12000, check_hall_shell,
    ),
    AssetEntry(
        "booth", "Exhibition booth", hall_meshes.booth_glb,
        params_schema(width=number(3, 30), depth=number(2.5, 30), brand_color=COLOR), 1000,
    ),
    AssetEntry(
        "meeting-table", "Negotiation table", hall_meshes.meeting_table_glb,
        params_schema(length=number(1, 6), width=number(0.6, 3), color=COLOR), 500,
    ),
    AssetEntry(
        "avatar", "Visitor avatar", hall_meshes.avatar_glb,
        params_schema(body_color=COLOR, head_color=COLOR), 2000,
    ),
    AssetEntry(
        "portal-ring", "Portal ring", hall_meshes.portal_ring_glb,
        params_schema(radius=number(0.3, 5), color=COLOR), 2000,
    ),
    product("vr-headset", "VR headset", product_meshes.vr_headset_glb),
    product("optical-lens", "Optical lens", product_meshes.optical_lens_glb),
    product("chip", "Chip", product_meshes.chip_glb),
    product("phone", "Phone / smart terminal", product_meshes.phone_glb),
    product("drone", "Drone", product_meshes.drone_glb),
    product("robot-arm", "Industrial robot arm", product_meshes.robot_arm_glb),
])
