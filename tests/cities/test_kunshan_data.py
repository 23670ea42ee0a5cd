"""Checks on the Kunshan city pack data: places.json and enterprises.json."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from typing import Any

import pytest

from cityverse.core.auth.id_numbers import IdNumberError, parse_uscc

DATA = resources.files("cityverse.cities.kunshan") / "data"

REQUIRED_TOWNS = {
    "玉山镇",
    "巴城镇",
    "周市镇",
    "陆家镇",
    "花桥镇",
    "淀山湖镇",
    "张浦镇",
    "周庄镇",
    "千灯镇",
    "锦溪镇",
}
REQUIRED_DISTRICTS = {"昆山开发区", "昆山高新区", "花桥经济开发区"}
REQUIRED_LANDMARKS = {
    "周庄古镇",
    "千灯古镇",
    "锦溪古镇",
    "亭林公园",
    "阳澄湖",
    "淀山湖",
    "花桥国际商务城",
    "昆山南站",
    "昆山站",
    "昆山市民文化广场",
    "昆山杜克大学",
}
PLACE_FIELDS = {
    "key",
    "kind",
    "name_zh",
    "name_en",
    "lon",
    "lat",
    "description_zh",
    "description_en",
}
ENTERPRISE_FIELDS = {
    "key",
    "name",
    "name_en",
    "uscc",
    "segment",
    "sub_segment",
    "town_key",
    "description",
    "description_en",
    "founded_year",
    "employees",
}
SUB_SEGMENTS = {
    "hardware": {"near-eye-display", "optics", "sensors", "chips", "terminals"},
    "software": {"engines", "os-middleware", "tools", "industrial-software"},
    "content": {"3d-content", "digital-human", "games", "film-animation"},
    "application": {"industry", "culture-tourism", "smart-city", "education-health", "commerce"},
}
# Kunshan's bounding box (WGS84).
LON_MIN, LON_MAX = 120.75, 121.15
LAT_MIN, LAT_MAX = 31.05, 31.50


def _load(name: str) -> list[dict[str, Any]]:
    text = (DATA / name).read_text(encoding="utf-8")
    data = json.loads(text)
    assert isinstance(data, list)
    assert all(isinstance(item, dict) for item in data)
    return data


@pytest.fixture(scope="module")
def places() -> list[dict[str, Any]]:
    return _load("places.json")


@pytest.fixture(scope="module")
def enterprises() -> list[dict[str, Any]]:
    return _load("enterprises.json")


# ------------------------------------------------------------------------------------ places


def test_places_count_and_fields(places: list[dict[str, Any]]) -> None:
    assert len(places) >= 25
    for place in places:
        assert set(place) == PLACE_FIELDS, place["key"]
        assert place["kind"] in {"town", "landmark", "district"}
        for field in ("key", "name_zh", "name_en", "description_zh", "description_en"):
            assert isinstance(place[field], str)
            assert place[field].strip() == place[field]
            assert place[field]


def test_place_keys_unique_and_slug_like(places: list[dict[str, Any]]) -> None:
    keys = [p["key"] for p in places]
    assert len(keys) == len(set(keys))
    for key in keys:
        assert key == key.lower()
        assert all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in key), key
    names = [p["name_zh"] for p in places]
    assert len(names) == len(set(names))


def test_required_towns_districts_and_landmarks(places: list[dict[str, Any]]) -> None:
    by_kind: dict[str, set[str]] = {}
    for place in places:
        by_kind.setdefault(place["kind"], set()).add(place["name_zh"])
    assert by_kind["town"] == REQUIRED_TOWNS
    assert by_kind["district"] >= REQUIRED_DISTRICTS
    assert by_kind["landmark"] >= REQUIRED_LANDMARKS


def test_coordinates_inside_kunshan(places: list[dict[str, Any]]) -> None:
    for place in places:
        lon, lat = place["lon"], place["lat"]
        assert isinstance(lon, float | int) and not isinstance(lon, bool)
        assert isinstance(lat, float | int) and not isinstance(lat, bool)
        assert LON_MIN <= lon <= LON_MAX, place["key"]
        assert LAT_MIN <= lat <= LAT_MAX, place["key"]


def test_descriptions_are_chinese_and_english(places: list[dict[str, Any]]) -> None:
    for place in places:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in place["description_zh"]), place["key"]
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in place["description_en"])
        assert place["description_zh"].endswith("。"), place["key"]
        assert place["description_en"].endswith("."), place["key"]


# ------------------------------------------------------------------------------- enterprises


def test_enterprises_count_and_fields(enterprises: list[dict[str, Any]]) -> None:
    assert len(enterprises) == 40
    for ent in enterprises:
        assert set(ent) == ENTERPRISE_FIELDS, ent["key"]
        assert isinstance(ent["founded_year"], int)
        assert 1990 <= ent["founded_year"] <= 2026
        assert isinstance(ent["employees"], int)
        assert ent["employees"] > 0
        assert ent["description"].strip()
        assert ent["description_en"].strip()


def test_enterprise_keys_and_names(enterprises: list[dict[str, Any]]) -> None:
    keys = [e["key"] for e in enterprises]
    assert keys == [f"demo-ent-{i:02d}" for i in range(1, 41)]
    names = [e["name"] for e in enterprises]
    assert len(set(names)) == 40
    for ent in enterprises:
        assert ent["name"].startswith("示例·")
        assert ent["name_en"].startswith("Demo · ")


def test_enterprise_usccs_valid_and_unique(enterprises: list[dict[str, Any]]) -> None:
    codes = [e["uscc"] for e in enterprises]
    assert len(set(codes)) == 40
    for code in codes:
        try:
            assert parse_uscc(code) == code
        except IdNumberError as exc:  # pragma: no cover - shows which code failed
            pytest.fail(f"{code}: {exc.code} {exc.message_en}")
        assert code.startswith("91320583")


def test_enterprise_segments(enterprises: list[dict[str, Any]]) -> None:
    for ent in enterprises:
        assert ent["segment"] in SUB_SEGMENTS, ent["key"]
        assert ent["sub_segment"] in SUB_SEGMENTS[ent["segment"]], ent["key"]
    counts = Counter(e["segment"] for e in enterprises)
    assert set(counts) == set(SUB_SEGMENTS)
    assert counts == {"hardware": 12, "software": 10, "content": 8, "application": 10}
    used = {(e["segment"], e["sub_segment"]) for e in enterprises}
    for segment, subs in SUB_SEGMENTS.items():
        assert used >= {(segment, sub) for sub in subs}


def test_enterprise_towns_refer_to_town_places(
    places: list[dict[str, Any]], enterprises: list[dict[str, Any]]
) -> None:
    towns = {p["key"] for p in places if p["kind"] == "town"}
    for ent in enterprises:
        assert ent["town_key"] in towns, ent["key"]
