"""Every broken scene is refused with a SceneError naming the path and the problem code."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cityverse.modules.spaces.scene import SceneError, load_scene

Document = dict[str, Any]


def booth(key: str, x: float) -> Document:
    return {
        "key": key,
        "enterprise_key": f"ent-{key}",
        "footprint": {"center": [x, 0], "size": [6, 4]},
        "entrance": [x, 0, 3],
        "panel": {"text_zh": "示例展位", "text_en": "A demo booth"},
        "product_slots": [{"key": "slot-left", "asset": "product/chip", "offset": [-1.5, 1, -0.5],
                           "label_zh": "芯片", "label_en": "Chip"}],
    }


def valid_scene() -> Document:
    return {
        "schema_version": 1, "key": "test-hall", "name_zh": "测试展厅", "name_en": "Test hall",
        "kind": "hall",
        "bounds": {"min": [-10, 0, -10], "max": [10, 5, 10]},
        "assets": [{"key": "shell", "asset": "hall-shell", "transform": {"position": [0, 0, 0]},
                    "params": {"width": 20, "depth": 20, "height": 5}}],
        "spawn_points": [{"key": "spawn", "position": [0, 0, 8], "heading_deg": 180}],
        "booths": [booth("booth-a", -4), booth("booth-b", 4)],
        "portals": [{"key": "portal-a", "target_space": "other", "position": [-8, 0, 8],
                     "label_zh": "甲", "label_en": "A"}],
        "info_panels": [{"key": "panel", "position": [8, 0, 8], "title_zh": "标题",
                         "title_en": "Title", "body_zh": "正文", "body_en": "Body"}],
        "environment": {"fog": {"color": "#ffffff", "near": 5, "far": 50}},
    }


def test_the_valid_scene_loads() -> None:
    scene = load_scene(valid_scene())
    assert [b.key for b in scene.booths] == ["booth-a", "booth-b"]
    assert scene.capacity.max_per_instance == 50
    assert scene.booths[0].brand_color == "#1e6fd9"


def test_json_text_and_bytes_load_too() -> None:
    text = json.dumps(valid_scene())
    assert load_scene(text) == load_scene(text.encode()) == load_scene(valid_scene())


def set_in(document: Document, path: str, value: Any) -> None:
    """set_in(doc, "booths.1.footprint.center", [0, 0])"""
    *parents, last = path.split(".")
    target: Any = document
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def change(*edits: tuple[str, Any]) -> Callable[[Document], None]:
    def apply(document: Document) -> None:
        for path, value in edits:
            set_in(document, path, value)
    return apply


def append(path: str, item: Callable[[Document], Any]) -> Callable[[Document], None]:
    def apply(document: Document) -> None:
        target: Any = document
        for part in path.split("."):
            target = target[int(part)] if isinstance(target, list) else target[part]
        target.append(item(document))
    return apply


BROKEN: list[tuple[str, Callable[[Document], None], str, str]] = [
    ("duplicate booth key", change(("booths.1.key", "booth-a")),
     "$.booths[1].key", "key.duplicate"),
    ("key shared across kinds", change(("portals.0.key", "spawn")),
     "$.portals[0].key", "key.duplicate"),
    ("duplicate slot key",
     append("booths.0.product_slots", lambda d: {**d["booths"][0]["product_slots"][0],
                                                 "offset": [1.5, 1, -0.5]}),
     "$.booths[0].product_slots[1].key", "key.duplicate"),
    ("booths overlap", change(("booths.1.footprint.center", [0, 0])),
     "$.booths[1].footprint", "booth.overlap"),
    ("turned booths overlap",
     change(("booths.1.footprint.center", [2.5, 0]), ("booths.1.footprint.heading_deg", 45)),
     "$.booths[1].footprint", "booth.overlap"),
    ("booth outside bounds", change(("booths.0.footprint.center", [-8, 0])),
     "$.booths[0].footprint", "booth.outside_bounds"),
    ("turned booth pokes out", change(("booths.0.footprint.center", [-6.5, 0]),
                                      ("booths.0.footprint.heading_deg", 30)),
     "$.booths[0].footprint", "booth.outside_bounds"),
    ("entrance outside bounds", change(("booths.0.entrance", [-4, 0, 11])),
     "$.booths[0].entrance", "booth.entrance_outside_bounds"),
    ("entrance inside a booth", change(("booths.0.entrance", [4, 0, 0])),
     "$.booths[0].entrance", "booth.entrance_blocked"),
    ("entrance far away", change(("booths.0.entrance", [-4, 0, 6])),
     "$.booths[0].entrance", "booth.entrance_far"),
    ("slot outside its booth", change(("booths.0.product_slots.0.offset", [5, 1, 0])),
     "$.booths[0].product_slots[0].offset", "booth.slot_outside_footprint"),
    ("spawn outside bounds", change(("spawn_points.0.position", [0, 0, 12])),
     "$.spawn_points[0].position", "spawn.outside_bounds"),
    ("spawn in the air", change(("spawn_points.0.position", [0, 9, 8])),
     "$.spawn_points[0].position", "spawn.outside_bounds"),
    ("spawn inside a booth", change(("spawn_points.0.position", [4, 0, 0])),
     "$.spawn_points[0].position", "spawn.blocked"),
    ("portal outside bounds", change(("portals.0.position", [0, 0, -12])),
     "$.portals[0].position", "portal.outside_bounds"),
    ("portal inside a booth", change(("portals.0.position", [-4, 0, 0])),
     "$.portals[0].position", "portal.blocked"),
    ("two portals to one space",
     append("portals", lambda d: {**d["portals"][0], "key": "portal-b", "position": [0, 0, 8]}),
     "$.portals[1].target_space", "portal.duplicate_target"),
    ("portal to itself", change(("portals.0.target_space", "test-hall")),
     "$.portals[0].target_space", "portal.self_target"),
    ("panel outside bounds", change(("info_panels.0.position", [0, 0, 20])),
     "$.info_panels[0].position", "panel.outside_bounds"),
    ("unknown placed asset", change(("assets.0.asset", "castle")),
     "$.assets[0]", "asset.unknown"),
    ("unknown product", change(("booths.0.product_slots.0.asset", "product/teleporter")),
     "$.booths[0].product_slots[0]", "asset.unknown"),
    ("asset parameter out of range", change(("assets.0.params", {"width": 1000})),
     "$.assets[0]", "asset.bad_params"),
    ("asset parameters that contradict", change(("assets.0.params", {"width": 6,
                                                                     "entrance_width": 5})),
     "$.assets[0]", "asset.bad_params"),
    ("booth too narrow for its model", change(("booths.0.footprint.size", [2.2, 4])),
     "$.booths[0].footprint", "asset.bad_params"),
    ("rotation not a unit quaternion",
     change(("assets.0.transform", {"position": [0, 0, 0], "rotation": [0, 0, 0.5, 0.5]})),
     "$.assets[0].transform.rotation", "transform.rotation_not_unit"),
    ("anonymous guests in an invite-only space",
     change(("access", "invite-only"), ("guest_policy", {"allow_anonymous": True})),
     "$.guest_policy.allow_anonymous", "guest_policy.conflict"),
    ("anonymous chat without anonymous entry",
     change(("guest_policy", {"anonymous_can_chat": True})),
     "$.guest_policy.anonymous_can_chat", "guest_policy.conflict"),
    ("fog ends before it starts", change(("environment.fog.far", 2)),
     "$.environment.fog", "environment.fog_range"),
    ("light pointing nowhere",
     change(("environment.lights", [{"key": "sun", "type": "directional",
                                     "direction": [0, 0, 0]}])),
     "$.environment.lights[0].direction", "environment.light_direction"),
    ("inverted bounds", change(("bounds.min", [10, 0, -10])), "$.bounds", "bounds.inverted"),
    # Schema violations keep the schema keyword in their code.
    ("missing name", lambda d: d.pop("name_en"), "$", "schema.required"),
    ("unknown kind", change(("kind", "stadium")), "$.kind", "schema.enum"),
    ("unknown field", change(("colour", "red")), "$", "schema.additionalProperties"),
    ("bad brand colour", change(("booths.0.brand_color", "blue")),
     "$.booths[0].brand_color", "schema.pattern"),
    ("no spawn point", change(("spawn_points", [])), "$.spawn_points", "schema.minItems"),
    ("rotation and heading both",
     change(("assets.0.transform", {"position": [0, 0, 0], "heading_deg": 90,
                                    "rotation": [0, 0, 0, 1]})),
     "$.assets[0].transform", "schema.not"),
    ("position of two numbers", change(("spawn_points.0.position", [0, 0])),
     "$.spawn_points[0].position", "schema.minItems"),
    ("light without its direction",
     change(("environment.lights", [{"key": "sun", "type": "directional"}])),
     "$.environment.lights[0]", "schema.required"),
    ("not finite", change(("bounds.max", [10, float("inf"), 10])),
     "$.bounds.max[1]", "value.not_finite"),
]


@pytest.mark.parametrize(("breakage", "expected_path", "expected_code"),
                         [(b, p, c) for _, b, p, c in BROKEN],
                         ids=[name for name, *_ in BROKEN])
def test_broken_scene_reports_its_problem(
    breakage: Callable[[Document], None], expected_path: str, expected_code: str
) -> None:
    document = valid_scene()
    breakage(document)
    with pytest.raises(SceneError) as caught:
        load_scene(document)
    assert (expected_path, expected_code) in [(p.path, p.code) for p in caught.value.problems]
    assert all(problem.message for problem in caught.value.problems)


def test_touching_booths_do_not_overlap() -> None:
    document = valid_scene()
    set_in(document, "booths.1.footprint.center", [2, 0])  # shares the edge x = -1 with booth-a
    set_in(document, "booths.1.entrance", [2, 0, 3])
    load_scene(document)


def test_unknown_enterprise_is_checked_only_when_keys_are_given() -> None:
    load_scene(valid_scene())
    with pytest.raises(SceneError) as caught:
        load_scene(valid_scene(), enterprise_keys={"ent-booth-a"})
    assert [(p.path, p.code) for p in caught.value.problems] == [
        ("$.booths[1].enterprise_key", "booth.unknown_enterprise")
    ]


@pytest.mark.parametrize("text", ["{", "[1, 2", '{"a": NaN}', "", "\x00"])
def test_text_that_is_not_json_is_a_scene_error(text: str) -> None:
    with pytest.raises(SceneError) as caught:
        load_scene(text)
    assert caught.value.codes == ["json.invalid"]


@pytest.mark.parametrize("value", [[], 3, None, '"hall"', "[]"])
def test_a_document_that_is_not_an_object_is_a_scene_error(value: Any) -> None:
    with pytest.raises(SceneError) as caught:
        load_scene(value)
    assert caught.value.problems[0][:2] == ("$", "schema.type")


def test_every_problem_is_reported_at_once() -> None:
    document = valid_scene()
    set_in(document, "booths.1.key", "booth-a")
    set_in(document, "portals.0.target_space", "test-hall")
    set_in(document, "spawn_points.0.position", [0, 0, 12])
    with pytest.raises(SceneError) as caught:
        load_scene(document)
    assert sorted(caught.value.codes) == ["key.duplicate", "portal.self_target",
                                          "spawn.outside_bounds"]
    assert "key.duplicate" in str(caught.value)


def leaf_paths(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaf_paths(item, f"{path}.{index}" if path else str(index))
    else:
        yield path


@pytest.mark.parametrize("junk", [None, "", "x" * 5000, -1e300, 0, [], {}, True, [[[]]]])
def test_junk_in_any_field_is_a_scene_error_never_a_crash(junk: Any) -> None:
    for path in leaf_paths(valid_scene()):
        document = copy.deepcopy(valid_scene())
        set_in(document, path, junk)
        try:
            load_scene(document)
        except SceneError as error:
            assert error.problems
