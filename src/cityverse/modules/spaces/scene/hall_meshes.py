"""Generated models for the exhibition hall: the hall shell, a booth, an avatar, a portal ring.

Conventions for every model: metres, +Y up, the front faces +Z, the origin sits on the floor.
"""

from __future__ import annotations

import itertools

import numpy as np
import trimesh

from cityverse.modules.spaces.scene.meshkit import (
    ModelBuilder,
    Vec3,
    box,
    cylinder,
    grid_positions,
    material,
    placed,
    rotation,
    sphere,
    torus,
    translation,
)

KUNSHAN_RED = "#c8102e"
DOOR_HEIGHT = 4.5
BOOTH_WALL_HEIGHT = 3.0
PEDESTAL_HEIGHT = 1.0
PEDESTAL_RADIUS = 0.3
TABLE_HEIGHT = 0.75
WALL_THICKNESS = 0.3


def floor_tiles(
    width: float, depth: float, tile: float
) -> tuple[trimesh.Trimesh, trimesh.Trimesh]:
    """Two upward-facing quad sets in a checkerboard, for a subtle tiled floor."""
    xs = np.minimum(np.arange(-width / 2, width / 2 + tile, tile), width / 2)
    zs = np.minimum(np.arange(-depth / 2, depth / 2 + tile, tile), depth / 2)
    halves: list[list[list[float]]] = [[], []]
    for i in range(len(xs) - 1):
        for j in range(len(zs) - 1):
            if xs[i + 1] - xs[i] > 1e-9 and zs[j + 1] - zs[j] > 1e-9:
                halves[(i + j) % 2].append([xs[i], xs[i + 1], zs[j], zs[j + 1]])
    meshes = []
    for rects in halves:
        cells = np.asarray(rects, dtype=np.float64)
        x0, x1, z0, z1 = cells.T
        zero = np.zeros_like(x0)
        corners = np.stack(
            [np.stack(c, axis=1) for c in ((x0, zero, z0), (x0, zero, z1), (x1, zero, z1),
                                           (x1, zero, z0))],
            axis=1,
        ).reshape(-1, 3)
        base = np.arange(len(cells))[:, None] * 4
        # Counter-clockwise seen from above, so the faces point up.
        faces = (base + np.array([[0, 1, 2], [0, 2, 3]]).reshape(1, 6)).reshape(-1, 3)
        meshes.append(trimesh.Trimesh(corners, faces, process=False))
    return meshes[0], meshes[1]


def hall_shell_glb(
    width: float = 40.0,
    depth: float = 44.0,
    height: float = 10.0,
    entrance_width: float = 8.0,
    tile: float = 2.0,
    sign_color: str = KUNSHAN_RED,
) -> bytes:
    """Floor, walls with an entrance opening in the front (+Z) wall, a ceiling truss with
    glowing light panels, and an entrance arch carrying a plain coloured sign board."""
    model = ModelBuilder("hall")
    light_tiles, dark_tiles = floor_tiles(width, depth, tile)
    model.add("floor-light", material("floor-light", "#dde1e6", roughness=0.55), light_tiles)
    model.add("floor-dark", material("floor-dark", "#cdd3da", roughness=0.55), dark_tiles)

    half_w, half_d, t = width / 2, depth / 2, WALL_THICKNESS
    side_length = (width - entrance_width) / 2
    door_height = min(DOOR_HEIGHT, height * 0.7)  # low rooms get a lower door
    walls = [
        box((width + 2 * t, height, t), (0, height / 2, -half_d - t / 2)),
        box((t, height, depth), (-half_w - t / 2, height / 2, 0)),
        box((t, height, depth), (half_w + t / 2, height / 2, 0)),
        # The two front pieces either side of the entrance reach out over the side walls.
        box((side_length + t, height, t), (-(entrance_width + side_length + t) / 2, height / 2,
                                            half_d + t / 2)),
        box((side_length + t, height, t), ((entrance_width + side_length + t) / 2, height / 2,
                                           half_d + t / 2)),
        box((entrance_width, height - door_height, t),
            (0, (height + door_height) / 2, half_d + t / 2)),
    ]
    model.add("walls", material("wall", "#eef1f5", roughness=0.9), *walls)
    model.add("ceiling", material("ceiling", "#2b3440", roughness=0.95),
              box((width + 2 * t, 0.2, depth + 2 * t), (0, height + 0.1, 0)))

    truss_y = height - 0.6
    beam_count = max(2, round(depth / 4) + 1)
    beam_zs = grid_positions(beam_count, (depth - 2) / (beam_count - 1))
    beams = [box((width, 0.4, 0.25), (0, truss_y, z)) for z in beam_zs]
    beams += [box((0.25, 0.4, depth), (x, truss_y + 0.4, 0)) for x in (-width / 4, width / 4)]
    model.add("truss", material("truss", "#8a9099", metallic=0.8, roughness=0.35), *beams)

    panel_columns = max(1, round(width / 8))
    panel_xs = grid_positions(panel_columns, width / panel_columns)
    panel_length = min(3.0, width / panel_columns - 0.5)
    panels = [
        box((panel_length, 0.06, 1.2), (x, truss_y - 0.25, (z0 + z1) / 2))
        for z0, z1 in itertools.pairwise(beam_zs)
        for x in panel_xs
    ]
    model.add("light-panels", material("light-panel", "#ffffff", roughness=0.4, glow=1.0),
              *panels)

    pillar_x = entrance_width / 2 - 0.3
    arch = [
        box((0.6, door_height, 0.8), (-pillar_x, door_height / 2, half_d)),
        box((0.6, door_height, 0.8), (pillar_x, door_height / 2, half_d)),
        box((entrance_width, 0.5, 0.8), (0, door_height + 0.25, half_d)),
    ]
    model.add("entrance-arch", material("arch", "#b9bec6", metallic=0.6, roughness=0.3), *arch)
    # The sign fills the wall above the arch, at most 1.2 m tall, on both faces of the wall.
    sign_width = min(entrance_width * 0.8, 8.0)
    sign_height = min(1.2, height - door_height - 0.6)
    sign_y = door_height + 0.6 + sign_height / 2
    model.add("sign-board", material("sign-board", sign_color, roughness=0.5, glow=0.35),
              box((sign_width, sign_height, 0.2), (0, sign_y, half_d + t + 0.1)),
              box((sign_width, sign_height, 0.2), (0, sign_y, half_d - 0.1)))
    return model.glb()


def meeting_table_glb(
    length: float = 2.4, width: float = 1.2, color: str = "#8b6b4a"
) -> bytes:
    """A negotiation table: a top at 0.75 m on four legs, products can stand on it."""
    model = ModelBuilder("table")
    model.add("top", material("table-top", color, roughness=0.55),
              box((length, 0.05, width), (0, TABLE_HEIGHT - 0.025, 0)))
    legs = [
        box((0.06, TABLE_HEIGHT - 0.05, 0.06), (x, (TABLE_HEIGHT - 0.05) / 2, z))
        for x in (-length / 2 + 0.15, length / 2 - 0.15)
        for z in (-width / 2 + 0.15, width / 2 - 0.15)
    ]
    model.add("legs", material("table-legs", "#374151", metallic=0.7, roughness=0.4), *legs)
    return model.glb()


def booth_pedestal_offsets(width: float, depth: float) -> list[Vec3]:
    """Where the booth model's two pedestals put a product (top centre, booth frame)."""
    return [(-width / 4, PEDESTAL_HEIGHT, -depth / 8), (width / 4, PEDESTAL_HEIGHT, -depth / 8)]


def booth_glb(width: float = 6.0, depth: float = 4.0, brand_color: str = "#1e6fd9") -> bytes:
    """A shell-scheme booth open to +Z: platform, back and side walls, a brand header board,
    a reception counter and two product pedestals."""
    model = ModelBuilder("booth")
    brand = material("brand", brand_color, roughness=0.45, glow=0.15)
    white = material("booth-white", "#f7f8fa", roughness=0.6)
    half_w, half_d = width / 2, depth / 2
    wall_t, return_depth = 0.12, depth / 3

    model.add("platform", material("booth-floor", "#e4e7ec", roughness=0.85),
              box((width, 0.08, depth), (0, 0.04, 0)))
    model.add("walls", white,
              box((width, BOOTH_WALL_HEIGHT, wall_t),
                  (0, BOOTH_WALL_HEIGHT / 2, -half_d + wall_t / 2)),
              box((wall_t, BOOTH_WALL_HEIGHT, return_depth),
                  (-half_w + wall_t / 2, BOOTH_WALL_HEIGHT / 2, -half_d + return_depth / 2)),
              box((wall_t, BOOTH_WALL_HEIGHT, return_depth),
                  (half_w - wall_t / 2, BOOTH_WALL_HEIGHT / 2, -half_d + return_depth / 2)))
    model.add("header-board", brand,
              box((width, 0.6, 0.16), (0, BOOTH_WALL_HEIGHT + 0.3, -half_d + 0.08)),
              box((width * 0.7, 0.35, 0.02), (0, 2.3, -half_d + wall_t + 0.01)))
    counter_x, counter_z = half_w - 1.1, half_d - 0.5
    model.add("counter", white, box((1.6, 1.0, 0.6), (counter_x, 0.58, counter_z)))
    model.add("counter-top", brand, box((1.7, 0.05, 0.7), (counter_x, 1.105, counter_z)))
    column = PEDESTAL_HEIGHT - 0.08  # standing on the platform
    pedestals = [
        cylinder(PEDESTAL_RADIUS, column, (x, 0.08 + column / 2, z))
        for x, _, z in booth_pedestal_offsets(width, depth)
    ]
    model.add("pedestals", material("pedestal", "#ffffff", roughness=0.25), *pedestals)
    return model.glb()


def avatar_glb(body_color: str = "#3b82f6", head_color: str = "#f1d2b6") -> bytes:
    """A capsule body, a round head and a dark visor showing which way it faces (+Z).
    Kept well under 2,000 triangles so hundreds can be instanced."""
    model = ModelBuilder("avatar")
    radius, body_length = 0.24, 0.62
    body = placed(
        trimesh.creation.capsule(height=body_length, radius=radius, count=[14, 14]),
        translation(0, radius + body_length / 2, 0),
        rotation(-90, (1, 0, 0)),
    )
    model.add("body", material("avatar-body", body_color, roughness=0.6), body)
    head_y = 2 * radius + body_length + 0.2
    model.add("head", material("avatar-head", head_color, roughness=0.7),
              sphere(0.17, (0, head_y, 0)))
    model.add("visor", material("avatar-visor", "#1f2933", metallic=0.3, roughness=0.2),
              box((0.2, 0.07, 0.06), (0, head_y + 0.02, 0.15)))
    return model.glb()


def portal_ring_glb(radius: float = 1.2, color: str = "#22d3ee") -> bytes:
    """An upright glowing ring over a low base, with a translucent veil to walk through."""
    model = ModelBuilder("portal")
    center_y = radius + 0.15
    model.add("ring", material("portal-ring", color, roughness=0.3, glow=1.2),
              torus(radius, 0.08, (0, center_y, 0), major_sections=40, minor_sections=10))
    veil = cylinder(radius - 0.08, 0.02, (0, center_y, 0), rotation(90, (1, 0, 0)), sections=40)
    model.add("veil", material("portal-veil", color, roughness=0.1, glow=0.6, alpha=0.35), veil)
    model.add("base", material("portal-base", "#4b5563", metallic=0.7, roughness=0.35),
              box((radius * 1.2, 0.12, 0.5), (0, 0.06, 0)))
    return model.glb()

