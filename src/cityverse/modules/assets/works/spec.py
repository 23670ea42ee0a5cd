"""How works and identities plug into the platform."""

from cityverse.core.config import Settings
from cityverse.core.modules import ModuleSpec
from cityverse.modules.assets.keys import api as keys_api
from cityverse.modules.assets.works import api, service

# Room for the multipart envelope and the form fields around the file.
FORM_OVERHEAD = 64 * 1024


def body_limits(settings: Settings) -> dict[str, int]:
    return {"/api/works": settings.assets_max_upload_bytes + FORM_OVERHEAD}


SPEC = ModuleSpec(name="works", routers=(keys_api.router, api.router), stats=service.stats,
                  body_limits=body_limits)
