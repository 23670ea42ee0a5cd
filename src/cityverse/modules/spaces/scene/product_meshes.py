"""Generated display models for the metaverse industry chain's products.

Display scale, not true scale: each fits in about half a metre so it reads well on a booth
pedestal. Metres, +Y up, front towards +Z, the origin at the bottom centre.
"""

from __future__ import annotations

import math

import trimesh

from cityverse.modules.spaces.scene.meshkit import (
    ModelBuilder,
    box,
    cylinder,
    grid_positions,
    material,
    placed,
    rotation,
    scaling,
    sphere,
    torus,
    translation,
)

X_AXIS = (1.0, 0.0, 0.0)
Y_AXIS = (0.0, 1.0, 0.0)
Z_AXIS = (0.0, 0.0, 1.0)


def vr_headset_glb(color: str = "#f5f5f7") -> bytes:
    """A headset: the display housing, a dark front visor, a face cushion and a head strap."""
    model = ModelBuilder("vr-headset")
    center_y = 0.16
    model.add("housing", material("housing", color, roughness=0.45),
              box((0.36, 0.2, 0.16), (0, center_y, 0.04)))
    model.add("visor", material("visor", "#111827", metallic=0.2, roughness=0.08),
              box((0.33, 0.17, 0.02), (0, center_y, 0.13)))
    model.add("cushion", material("cushion", "#374151", roughness=0.95),
              box((0.32, 0.16, 0.05), (0, center_y, -0.06)))
    model.add("strap", material("strap", "#4b5563", roughness=0.9),
              torus(0.15, 0.018, (0, center_y, -0.2), rotation(90, X_AXIS),
                    major_sections=32, minor_sections=8))
    return model.glb()


def optical_lens_glb(color: str = "#9ca3af") -> bytes:
    """A lens on a stand: a metal mount ring holding a clear biconvex glass element."""
    model = ModelBuilder("optical-lens")
    center_y = 0.3
    metal = material("mount", color, metallic=0.9, roughness=0.3)
    model.add("stand", metal, cylinder(0.12, 0.03, (0, 0.015, 0), sections=32),
              cylinder(0.015, 0.09, (0, 0.075, 0), sections=12))
    model.add("mount-ring", metal,
              torus(0.18, 0.025, (0, center_y, 0), major_sections=48, minor_sections=10))
    glass = placed(sphere(0.18, (0, 0, 0)), translation(0, center_y, 0), scaling(1.0, 1.0, 0.22))
    model.add("glass", material("glass", "#dbeafe", roughness=0.04, alpha=0.45), glass)
    return model.glb()


def chip_glb(color: str = "#2563eb") -> bytes:
    """A packaged chip: a dark body, a metal lid, pins on four sides and a pin-1 marker."""
    model = ModelBuilder("chip")
    body, thickness, pins_per_side = 0.4, 0.05, 10
    model.add("package", material("package", "#1f2937", roughness=0.7),
              box((body, thickness, body), (0, 0.02 + thickness / 2, 0)))
    model.add("lid", material("lid", "#d1d5db", metallic=0.9, roughness=0.25),
              box((0.24, 0.012, 0.24), (0, 0.02 + thickness + 0.006, 0)))
    pins = []
    for offset in grid_positions(pins_per_side, body / (pins_per_side + 1)):
        for sign in (-1, 1):
            pins.append(box((0.014, 0.02, 0.05), (offset, 0.02, sign * (body / 2 + 0.02))))
            pins.append(box((0.05, 0.02, 0.014), (sign * (body / 2 + 0.02), 0.02, offset)))
    model.add("pins", material("pins", "#e5e7eb", metallic=1.0, roughness=0.3), *pins)
    marker_y = 0.02 + thickness + 0.002
    model.add("pin-one-marker", material("marker", color, roughness=0.4, glow=0.4),
              cylinder(0.015, 0.004, (-0.15, marker_y, 0.15), sections=16))
    return model.glb()


def phone_glb(color: str = "#0ea5e9") -> bytes:
    """A phone standing on a small dock, leaning back a little, with a glowing screen."""
    model = ModelBuilder("phone")

    def leaning(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
        # Parts are modelled around the phone's centre, then tilted back together.
        return placed(mesh, translation(0, 0.26, 0), rotation(-10, X_AXIS))

    model.add("dock", material("dock", "#374151", roughness=0.6),
              box((0.24, 0.05, 0.14), (0, 0.025, 0)))
    model.add("body", material("body", "#1f2937", metallic=0.6, roughness=0.35),
              leaning(box((0.2, 0.42, 0.022), (0, 0, 0))))
    model.add("screen", material("screen", color, roughness=0.1, glow=0.7),
              leaning(box((0.185, 0.39, 0.002), (0, 0, 0.012))))
    model.add("camera", material("camera", "#111827", metallic=0.5, roughness=0.15),
              leaning(cylinder(0.022, 0.01, (0.05, 0.14, -0.016), rotation(90, X_AXIS),
                               sections=20)))
    return model.glb()


def drone_glb(color: str = "#f97316") -> bytes:
    """A quadcopter hovering over a display post: body, four arms, motors and rotor discs."""
    model = ModelBuilder("drone")
    hover_y, arm_length = 0.3, 0.26
    model.add("post", material("post", "#9ca3af", metallic=0.8, roughness=0.3),
              cylinder(0.09, 0.02, (0, 0.01, 0), sections=24),
              cylinder(0.012, hover_y - 0.05, (0, (hover_y - 0.05) / 2 + 0.02, 0), sections=10))
    model.add("body", material("body", color, roughness=0.5),
              box((0.14, 0.06, 0.18), (0, hover_y, 0)))
    arms, motors, rotors = [], [], []
    for angle in (45, 135, 225, 315):
        radians = math.radians(angle)
        x, z = arm_length * math.cos(radians), arm_length * math.sin(radians)
        arms.append(box((arm_length, 0.02, 0.03), (x / 2, hover_y, z / 2),
                        rotation(-angle, Y_AXIS)))
        motors.append(cylinder(0.025, 0.04, (x, hover_y + 0.02, z), sections=16))
        rotors.append(cylinder(0.1, 0.004, (x, hover_y + 0.045, z), sections=32))
    model.add("arms", material("arms", "#1f2937", roughness=0.6), *arms)
    model.add("motors", material("motors", "#6b7280", metallic=0.8, roughness=0.3), *motors)
    model.add("rotors", material("rotors", "#e5e7eb", roughness=0.3, alpha=0.6), *rotors)
    return model.glb()


def robot_arm_glb(color: str = "#facc15") -> bytes:
    """An industrial arm from primitives: base, turret, two links with joints and a gripper."""
    model = ModelBuilder("robot-arm")
    links = material("links", color, roughness=0.5)
    joints = material("joints", "#4b5563", metallic=0.8, roughness=0.35)
    shoulder = (0.0, 0.16, 0.0)
    lower_tilt = math.radians(20)
    lower_length, upper_length = 0.3, 0.26
    elbow = (0.0, shoulder[1] + lower_length * math.cos(lower_tilt),
             lower_length * math.sin(lower_tilt))
    upper_tilt = math.radians(70)
    wrist = (0.0, elbow[1] + upper_length * math.cos(upper_tilt),
             elbow[2] + upper_length * math.sin(upper_tilt))

    model.add("base", joints, cylinder(0.15, 0.05, (0, 0.025, 0), sections=32),
              cylinder(0.09, 0.08, (0, 0.09, 0), sections=24))
    model.add("joints", joints, sphere(0.06, shoulder), sphere(0.05, elbow),
              sphere(0.035, wrist))
    model.add("links", links,
              box((0.07, lower_length, 0.07), midpoint(shoulder, elbow),
                  rotation(math.degrees(lower_tilt), X_AXIS)),
              box((0.06, upper_length, 0.06), midpoint(elbow, wrist),
                  rotation(math.degrees(upper_tilt), X_AXIS)))
    model.add("gripper", material("gripper", "#9ca3af", metallic=0.9, roughness=0.3),
              box((0.012, 0.03, 0.07), (-0.025, wrist[1], wrist[2] + 0.05)),
              box((0.012, 0.03, 0.07), (0.025, wrist[1], wrist[2] + 0.05)))
    return model.glb()


def midpoint(a: tuple[float, float, float], b: tuple[float, float, float]) -> tuple[
    float, float, float
]:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2)
