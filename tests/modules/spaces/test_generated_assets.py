"""Generated .glb assets: valid glTF 2.0 by the Khronos validator, sound normals and
materials, triangle budgets, and the same bytes for the same inputs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cityverse.modules.spaces.scene import CATALOG
from cityverse.modules.spaces.scene.catalog import AssetParamsError
from cityverse.modules.spaces.scene.meshkit import hex_to_linear, summarize_glb

REPO = Path(__file__).resolve().parents[3]
VALIDATOR = REPO / "web" / "node_modules" / "gltf-validator"
RUNNER = Path(__file__).with_name("validate_gltf.cjs")

VARIANTS: list[tuple[str, dict[str, Any]]] = [
    *((key, {}) for key in CATALOG),
    ("hall-shell", {"width": 10, "depth": 8, "height": 4, "entrance_width": 2, "tile": 1}),
    ("hall-shell", {"width": 100, "depth": 100, "height": 30, "entrance_width": 30}),
    ("booth", {"width": 3, "depth": 2.5, "brand_color": "#000000"}),
    ("booth", {"width": 30, "depth": 30, "brand_color": "#FFFFFF"}),
    ("portal-ring", {"radius": 0.3}),
    ("portal-ring", {"radius": 5, "color": "#ff00ff"}),
    ("avatar", {"body_color": "#10b981", "head_color": "#8d5524"}),
    ("product/chip", {"color": "#c8102e"}),
]


def variant_id(key: str, params: dict[str, Any]) -> str:
    return key + "".join(f"-{name}={value}" for name, value in sorted(params.items()))


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return {variant_id(key, params): CATALOG.build(key, params) for key, params in VARIANTS}


def gltf_json(data: bytes) -> dict[str, Any]:
    (length,) = struct.unpack_from("<I", data, 12)
    tree: dict[str, Any] = json.loads(data[20 : 20 + length])
    return tree


def read_accessor(data: bytes, tree: dict[str, Any], index: int) -> np.ndarray[Any, Any]:
    (json_length,) = struct.unpack_from("<I", data, 12)
    binary = data[20 + json_length + 8 :]
    accessor = tree["accessors"][index]
    view = tree["bufferViews"][accessor["bufferView"]]
    dtype = {5126: np.float32, 5125: np.uint32, 5123: np.uint16}[accessor["componentType"]]
    width = {"SCALAR": 1, "VEC3": 3}[accessor["type"]]
    start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
    values = np.frombuffer(binary, dtype, accessor["count"] * width, start)
    return values.reshape(-1, width) if width > 1 else values


@pytest.fixture(scope="module")
def validator_reports(built: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory
                      ) -> dict[str, dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (VALIDATOR / "package.json").exists():
        reason = "the Khronos glTF validator needs node and `npm install` in web/"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("glb")

    def validate(item: tuple[str, bytes]) -> tuple[str, dict[str, Any]]:
        name, data = item
        path = folder / f"{hashlib.sha256(name.encode()).hexdigest()[:16]}.glb"
        path.write_bytes(data)
        done = subprocess.run([node, str(RUNNER), str(VALIDATOR), str(path)],
                              capture_output=True, text=True, timeout=120, check=True)
        report: dict[str, Any] = json.loads(done.stdout)
        return name, report

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(validate, built.items()))


@pytest.mark.parametrize("name", [variant_id(key, params) for key, params in VARIANTS])
def test_khronos_validator_finds_no_errors_or_warnings(
    name: str, validator_reports: dict[str, dict[str, Any]], built: dict[str, bytes]
) -> None:
    report = validator_reports[name]
    assert report["mimeType"] == "model/gltf-binary"
    issues = report["issues"]
    assert issues["numErrors"] == 0, issues["messages"]
    assert issues["numWarnings"] == 0, issues["messages"]
    # Our own triangle count (used for budgets) agrees with the validator's.
    assert report["info"]["totalTriangleCount"] == summarize_glb(built[name]).triangles


@pytest.mark.parametrize(("key", "params"), VARIANTS, ids=[variant_id(*v) for v in VARIANTS])
def test_triangle_budget(key: str, params: dict[str, Any], built: dict[str, bytes]) -> None:
    triangles = summarize_glb(built[variant_id(key, params)]).triangles
    assert 0 < triangles <= CATALOG.entry(key).max_triangles


def test_the_avatar_is_light_enough_to_instance(built: dict[str, bytes]) -> None:
    assert summarize_glb(built["avatar"]).triangles <= 2000


@pytest.mark.parametrize("name", [variant_id(key, params) for key, params in VARIANTS])
def test_normals_are_unit_and_agree_with_the_winding(name: str, built: dict[str, bytes]) -> None:
    data = built[name]
    tree = gltf_json(data)
    for mesh in tree["meshes"]:
        for primitive in mesh["primitives"]:
            positions = read_accessor(data, tree, primitive["attributes"]["POSITION"])
            normals = read_accessor(data, tree, primitive["attributes"]["NORMAL"])
            triangles = read_accessor(data, tree, primitive["indices"]).reshape(-1, 3)
            assert np.allclose(np.linalg.norm(normals, axis=1), 1.0, atol=1e-4)
            corners = positions[triangles]
            face = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
            for k in range(3):
                agreement = np.einsum("ij,ij->i", face, normals[triangles[:, k]])
                assert (agreement > 0).all(), f"{mesh['name']}: a normal faces away"


@pytest.mark.parametrize("name", [variant_id(key, params) for key, params in VARIANTS])
def test_nodes_are_named_and_materials_are_pbr(name: str, built: dict[str, bytes]) -> None:
    tree = gltf_json(built[name])
    assert tree["nodes"] and all(node["name"] for node in tree["nodes"])
    assert len({node["name"] for node in tree["nodes"]}) == len(tree["nodes"])
    assert tree["asset"]["version"] == "2.0"
    for material in tree["materials"]:
        pbr = material["pbrMetallicRoughness"]
        assert len(pbr["baseColorFactor"]) == 4
        assert 0 <= pbr["metallicFactor"] <= 1 and 0 <= pbr["roughnessFactor"] <= 1


def test_each_node_keeps_its_own_material() -> None:
    tree = gltf_json(CATALOG.build("booth"))
    used = {
        node["name"]: tree["materials"][
            tree["meshes"][node["mesh"]]["primitives"][0]["material"]]["name"]
        for node in tree["nodes"]
    }
    assert used == {
        "booth-platform": "booth-floor", "booth-walls": "booth-white",
        "booth-header-board": "brand", "booth-counter": "booth-white",
        "booth-counter-top": "brand", "booth-pedestals": "pedestal",
    }


def test_brand_colour_is_written_exactly_in_linear_space() -> None:
    tree = gltf_json(CATALOG.build("booth", {"brand_color": "#1e6fd9"}))
    brand = next(m for m in tree["materials"] if m["name"] == "brand")
    expected = [round(c, 6) for c in (*hex_to_linear("#1e6fd9"), 1.0)]
    assert brand["pbrMetallicRoughness"]["baseColorFactor"] == expected


def test_same_inputs_give_the_same_bytes(built: dict[str, bytes]) -> None:
    for key, params in VARIANTS:
        assert CATALOG.build(key, params) == built[variant_id(key, params)], key


def test_output_does_not_depend_on_the_process(built: dict[str, bytes]) -> None:
    script = (
        "import hashlib, json\n"
        "from cityverse.modules.spaces.scene import CATALOG\n"
        "print(json.dumps({k: hashlib.sha256(CATALOG.build(k)).hexdigest() "
        "for k in CATALOG}))\n"
    )
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              check=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": seed})
        digests = json.loads(done.stdout)
        assert digests == {k: hashlib.sha256(built[k]).hexdigest() for k in CATALOG}


def test_bad_parameters_are_refused_before_building() -> None:
    with pytest.raises(AssetParamsError) as caught:
        CATALOG.build("booth", {"width": 1, "brand_color": "red"})
    assert len(caught.value.messages) == 2
    with pytest.raises(AssetParamsError, match="entrance_width"):
        CATALOG.build("hall-shell", {"width": 8, "entrance_width": 7})
    with pytest.raises(AssetParamsError, match="floor tiles"):
        CATALOG.build("hall-shell", {"width": 100, "depth": 100, "tile": 1})
    with pytest.raises(KeyError):
        CATALOG.build("castle")
