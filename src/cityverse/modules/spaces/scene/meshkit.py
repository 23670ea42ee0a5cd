"""A small kit over trimesh for the generated 3D assets: placed primitives, PBR materials,
crease-angle normals and binary glTF export.

Every model is a list of named parts; each part has one material and becomes one glTF node.
Output is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import trimesh
from trimesh.exchange import gltf

# trimesh's type hints are partial; its untyped entry points are reached through Any.
_transformations: Any = trimesh.transformations
_visual: Any = trimesh.visual
_gltf: Any = gltf

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Vec3 = tuple[float, float, float]

# Edges sharper than this keep hard normals (box corners, cylinder rims); softer ones are smoothed.
CREASE_DEGREES = 40.0
# glTF bufferView.target values: vertex attributes and triangle indices.
ARRAY_BUFFER = 34962
ELEMENT_ARRAY_BUFFER = 34963


@dataclass(frozen=True)
class Material:
    """A glTF metallic-roughness material; colours are linear RGB(A) as glTF expects."""

    name: str
    base_color: tuple[float, float, float, float]
    metallic: float = 0.0
    roughness: float = 0.8
    emissive: Vec3 = (0.0, 0.0, 0.0)
    double_sided: bool = False

    def as_gltf(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "pbrMetallicRoughness": {
                "baseColorFactor": [round(c, 6) for c in self.base_color],
                "metallicFactor": round(self.metallic, 6),
                "roughnessFactor": round(self.roughness, 6),
            },
        }
        if any(self.emissive):
            body["emissiveFactor"] = [round(c, 6) for c in self.emissive]
        if self.base_color[3] < 1.0:
            body["alphaMode"] = "BLEND"
        if self.double_sided:
            body["doubleSided"] = True
        return body


def srgb_to_linear(channel: float) -> float:
    if channel <= 0.04045:
        return channel / 12.92
    return float(((channel + 0.055) / 1.055) ** 2.4)


def hex_to_linear(color: str) -> Vec3:
    """'#1e6fd9' (sRGB, as designers write it) to linear floats for baseColorFactor."""
    digits = color.removeprefix("#")
    r, g, b = (int(digits[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
    return (srgb_to_linear(r), srgb_to_linear(g), srgb_to_linear(b))


def material(
    name: str,
    color: str,
    *,
    metallic: float = 0.0,
    roughness: float = 0.8,
    glow: float = 0.0,
    alpha: float = 1.0,
    double_sided: bool = False,
) -> Material:
    """A material from an sRGB hex colour; `glow` scales the colour into emissiveFactor,
    clamped to 1 because core glTF allows no brighter emission."""
    r, g, b = hex_to_linear(color)
    emissive = (min(1.0, round(r * glow, 6)), min(1.0, round(g * glow, 6)),
                min(1.0, round(b * glow, 6)))
    return Material(name, (r, g, b, alpha), metallic, roughness, emissive, double_sided)


def translation(x: float, y: float, z: float) -> FloatArray:
    matrix: FloatArray = np.eye(4)
    matrix[:3, 3] = (x, y, z)
    return matrix


def rotation(degrees: float, axis: Vec3) -> FloatArray:
    matrix: FloatArray = _transformations.rotation_matrix(math.radians(degrees), axis)
    return matrix


def scaling(x: float, y: float, z: float) -> FloatArray:
    return np.diag([x, y, z, 1.0])


def placed(mesh: trimesh.Trimesh, *transforms: FloatArray) -> trimesh.Trimesh:
    """Applies transforms right to left, like matrix products: placed(m, T, R) rotates first."""
    matrix: FloatArray = np.eye(4)
    for step in transforms:
        matrix = matrix @ step
    return mesh.copy().apply_transform(matrix)


def box(size: Vec3, center: Vec3, *turns: FloatArray) -> trimesh.Trimesh:
    """A box; `turns` rotate it about its own centre before it moves to `center`."""
    return placed(trimesh.creation.box(extents=size), translation(*center), *turns)


def cylinder(
    radius: float, height: float, center: Vec3, *turns: FloatArray, sections: int = 24
) -> trimesh.Trimesh:
    """An upright (Y axis) cylinder, then `turns` about its centre; trimesh builds along Z."""
    mesh = trimesh.creation.cylinder(radius=radius, height=height, sections=sections)
    return placed(mesh, translation(*center), *turns, rotation(-90, (1, 0, 0)))


def sphere(radius: float, center: Vec3, *, subdivisions: int = 2) -> trimesh.Trimesh:
    mesh = trimesh.creation.icosphere(subdivisions=subdivisions, radius=radius)
    return placed(mesh, translation(*center))


def torus(
    major: float, minor: float, center: Vec3, *turns: FloatArray,
    major_sections: int = 32, minor_sections: int = 10,
) -> trimesh.Trimesh:
    """A ring in the XY plane (axis along Z), standing upright like a doorway unless turned."""
    mesh = trimesh.creation.torus(
        major_radius=major, minor_radius=minor,
        major_sections=major_sections, minor_sections=minor_sections,
    )
    return placed(mesh, translation(*center), *turns)


def crease_normals(
    vertices: FloatArray, faces: IntArray, crease_degrees: float = CREASE_DEGREES
) -> tuple[FloatArray, IntArray, FloatArray]:
    """Per-corner normals averaged over neighbouring faces within the crease angle, then
    corners with equal position and normal are merged back into shared vertices."""
    corners = vertices[faces].reshape(-1, 3)
    edges_a = corners[1::3] - corners[0::3]
    edges_b = corners[2::3] - corners[0::3]
    weighted = np.cross(edges_a, edges_b)  # length is twice the area: larger faces weigh more
    lengths = np.linalg.norm(weighted, axis=1, keepdims=True)
    unit = weighted / np.where(lengths > 0, lengths, 1.0)
    corner_vertex = faces.reshape(-1)
    corner_face = np.arange(corner_vertex.size) // 3
    normals = weighted[corner_face].copy()

    order = np.argsort(corner_vertex, kind="stable")
    sorted_vertex = corner_vertex[order]
    threshold = math.cos(math.radians(crease_degrees))
    for offset in range(1, int(np.bincount(corner_vertex).max())):
        left, right = order[:-offset], order[offset:]
        same = sorted_vertex[:-offset] == sorted_vertex[offset:]
        face_l, face_r = corner_face[left], corner_face[right]
        close = same & (np.einsum("ij,ij->i", unit[face_l], unit[face_r]) >= threshold)
        np.add.at(normals, left[close], weighted[face_r[close]])
        np.add.at(normals, right[close], weighted[face_l[close]])

    norms = np.linalg.norm(normals, axis=1, keepdims=True)
    normals = np.where(norms > 0, normals / np.where(norms > 0, norms, 1.0), [0.0, 1.0, 0.0])
    keys = np.round(np.hstack([corners, normals]), 6)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    merged = np.asarray(unique, dtype=np.float64)
    return merged[:, :3], inverse.reshape(-1, 3).astype(np.int64), merged[:, 3:]


@dataclass
class Part:
    node: str
    material: Material
    meshes: list[trimesh.Trimesh] = field(default_factory=list)


class ModelBuilder:
    """Collects named parts of one model and writes them as a .glb."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._parts: dict[str, Part] = {}

    def add(self, node: str, mat: Material, *meshes: trimesh.Trimesh) -> None:
        full_name = f"{self.name}-{node}"
        part = self._parts.setdefault(full_name, Part(full_name, mat))
        if part.material != mat:
            raise ValueError(f"part {full_name} already uses material {part.material.name}")
        part.meshes.extend(meshes)

    def glb(self) -> bytes:
        materials: dict[str, Material] = {}
        scene = trimesh.Scene()
        for part in self._parts.values():
            if materials.setdefault(part.material.name, part.material) != part.material:
                raise ValueError(f"two different materials are named {part.material.name}")
            merged = cast(trimesh.Trimesh, trimesh.util.concatenate(part.meshes))
            faces = np.asarray(merged.faces, dtype=np.int64)
            # Zero-area triangles (cone tips, poles) render nothing and the validator flags them.
            faces = faces[np.asarray(merged.area_faces) > 1e-12]
            vertices, faces, normals = crease_normals(
                np.asarray(merged.vertices, dtype=np.float64), faces
            )
            mesh = trimesh.Trimesh(vertices, faces, vertex_normals=normals, process=False)
            # Only the name matters here: finish() writes the real material by name.
            mesh.visual = _visual.TextureVisuals(
                material=_visual.material.PBRMaterial(name=part.material.name)
            )
            scene.add_geometry(mesh, node_name=part.node, geom_name=part.node)

        def finish(tree: dict[str, Any]) -> None:
            # trimesh stores colours as 8-bit; write the exact linear factors instead.
            tree["materials"] = [materials[m["name"]].as_gltf() for m in tree["materials"]]
            tree["asset"]["generator"] = "Cityverse spaces (trimesh)"
            for mesh_body in tree["meshes"]:
                mesh_body.pop("extras", None)
            mark_buffer_view_targets(tree)

        data: bytes = _gltf.export_glb(scene, include_normals=True, tree_postprocessor=finish)
        return data


def mark_buffer_view_targets(tree: dict[str, Any]) -> None:
    """Sets bufferView.target so loaders can upload views straight to the GPU."""
    accessors = tree["accessors"]
    views = tree["bufferViews"]
    for mesh_body in tree["meshes"]:
        for primitive in mesh_body["primitives"]:
            if "indices" in primitive:
                views[accessors[primitive["indices"]]["bufferView"]]["target"] = (
                    ELEMENT_ARRAY_BUFFER
                )
            for accessor in primitive["attributes"].values():
                views[accessors[accessor]["bufferView"]]["target"] = ARRAY_BUFFER


@dataclass(frozen=True)
class GlbSummary:
    byte_size: int
    triangles: int
    nodes: tuple[str, ...]
    materials: tuple[str, ...]


def summarize_glb(data: bytes) -> GlbSummary:
    """Reads the JSON chunk of a .glb: triangle count, node and material names."""
    magic, _version, _length = struct.unpack_from("<4sII", data, 0)
    chunk_length, chunk_type = struct.unpack_from("<I4s", data, 12)
    if magic != b"glTF" or chunk_type != b"JSON":
        raise ValueError("not a binary glTF file")
    tree = json.loads(data[20 : 20 + chunk_length])
    accessors = tree.get("accessors", [])
    triangles = sum(
        accessors[primitive["indices"]]["count"] // 3
        for mesh_body in tree.get("meshes", [])
        for primitive in mesh_body["primitives"]
    )
    return GlbSummary(
        byte_size=len(data),
        triangles=triangles,
        nodes=tuple(node.get("name", "") for node in tree.get("nodes", [])),
        materials=tuple(m.get("name", "") for m in tree.get("materials", [])),
    )


def grid_positions(count: int, spacing: float) -> Sequence[float]:
    """Evenly spaced offsets centred on zero: grid_positions(3, 2.0) == [-2.0, 0.0, 2.0]."""
    start = -spacing * (count - 1) / 2
    return [start + spacing * i for i in range(count)]
