"""How the expo module plugs in: meetings and booth routers, and the private rooms' door."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.expo import api, booth_api, room

SPEC = ModuleSpec(name="expo", routers=(api.router, booth_api.router), lifespan=room.open_rooms)
