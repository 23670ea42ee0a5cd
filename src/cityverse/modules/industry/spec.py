"""How the industry module plugs into the platform."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.industry import api, service

SPEC = ModuleSpec(name="industry", routers=(api.router,), stats=service.stats)
