"""How the industry module plugs into the platform."""

from cityverse.core.modules import ModuleSpec
from cityverse.modules.industry import api, service
from cityverse.modules.industry.dashboard import api as dashboard_api
from cityverse.modules.industry.dashboard import schedule as dashboard_schedule

SPEC = ModuleSpec(
    name="industry",
    routers=(api.router, dashboard_api.router),
    stats=service.stats,
    lifespan=dashboard_schedule.run,
)
