"""How the portal module plugs into the platform."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.portal import api

SPEC = ModuleSpec(name="portal", routers=(api.router, api.meta_router))
