"""How the task forces plug into the platform."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.industry.taskforces import api

SPEC = ModuleSpec(name="industry-taskforces", routers=(api.router,))
