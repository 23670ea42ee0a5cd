"""How the shop plugs into the platform."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.commerce import api, seller_api

SPEC = ModuleSpec(name="commerce", routers=(api.router, seller_api.router))
