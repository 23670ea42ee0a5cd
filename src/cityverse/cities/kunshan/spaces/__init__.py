"""The Kunshan pack's spaces: the cloud living room (昆山元宇宙云上客厅), the negotiation room,
and the city tour, which is declared here but built elsewhere.

index.json lists every space key a portal may lead to; a space with a scene document names it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from cityverse.modules.spaces.scene import (
    Scene,
    SceneError,
    SceneProblem,
    check_portal_links,
    load_scene,
)

PACK = "cityverse.cities.kunshan"


class SpaceIndexEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    kind: Literal["hall", "booth-room", "negotiation-room", "tour"]
    document: str | None
    name_zh: str | None = None
    name_en: str | None = None


class SpaceIndex(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    spaces: tuple[SpaceIndexEntry, ...]


def read_text(*parts: str) -> str:
    return resources.files(PACK).joinpath(*parts).read_text("utf-8")


def read_document(name: str) -> Any:
    return json.loads(read_text("spaces", name))


def read_index() -> SpaceIndex:
    try:
        return SpaceIndex.model_validate_json(read_text("spaces", "index.json"))
    except ValidationError as error:
        raise SceneError(
            SceneProblem("index.json", "index.invalid", str(e["msg"])) for e in error.errors()
        ) from None


def enterprise_keys() -> set[str]:
    return {item["key"] for item in json.loads(read_text("data", "enterprises.json"))}


def load_spaces() -> dict[str, Scene]:
    """Every Kunshan scene, validated, with booths checked against the demo enterprises and
    portals against the index. Raises SceneError listing all problems in the pack."""
    index = read_index()
    known = enterprise_keys()
    scenes: dict[str, Scene] = {}
    problems: list[SceneProblem] = []
    seen: set[str] = set()
    for entry in index.spaces:
        if entry.key in seen:
            problems.append(SceneProblem("index.json", "key.duplicate",
                                         f"space {entry.key!r} is listed twice"))
        seen.add(entry.key)
        if entry.document is None:
            continue
        try:
            scene = load_scene(read_document(entry.document), enterprise_keys=known)
        except SceneError as error:
            problems += [p._replace(path=f"{entry.key}:{p.path}") for p in error.problems]
            continue
        if (scene.key, scene.kind) != (entry.key, entry.kind):
            problems.append(SceneProblem(f"{entry.key}:$.key", "index.mismatch",
                                         f"{entry.document} holds {scene.kind} {scene.key!r}"))
        scenes[entry.key] = scene
    problems += check_portal_links(scenes, seen)
    if problems:
        raise SceneError(problems)
    return scenes
