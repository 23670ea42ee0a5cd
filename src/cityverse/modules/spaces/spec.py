"""How the spaces module plugs into the platform: its API, the world socket, the world server."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.spaces import api, world

SPEC = ModuleSpec(
    name="spaces", routers=(api.router, world.socket_router), lifespan=world.world_lifespan,
)
