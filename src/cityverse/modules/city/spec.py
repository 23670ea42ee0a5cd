"""How the city module plugs into the platform."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.city import api, service

SPEC = ModuleSpec(name="city", routers=(api.router,), stats=service.stats)
