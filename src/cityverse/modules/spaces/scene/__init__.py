"""Scene documents for spaces (halls, booths, negotiation rooms, tours) and the generated 3D
assets they place. Pure Python: no database, no HTTP."""

from cityverse.modules.spaces.scene.catalog import CATALOG, AssetCatalog, AssetEntry
from cityverse.modules.spaces.scene.document import Booth, Portal, Scene
from cityverse.modules.spaces.scene.errors import SceneError, SceneProblem
from cityverse.modules.spaces.scene.loader import load_scene, scene_schema
from cityverse.modules.spaces.scene.rules import check_portal_links

__all__ = [
    "CATALOG",
    "AssetCatalog",
    "AssetEntry",
    "Booth",
    "Portal",
    "Scene",
    "SceneError",
    "SceneProblem",
    "check_portal_links",
    "load_scene",
    "scene_schema",
]
