"""Typed, immutable view of a validated scene document (see scene.schema.json).

Defaults here match the schema's `default` keywords; a test keeps the two in step.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Vec2 = tuple[float, float]
Vec3 = tuple[float, float, float]
SpaceKind = Literal["hall", "booth-room", "negotiation-room", "tour"]


class SceneModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Bounds(SceneModel):
    min: Vec3
    max: Vec3

    def contains(self, point: Vec3) -> bool:
        return all(low <= value <= high for low, value, high in zip(self.min, point, self.max,
                                                                    strict=True))

    def contains_floor_point(self, x: float, z: float) -> bool:
        return self.min[0] <= x <= self.max[0] and self.min[2] <= z <= self.max[2]


class Capacity(SceneModel):
    max_per_instance: int = 50


class GuestPolicy(SceneModel):
    allow_anonymous: bool = False
    anonymous_can_chat: bool = False


class Transform(SceneModel):
    position: Vec3
    rotation: tuple[float, float, float, float] | None = None
    heading_deg: float | None = None
    scale: float | Vec3 = 1.0

    def quaternion(self) -> tuple[float, float, float, float]:
        """The rotation as a glTF quaternion [x, y, z, w]; a heading turns about +Y."""
        if self.rotation is not None:
            return self.rotation
        half = math.radians(self.heading_deg or 0.0) / 2
        return (0.0, math.sin(half), 0.0, math.cos(half))


class PlacedAsset(SceneModel):
    key: str
    asset: str
    params: dict[str, Any] = Field(default_factory=dict)
    transform: Transform


class SpawnPoint(SceneModel):
    key: str
    position: Vec3
    heading_deg: float = 0.0


class Footprint(SceneModel):
    center: Vec2
    size: Vec2
    heading_deg: float = 0.0

    def corners(self) -> list[Vec2]:
        """Floor corners (x, z), turned by the heading about the centre."""
        half_w, half_d = self.size[0] / 2, self.size[1] / 2
        return [self.to_floor(dx, dz) for dx, dz in
                ((-half_w, -half_d), (half_w, -half_d), (half_w, half_d), (-half_w, half_d))]

    def to_floor(self, local_x: float, local_z: float) -> Vec2:
        """Booth frame (x right, z towards the open front) to floor coordinates (x, z)."""
        angle = math.radians(self.heading_deg)
        cos, sin = math.cos(angle), math.sin(angle)
        # Turning about +Y by θ maps local +Z to (sin θ, cos θ) on the floor.
        return (self.center[0] + local_x * cos + local_z * sin,
                self.center[1] - local_x * sin + local_z * cos)

    def to_local(self, x: float, z: float) -> Vec2:
        """Floor coordinates (x, z) to the booth frame; the inverse of to_floor."""
        angle = math.radians(self.heading_deg)
        cos, sin = math.cos(angle), math.sin(angle)
        dx, dz = x - self.center[0], z - self.center[1]
        return (dx * cos - dz * sin, dx * sin + dz * cos)

    def contains(self, x: float, z: float, margin: float = 1e-6) -> bool:
        """True when (x, z) is strictly inside; points on the edge are outside."""
        local_x, local_z = self.to_local(x, z)
        return (abs(local_x) < self.size[0] / 2 - margin
                and abs(local_z) < self.size[1] / 2 - margin)

    def distance(self, x: float, z: float) -> float:
        """Distance from (x, z) to the rectangle; zero inside or on the edge."""
        local_x, local_z = self.to_local(x, z)
        return math.hypot(max(abs(local_x) - self.size[0] / 2, 0.0),
                          max(abs(local_z) - self.size[1] / 2, 0.0))


class BoothPanel(SceneModel):
    text_zh: str
    text_en: str


class ProductSlot(SceneModel):
    key: str
    asset: str
    params: dict[str, Any] = Field(default_factory=dict)
    offset: Vec3
    heading_deg: float = 0.0
    scale: float = 1.0
    label_zh: str
    label_en: str


class Booth(SceneModel):
    key: str
    enterprise_key: str
    brand_color: str = "#1e6fd9"
    footprint: Footprint
    entrance: Vec3
    panel: BoothPanel
    product_slots: tuple[ProductSlot, ...] = ()


class Portal(SceneModel):
    key: str
    target_space: str
    position: Vec3
    heading_deg: float = 0.0
    radius: float = 1.2
    color: str = "#22d3ee"
    label_zh: str
    label_en: str


class InfoPanel(SceneModel):
    key: str
    position: Vec3
    heading_deg: float = 0.0
    size: Vec2 = (3.0, 2.0)
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


class Light(SceneModel):
    key: str
    type: Literal["directional", "point", "spot", "hemisphere"]
    color: str = "#ffffff"
    intensity: float = 1.0
    position: Vec3 | None = None
    direction: Vec3 | None = None
    range: float | None = None


class Fog(SceneModel):
    color: str
    near: float
    far: float


class Environment(SceneModel):
    background_color: str = "#0f172a"
    ambient_color: str = "#ffffff"
    ambient_intensity: float = 0.4
    fog: Fog | None = None
    ambient_sound: str | None = None
    lights: tuple[Light, ...] = ()


class Scene(SceneModel):
    schema_version: Literal[1]
    key: str
    name_zh: str
    name_en: str
    description_zh: str | None = None
    description_en: str | None = None
    kind: SpaceKind
    bounds: Bounds
    capacity: Capacity = Capacity()
    access: Literal["public", "invite-only"] = "public"
    guest_policy: GuestPolicy = GuestPolicy()
    environment: Environment = Environment()
    assets: tuple[PlacedAsset, ...] = ()
    spawn_points: tuple[SpawnPoint, ...]
    booths: tuple[Booth, ...] = ()
    portals: tuple[Portal, ...] = ()
    info_panels: tuple[InfoPanel, ...] = ()

    def booth(self, key: str) -> Booth | None:
        return next((booth for booth in self.booths if booth.key == key), None)
