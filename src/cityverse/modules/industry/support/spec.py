"""How the innovation-center services plug into the platform."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.industry.support import api

SPEC = ModuleSpec(name="industry-support", routers=(api.router,))
