"""Imports every ORM model so Base.metadata is complete for Alembic and tests."""

from cityverse.core import audit
from cityverse.core.auth import models as auth_models
from cityverse.core.db import Base
from cityverse.modules.assets.ledger import models as ledger_models
from cityverse.modules.city import models as city_models
from cityverse.modules.commerce import models as commerce_models
from cityverse.modules.industry import models as industry_models

MODEL_MODULES = (
    audit, auth_models, city_models, industry_models, ledger_models, commerce_models,
)
metadata = Base.metadata
