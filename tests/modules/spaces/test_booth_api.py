"""A hall booth resolves to the enterprise the scene places there (the hall page's panel)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from cityverse.modules.industry import service as industry

HALL = "cloud-living-room"
ENTERPRISE = {"key": "demo-ent-01", "name": "示例·昆山澄曜微显示科技有限公司",
              "name_en": "Demo · Chengyao", "uscc": "91320583DEMKN00012",
              "segment": "hardware", "sub_segment": "near-eye-display",
              "town_key": "yushan-town", "description": "硅基OLED微显示",
              "description_en": "Silicon OLED", "founded_year": 2017, "employees": 260,
              "is_demo": True}


async def test_booth_names_its_enterprise(client: httpx.AsyncClient, app: FastAPI) -> None:
    missing = await client.get(f"/api/spaces/{HALL}/booths/booth-01")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "booth_enterprise_missing"
    async with app.state.sessionmaker() as session, session.begin():
        enterprise = await industry.upsert_enterprise(session, ENTERPRISE)
    body = (await client.get(f"/api/spaces/{HALL}/booths/booth-01")).json()
    assert body["enterprise_id"] == enterprise.id and body["enterprise_key"] == "demo-ent-01"
    assert body["name"] == "示例·昆山澄曜微显示科技有限公司" and body["booth_key"] == "booth-01"


async def test_unknown_booth_and_space_are_404(client: httpx.AsyncClient) -> None:
    unknown = await client.get(f"/api/spaces/{HALL}/booths/booth-99")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "space_booth_not_found"
    space = await client.get("/api/spaces/no-such-space/booths/booth-01")
    assert space.json()["error"]["code"] == "space_not_found"
