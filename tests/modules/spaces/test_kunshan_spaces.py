"""The Kunshan pack's scenes load, validate and describe the hall the plan asks for."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cityverse.cities.kunshan import spaces as kunshan_spaces
from cityverse.modules.spaces.scene import CATALOG, SceneError, load_scene, scene_schema
from cityverse.modules.spaces.scene.document import Capacity, Environment, GuestPolicy
from cityverse.modules.spaces.scene.hall_meshes import booth_pedestal_offsets


@pytest.fixture(scope="module")
def enterprises() -> dict[str, dict[str, Any]]:
    items = json.loads(kunshan_spaces.read_text("data", "enterprises.json"))
    return {item["key"]: item for item in items}


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(scene_schema())


def test_model_defaults_match_the_schema_defaults() -> None:
    definitions = scene_schema()["properties"]
    capacity = definitions["capacity"]["properties"]["max_per_instance"]["default"]
    assert Capacity().max_per_instance == capacity == 50
    guests = definitions["guest_policy"]["properties"]
    assert GuestPolicy().allow_anonymous is guests["allow_anonymous"]["default"]
    assert GuestPolicy().anonymous_can_chat is guests["anonymous_can_chat"]["default"]
    environment = scene_schema()["$defs"]["environment"]["properties"]
    assert Environment().ambient_intensity == environment["ambient_intensity"]["default"]
    assert Environment().background_color == environment["background_color"]["default"]


def test_every_pack_scene_loads_and_portals_resolve() -> None:
    scenes = kunshan_spaces.load_spaces()
    assert set(scenes) == {"cloud-living-room", "negotiation-room"}
    declared = {entry.key for entry in kunshan_spaces.read_index().spaces}
    assert {"cloud-living-room", "negotiation-room", "city-tour"} == declared


def test_the_hall_is_the_cloud_living_room_with_booths_across_the_chain(
    enterprises: dict[str, dict[str, Any]],
) -> None:
    hall = kunshan_spaces.load_spaces()["cloud-living-room"]
    assert hall.name_zh == "昆山元宇宙云上客厅"
    assert hall.kind == "hall"
    assert len(hall.booths) >= 12
    segments = Counter(enterprises[b.enterprise_key]["segment"] for b in hall.booths)
    assert set(segments) == {"hardware", "software", "content", "application"}
    assert len({b.enterprise_key for b in hall.booths}) == len(hall.booths)
    assert hall.guest_policy.allow_anonymous
    assert hall.capacity.max_per_instance >= 50
    assert {p.target_space for p in hall.portals} == {"negotiation-room", "city-tour"}
    assert any("1000亿元" in panel.body_zh for panel in hall.info_panels)


def test_booth_panels_describe_their_enterprise(enterprises: dict[str, dict[str, Any]]) -> None:
    hall = kunshan_spaces.load_spaces()["cloud-living-room"]
    for booth in hall.booths:
        assert booth.panel.text_zh == enterprises[booth.enterprise_key]["description"]
        assert booth.panel.text_en == enterprises[booth.enterprise_key]["description_en"]


def test_product_slots_sit_on_the_booth_model_pedestals() -> None:
    hall = kunshan_spaces.load_spaces()["cloud-living-room"]
    for booth in hall.booths:
        pedestals = booth_pedestal_offsets(*booth.footprint.size)
        assert [slot.offset for slot in booth.product_slots] == pedestals
        assert all(slot.asset in CATALOG for slot in booth.product_slots)


def test_spawn_points_are_at_the_entrance_and_face_into_the_hall() -> None:
    hall = kunshan_spaces.load_spaces()["cloud-living-room"]
    nearest_booth_front = max(b.footprint.center[1] + b.footprint.size[1] / 2
                              for b in hall.booths)
    for spawn in hall.spawn_points:
        assert spawn.position[2] > nearest_booth_front + 5
        assert spawn.heading_deg == 180


def test_the_negotiation_room_is_private() -> None:
    room = kunshan_spaces.load_spaces()["negotiation-room"]
    assert room.access == "invite-only"
    assert not room.guest_policy.allow_anonymous
    assert room.capacity.max_per_instance <= 10
    assert [p.target_space for p in room.portals] == ["cloud-living-room"]


def test_a_booth_of_an_unknown_enterprise_is_refused_by_the_pack_check() -> None:
    document = kunshan_spaces.read_document("cloud-living-room.json")
    document["booths"][0]["enterprise_key"] = "demo-ent-99"
    with pytest.raises(SceneError) as caught:
        load_scene(document, enterprise_keys=kunshan_spaces.enterprise_keys())
    assert caught.value.problems[0][:2] == ("$.booths[0].enterprise_key",
                                            "booth.unknown_enterprise")


def test_a_portal_to_an_undeclared_space_fails_the_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    original = kunshan_spaces.read_document

    def with_bad_portal(name: str) -> Any:
        document = original(name)
        if name == "negotiation-room.json":
            document["portals"][0]["target_space"] = "nowhere"
        return document

    monkeypatch.setattr(kunshan_spaces, "read_document", with_bad_portal)
    with pytest.raises(SceneError) as caught:
        kunshan_spaces.load_spaces()
    assert [(p.path, p.code) for p in caught.value.problems] == [
        ("negotiation-room:$.portals[0].target_space", "portal.unknown_target")
    ]
