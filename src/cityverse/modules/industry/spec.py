"""How the industry module plugs into the platform."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.industry import api, service
from cityverse.modules.industry.dashboard import api as dashboard_api
from cityverse.modules.industry.dashboard import schedule as dashboard_schedule
from cityverse.modules.industry.plan import api as plan_api
from cityverse.modules.industry.registry import api as registry_api

SPEC = ModuleSpec(
    name="industry",
    routers=(api.router, registry_api.router, plan_api.router, dashboard_api.router),
    stats=service.stats,
    lifespan=dashboard_schedule.run,
)
