"""The web client's types come from web/openapi.json; it must be the server's current schema."""

from __future__ import annotations

import json
from pathlib import Path

from cityverse.app import create_app
from cityverse.core.config import Settings

WEB_SCHEMA = Path(__file__).parents[1] / "web" / "openapi.json"


def test_web_schema_matches_the_server() -> None:
    live = create_app(Settings(log_level="WARNING", _env_file=None)).openapi()  # type: ignore[call-arg]
    shipped = json.loads(WEB_SCHEMA.read_text("utf-8"))
    assert shipped == json.loads(json.dumps(live)), (
        "web/openapi.json is stale: run `cd web && npm run sync:api` and rebuild"
    )
