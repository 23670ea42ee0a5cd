"""Labels and yearly declarations: workflows, ownership and officer-only decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from cityverse.modules.industry.registry import service as registry
from modules.industry.industry_support import FIGURES, build_world
from tests_support import audit_actions


async def test_declaration_draft_submit_return_resubmit_confirm(app: FastAPI, signed_in) -> None:
    w = await build_world(app, signed_in)
    created = await w.member_a.post("/api/industry/declarations", json={"year": 2025, **FIGURES})
    assert created.status_code == 201, created.text
    d = created.json()
    assert (d["status"], d["enterprise_id"], d["enterprise_name"]) == ("draft", w.ent_a,
                                                                       "示例·甲光学")
    again = await w.member_a.post("/api/industry/declarations", json={"year": 2025, **FIGURES})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "industry_declaration_exists"

    edited = await w.member_a.patch(f"/api/industry/declarations/{d['id']}",
                                    json={"revenue": 1_300_000_000})
    assert edited.json()["revenue"] == 1_300_000_000
    # Officers cannot confirm a draft.
    early = await w.officer.post(f"/api/industry/declarations/{d['id']}/confirm")
    assert early.status_code == 409
    assert (await w.member_a.post(f"/api/industry/declarations/{d['id']}/submit")).json()[
        "status"] == "submitted"
    locked = await w.member_a.patch(f"/api/industry/declarations/{d['id']}", json={"patents": 1})
    assert locked.status_code == 409

    queue = (await w.officer.get("/api/industry/declarations?status=submitted")).json()
    assert [item["id"] for item in queue["items"]] == [d["id"]]
    no_reason = await w.officer.post(f"/api/industry/declarations/{d['id']}/return", json={})
    assert no_reason.status_code == 422
    returned = await w.officer.post(f"/api/industry/declarations/{d['id']}/return",
                                    json={"reason": "研发投入请附审计报告"})
    assert returned.json()["status"] == "returned"
    seen = (await w.member_a.get(f"/api/industry/declarations/{d['id']}")).json()
    assert seen["return_reason"] == "研发投入请附审计报告"

    await w.member_a.patch(f"/api/industry/declarations/{d['id']}", json={"rd_spending": 1})
    await w.member_a.post(f"/api/industry/declarations/{d['id']}/submit")
    confirmed = await w.officer.post(f"/api/industry/declarations/{d['id']}/confirm")
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["return_reason"] is None
    assert (await w.member_a.post(f"/api/industry/declarations/{d['id']}/submit")
            ).status_code == 409
    actions = [a for a in await audit_actions(app) if a.startswith("industry.declaration")]
    assert actions == ["industry.declaration." + a for a in (
        "create", "update", "submit", "return", "update", "submit", "confirm")]


async def test_an_enterprise_never_sees_or_touches_another_ones_declarations(
    app: FastAPI, signed_in
) -> None:
    w = await build_world(app, signed_in)
    d = (await w.member_a.post("/api/industry/declarations",
                               json={"year": 2024, **FIGURES})).json()
    other = w.member_b
    assert (await other.get(f"/api/industry/declarations/{d['id']}")).status_code == 404
    assert (await other.patch(f"/api/industry/declarations/{d['id']}",
                              json={"patents": 1})).status_code == 404
    assert (await other.post(f"/api/industry/declarations/{d['id']}/submit")).status_code == 404
    assert (await other.get("/api/industry/declarations")).json()["total"] == 0
    filtered = await other.get(f"/api/industry/declarations?enterprise_id={w.ent_a}")
    assert filtered.json()["total"] == 0
    steal = await other.post("/api/industry/declarations",
                             json={"year": 2024, "enterprise_id": w.ent_a, **FIGURES})
    assert steal.status_code == 404
    # Members cannot decide; officers do not file for an enterprise.
    await w.member_a.post(f"/api/industry/declarations/{d['id']}/submit")
    for member in (w.member_a, other):
        refused = await member.post(f"/api/industry/declarations/{d['id']}/confirm")
        assert refused.status_code == 403
    officer_files = await w.officer.post("/api/industry/declarations",
                                         json={"year": 2024, **FIGURES})
    assert officer_files.status_code == 403
    assert (await w.officer.get("/api/industry/declarations")).json()["total"] == 1


async def test_declaration_input_is_checked(app: FastAPI, signed_in) -> None:
    w = await build_world(app, signed_in)
    for bad in ({"year": 2025, **FIGURES, "revenue": -1},
                {"year": 1900, **FIGURES},
                {"year": 2025, **FIGURES, "patents": "many"},
                {"year": 2025}):
        response = await w.member_a.post("/api/industry/declarations", json=bad)
        assert response.status_code == 422, bad
        assert response.json()["error"]["code"] == "validation_error"
    lonely = await signed_in("no_enterprise", "enterprise")
    refused = await lonely.post("/api/industry/declarations", json={"year": 2025, **FIGURES})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "industry_not_a_member"
    assert (await w.member_a.get("/api/industry/declarations")).json()["total"] == 0


async def test_labels_granted_and_revoked_by_officers_only(
    app: FastAPI, signed_in, client: httpx.AsyncClient
) -> None:
    w = await build_world(app, signed_in)
    grant = {"enterprise_id": w.ent_a, "kind": "specialized", "granted_on": "2024-08-16",
             "source": "苏州市工信局 2024 年第二批"}
    assert (await w.member_a.post("/api/industry/labels", json=grant)).status_code == 403
    made = await w.officer.post("/api/industry/labels", json=grant)
    assert made.status_code == 201, made.text
    label = made.json()
    assert (label["enterprise_name"], label["active"]) == ("示例·甲光学", True)
    assert (await w.officer.post("/api/industry/labels", json=grant)).status_code == 409
    missing = await w.officer.post("/api/industry/labels", json={**grant, "enterprise_id": 999})
    assert missing.status_code == 404

    listed = (await client.get("/api/industry/enterprises?label=specialized")).json()
    assert [e["id"] for e in listed["items"]] == [w.ent_a]
    assert listed["items"][0]["labels"] == ["specialized"]

    too_early = await w.officer.post(f"/api/industry/labels/{label['id']}/revoke",
                                     json={"revoked_on": "2024-01-01", "reason": "复核不通过"})
    assert too_early.status_code == 422
    revoked = await w.officer.post(f"/api/industry/labels/{label['id']}/revoke",
                                   json={"revoked_on": "2025-09-01", "reason": "复核不通过"})
    assert revoked.json()["active"] is False
    assert (await client.get("/api/industry/enterprises?label=specialized")).json()["total"] == 0
    history = (await client.get(f"/api/industry/labels?enterprise_id={w.ent_a}")).json()
    assert history["items"][0]["revoked_reason"] == "复核不通过"
    assert (await client.get("/api/industry/labels?active=true")).json()["total"] == 0
    regrant = await w.officer.post("/api/industry/labels", json=grant)
    assert regrant.status_code == 201
    assert [a for a in await audit_actions(app) if a.startswith("industry.label")] == [
        "industry.label.grant", "industry.label.revoke", "industry.label.grant"]


async def test_directory_filters_by_chain_position_and_officers_move_enterprises(
    app: FastAPI, signed_in, client: httpx.AsyncClient
) -> None:
    w = await build_world(app, signed_in)
    chain = (await client.get("/api/industry/chain")).json()
    assert [s["key"] for s in chain] == ["hardware", "software", "content", "application"]
    assert chain[3]["positions"][1] == {"key": "culture-tourism", "zh": "文化旅游",
                                        "en": "Culture and tourism"}
    engines = (await client.get("/api/industry/enterprises?sub_segment=engines")).json()
    assert [e["id"] for e in engines["items"]] == [w.ent_b]
    body = {"segment": "software", "sub_segment": "optics"}
    url = f"/api/industry/enterprises/{w.ent_a}/chain-position"
    assert (await w.officer.put(url, json=body)).status_code == 422
    assert (await w.member_a.put(url, json=body)).status_code == 403
    moved = await w.officer.put(url, json={"segment": "software", "sub_segment": "tools"})
    assert (moved.json()["segment"], moved.json()["sub_segment"]) == ("software", "tools")
    assert "industry.enterprise.chain" in await audit_actions(app)


async def test_declaration_figures_for_a_period_are_exact(app: FastAPI, signed_in) -> None:
    """What the monthly report says of declarations: confirmed in the period, waiting, and
    each year's confirmed sums as of the period's end."""
    w = await build_world(app, signed_in)

    async def declare(member: httpx.AsyncClient, year: int, revenue: int) -> int:
        made = await member.post("/api/industry/declarations",
                                 json={"year": year, **FIGURES, "revenue": revenue})
        await member.post(f"/api/industry/declarations/{made.json()['id']}/submit")
        return int(made.json()["id"])

    first = await declare(w.member_a, 2024, 300_000_000)
    second = await declare(w.member_b, 2024, 200_000_000)
    await declare(w.member_a, 2025, 999)  # submitted, never confirmed
    for declaration in (first, second):
        await w.officer.post(f"/api/industry/declarations/{declaration}/confirm")

    now = datetime.now(UTC)
    async with app.state.sessionmaker() as session:
        figures = await registry.declaration_figures(session, now - timedelta(hours=1),
                                                     now + timedelta(hours=1))
        before = await registry.declaration_figures(session, now - timedelta(days=2),
                                                    now - timedelta(days=1))
    assert (figures.confirmed_in_period, figures.waiting_for_review) == (2, 1)
    [year] = figures.years
    assert (year.year, year.enterprises, year.revenue) == (2024, 2, 500_000_000)
    assert year.patents == 2 * FIGURES["patents"]
    assert year.headcount == 2 * FIGURES["headcount"]
    # Nothing was confirmed before the period began.
    assert (before.confirmed_in_period, before.years) == (0, [])
