"""How the shop plugs into the platform: its routers and the order auto-completion task."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.commerce import api, seller_api, tasks

SPEC = ModuleSpec(
    name="commerce", routers=(api.router, seller_api.router), lifespan=tasks.run_auto_complete
)
