"""Rules a JSON Schema cannot express, checked on a schema-valid scene.

Problem codes:
  key.duplicate                  two things in one scene share a key (slot keys: per booth)
  bounds.inverted                bounds.min is not below bounds.max on every axis
  booth.outside_bounds           a footprint corner lies outside the bounds
  booth.overlap                  two booth footprints overlap (touching edges is fine)
  booth.entrance_outside_bounds  the entrance point lies outside the bounds
  booth.entrance_blocked         the entrance point is inside a booth footprint
  booth.entrance_far             the entrance is more than MAX_ENTRANCE_DISTANCE from its booth
  booth.slot_outside_footprint   a product slot offset is outside its booth
  booth.unknown_enterprise       no such enterprise (checked when keys are given)
  spawn.outside_bounds, spawn.blocked      a spawn point outside the bounds or inside a booth
  portal.outside_bounds, portal.blocked    the same for portals
  portal.duplicate_target        two portals lead to the same space
  portal.self_target             a portal leads to its own space
  portal.unknown_target          no such space in the pack (pack-level check)
  panel.outside_bounds           an info panel outside the bounds
  asset.unknown                  the asset catalog has no such asset
  asset.bad_params               the asset's parameters don't fit its parameter schema
  transform.rotation_not_unit    a rotation quaternion is not of unit length
  guest_policy.conflict          anonymous guests in an invite-only space, or chat without entry
  environment.fog_range          fog.near is not below fog.far
  environment.light_direction    a light's direction is the zero vector
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Mapping
from typing import Any, Protocol

from cityverse.modules.spaces.scene.document import Footprint, Scene, Vec2, Vec3
from cityverse.modules.spaces.scene.errors import SceneProblem, json_path

MAX_ENTRANCE_DISTANCE = 3.0
QUATERNION_TOLERANCE = 1e-3


class AssetLookup(Protocol):
    def __contains__(self, key: object) -> bool: ...

    def param_errors(self, key: str, params: Mapping[str, Any]) -> list[str]: ...


def check_scene(
    scene: Scene, catalog: AssetLookup, enterprise_keys: Collection[str] | None = None
) -> list[SceneProblem]:
    problems = [*duplicate_keys(scene), *asset_problems(scene, catalog), *policy_problems(scene)]
    problems += portal_target_problems(scene)
    if enterprise_keys is not None:
        problems += [
            SceneProblem(json_path("booths", i, "enterprise_key"), "booth.unknown_enterprise",
                         f"no enterprise with key {booth.enterprise_key!r}")
            for i, booth in enumerate(scene.booths) if booth.enterprise_key not in enterprise_keys
        ]
    if any(low >= high for low, high in zip(scene.bounds.min, scene.bounds.max, strict=True)):
        problems.append(SceneProblem(json_path("bounds"), "bounds.inverted",
                                     "bounds.min must be below bounds.max on every axis"))
    else:
        problems += placement_problems(scene)
    problems += booth_problems(scene)
    return problems


def duplicate_keys(scene: Scene) -> Iterator[SceneProblem]:
    seen: dict[str, str] = {}
    keyed: list[tuple[str, str]] = [
        *((json_path("assets", i, "key"), a.key) for i, a in enumerate(scene.assets)),
        *((json_path("spawn_points", i, "key"), s.key) for i, s in enumerate(scene.spawn_points)),
        *((json_path("booths", i, "key"), b.key) for i, b in enumerate(scene.booths)),
        *((json_path("portals", i, "key"), p.key) for i, p in enumerate(scene.portals)),
        *((json_path("info_panels", i, "key"), p.key) for i, p in enumerate(scene.info_panels)),
        *((json_path("environment", "lights", i, "key"), light.key)
          for i, light in enumerate(scene.environment.lights)),
    ]
    for path, key in keyed:
        if key in seen:
            yield SceneProblem(path, "key.duplicate", f"key {key!r} is already used at {seen[key]}")
        else:
            seen[key] = path
    for b, booth in enumerate(scene.booths):
        slot_paths: dict[str, str] = {}
        for s, slot in enumerate(booth.product_slots):
            path = json_path("booths", b, "product_slots", s, "key")
            if slot.key in slot_paths:
                yield SceneProblem(path, "key.duplicate", f"slot key {slot.key!r} is already "
                                   f"used at {slot_paths[slot.key]}")
            slot_paths.setdefault(slot.key, path)


def asset_references(scene: Scene) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(path, asset key, params) for every model the scene shows, including the booth and
    portal models its booths and portals imply."""
    for i, placed in enumerate(scene.assets):
        yield json_path("assets", i), placed.asset, placed.params
    for b, booth in enumerate(scene.booths):
        width, depth = booth.footprint.size
        yield (json_path("booths", b, "footprint"), "booth",
               {"width": width, "depth": depth, "brand_color": booth.brand_color})
        for s, slot in enumerate(booth.product_slots):
            yield json_path("booths", b, "product_slots", s), slot.asset, slot.params
    for p, portal in enumerate(scene.portals):
        yield (json_path("portals", p), "portal-ring",
               {"radius": portal.radius, "color": portal.color})


def asset_problems(scene: Scene, catalog: AssetLookup) -> Iterator[SceneProblem]:
    for path, key, params in asset_references(scene):
        if key not in catalog:
            yield SceneProblem(path, "asset.unknown", f"the asset catalog has no {key!r}")
            continue
        for message in catalog.param_errors(key, params):
            yield SceneProblem(path, "asset.bad_params", f"{key}: {message}")
    for i, placed in enumerate(scene.assets):
        rotation = placed.transform.rotation
        if rotation is not None and abs(sum(c * c for c in rotation) - 1) > QUATERNION_TOLERANCE:
            yield SceneProblem(json_path("assets", i, "transform", "rotation"),
                               "transform.rotation_not_unit",
                               "the rotation quaternion must have length 1")


def policy_problems(scene: Scene) -> Iterator[SceneProblem]:
    policy = scene.guest_policy
    if policy.allow_anonymous and scene.access == "invite-only":
        yield SceneProblem(json_path("guest_policy", "allow_anonymous"), "guest_policy.conflict",
                           "an invite-only space cannot admit anonymous guests")
    if policy.anonymous_can_chat and not policy.allow_anonymous:
        yield SceneProblem(json_path("guest_policy", "anonymous_can_chat"),
                           "guest_policy.conflict",
                           "anonymous chat needs allow_anonymous")
    fog = scene.environment.fog
    if fog is not None and fog.near >= fog.far:
        yield SceneProblem(json_path("environment", "fog"), "environment.fog_range",
                           "fog.near must be below fog.far")
    for i, light in enumerate(scene.environment.lights):
        if light.direction is not None and not any(light.direction):
            yield SceneProblem(json_path("environment", "lights", i, "direction"),
                               "environment.light_direction", "a direction cannot be zero")


def portal_target_problems(scene: Scene) -> Iterator[SceneProblem]:
    targets: dict[str, str] = {}
    for i, portal in enumerate(scene.portals):
        path = json_path("portals", i, "target_space")
        if portal.target_space == scene.key:
            yield SceneProblem(path, "portal.self_target", "a portal cannot lead to its own space")
        elif portal.target_space in targets:
            yield SceneProblem(path, "portal.duplicate_target",
                               f"{targets[portal.target_space]} already leads to "
                               f"{portal.target_space!r}")
        targets.setdefault(portal.target_space, json_path("portals", i))


def placement_problems(scene: Scene) -> Iterator[SceneProblem]:
    """Things people stand at must be inside the bounds and not inside a booth."""
    bounds = scene.bounds

    def where(path: str, what: str, point: Vec3) -> Iterator[SceneProblem]:
        if not bounds.contains(point):
            yield SceneProblem(path, f"{what}.outside_bounds", f"{point} is outside the bounds")
        blocking = booth_at(scene, point[0], point[2])
        if blocking is not None:
            yield SceneProblem(path, f"{what}.blocked", f"{point} is inside booth {blocking!r}")

    for i, spawn in enumerate(scene.spawn_points):
        yield from where(json_path("spawn_points", i, "position"), "spawn", spawn.position)
    for i, portal in enumerate(scene.portals):
        yield from where(json_path("portals", i, "position"), "portal", portal.position)
    for i, panel in enumerate(scene.info_panels):
        if not bounds.contains(panel.position):
            yield SceneProblem(json_path("info_panels", i, "position"), "panel.outside_bounds",
                               f"{panel.position} is outside the bounds")
    for i, booth in enumerate(scene.booths):
        if not all(bounds.contains_floor_point(x, z) for x, z in booth.footprint.corners()):
            yield SceneProblem(json_path("booths", i, "footprint"), "booth.outside_bounds",
                               "a footprint corner lies outside the bounds")
        if not bounds.contains(booth.entrance):
            yield SceneProblem(json_path("booths", i, "entrance"), "booth.entrance_outside_bounds",
                               f"{booth.entrance} is outside the bounds")


def booth_problems(scene: Scene) -> Iterator[SceneProblem]:
    for i, booth in enumerate(scene.booths):
        footprint = booth.footprint
        for j, earlier in enumerate(scene.booths[:i]):
            if footprints_overlap(footprint, earlier.footprint):
                yield SceneProblem(json_path("booths", i, "footprint"), "booth.overlap",
                                   f"overlaps booth {earlier.key!r} at {json_path('booths', j)}")
        x, _, z = booth.entrance
        blocking = booth_at(scene, x, z)
        if blocking is not None:
            yield SceneProblem(json_path("booths", i, "entrance"), "booth.entrance_blocked",
                               f"the entrance is inside booth {blocking!r}")
        elif footprint.distance(x, z) > MAX_ENTRANCE_DISTANCE:
            yield SceneProblem(json_path("booths", i, "entrance"), "booth.entrance_far",
                               f"the entrance is over {MAX_ENTRANCE_DISTANCE} m from the booth")
        half_w, half_d = footprint.size[0] / 2, footprint.size[1] / 2
        for s, slot in enumerate(booth.product_slots):
            if abs(slot.offset[0]) > half_w or abs(slot.offset[2]) > half_d:
                yield SceneProblem(json_path("booths", i, "product_slots", s, "offset"),
                                   "booth.slot_outside_footprint",
                                   "the slot offset lies outside the booth footprint")


def booth_at(scene: Scene, x: float, z: float) -> str | None:
    return next((b.key for b in scene.booths if b.footprint.contains(x, z)), None)


def footprints_overlap(a: Footprint, b: Footprint, margin: float = 1e-6) -> bool:
    """Separating-axis test for two rectangles; sharing an edge is not overlapping."""
    corners_a, corners_b = a.corners(), b.corners()
    for corners in (corners_a, corners_b):
        for k in range(2):
            axis = edge_normal(corners[k], corners[k + 1])
            low_a, high_a = project(corners_a, axis)
            low_b, high_b = project(corners_b, axis)
            if high_a <= low_b + margin or high_b <= low_a + margin:
                return False
    return True


def edge_normal(start: Vec2, end: Vec2) -> Vec2:
    dx, dz = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dz)
    return (dz / length, -dx / length)


def project(corners: list[Vec2], axis: Vec2) -> tuple[float, float]:
    values = [x * axis[0] + z * axis[1] for x, z in corners]
    return min(values), max(values)


def check_portal_links(
    scenes: Mapping[str, Scene], known_spaces: Collection[str]
) -> list[SceneProblem]:
    """Pack-level check: every portal leads to a space the pack declares."""
    return [
        SceneProblem(f"{key}:{json_path('portals', i, 'target_space')}", "portal.unknown_target",
                     f"no space {portal.target_space!r} in this pack")
        for key, scene in scenes.items()
        for i, portal in enumerate(scene.portals)
        if portal.target_space not in known_spaces
    ]
