"""Imports every ORM model so Base.metadata is complete for Alembic and tests."""

from cityverse.core.auth import models as auth_models
from cityverse.core.db import Base
from cityverse.modules.assets.evm import models as evm_models
from cityverse.modules.assets.keys import models as asset_key_models
from cityverse.modules.assets.ledger import models as ledger_models
from cityverse.modules.assets.tokens import models as token_models
from cityverse.modules.assets.works import models as work_models
from cityverse.modules.city import models as city_models
from cityverse.modules.commerce import models as commerce_models
from cityverse.modules.expo import models as expo_models
from cityverse.modules.industry import models as industry_models
from cityverse.modules.industry.dashboard import models as industry_dashboard_models
from cityverse.modules.industry.plan import models as industry_plan_models
from cityverse.modules.industry.registry import models as industry_registry_models
from cityverse.modules.industry.support import models as support_models
from cityverse.modules.industry.taskforces import models as taskforce_models
from cityverse.modules.spaces import models as spaces_models
from cityverse.modules.twin import models as twin_models
from cityverse.modules.twin.telemetry import models as twin_device_models
from cityverse.realtime import models as world_models

MODEL_MODULES = (
    asset_key_models,
    auth_models,
    city_models,
    commerce_models,
    evm_models,
    expo_models,
    industry_dashboard_models,
    industry_models,
    industry_plan_models,
    industry_registry_models,
    ledger_models,
    spaces_models,
    support_models,
    taskforce_models,
    token_models,
    twin_device_models,
    twin_models,
    work_models,
    world_models,
)
metadata = Base.metadata
