from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from fastapi import FastAPI

from cityverse.core.auth.policy import Role
from cityverse.modules.industry.taskforces import service
from cityverse.modules.industry.taskforces.models import TaskForce, TaskForceTask
from modules.industry.support_fixtures import PDF, user_id
from tests_support import audit_actions

API = "/api/industry/taskforces"
TODAY = date.today()


class Crew:
    def __init__(self, lead: httpx.AsyncClient, member: httpx.AsyncClient,
                 outsider: httpx.AsyncClient, officer: httpx.AsyncClient, ids: dict[str, int],
                 forces: dict[str, int]) -> None:
        self.lead, self.member, self.outsider, self.officer = lead, member, outsider, officer
        self.ids, self.forces = ids, forces


@pytest.fixture
async def crew(app: FastAPI, signed_in) -> Crew:
    lead = await signed_in("lead", Role.OFFICER)
    member = await signed_in("member", Role.ENTERPRISE)
    outsider = await signed_in("outsider", Role.ENTERPRISE)
    officer = await signed_in("boss", Role.OFFICER)
    ids = {n: await user_id(c) for n, c in
           (("lead", lead), ("member", member), ("outsider", outsider))}
    async with app.state.sessionmaker() as session, session.begin():
        industry = TaskForce(key="industrial", name="工业元宇宙专班", name_en="Industrial")
        ecosystem = TaskForce(key="ecosystem", name="创新生态专班", name_en="Ecosystem")
        session.add_all([industry, ecosystem])
        await session.flush()
        await service.set_member(session, None, industry.id, ids["lead"], True)
        await service.set_member(session, None, industry.id, ids["member"], False)
        await service.set_member(session, None, ecosystem.id, ids["outsider"], False)
        session.add_all([
            TaskForceTask(taskforce_id=industry.id, title="已完成", deadline=TODAY,
                          progress=100, status="done"),
            TaskForceTask(taskforce_id=industry.id, title="逾期", deadline=TODAY - timedelta(1),
                          progress=40, status="in_progress"),
            TaskForceTask(taskforce_id=industry.id, title="未到期", deadline=TODAY + timedelta(9),
                          progress=20, status="in_progress"),
        ])
        forces = {"industrial": industry.id, "ecosystem": ecosystem.id}
    return Crew(lead, member, outsider, officer, ids, forces)


async def test_progress_summary_counts_done_late_and_mean(app: FastAPI, crew: Crew) -> None:
    async with app.state.sessionmaker() as session:
        summary = {p.key: p for p in await service.progress_summary(session)}
    industrial = summary["industrial"]
    assert (industrial.tasks, industrial.done, industrial.late) == (3, 1, 1)
    assert industrial.mean_progress == round((100 + 40 + 20) / 3, 1)
    ecosystem = summary["ecosystem"]
    assert (ecosystem.tasks, ecosystem.done, ecosystem.late, ecosystem.mean_progress) == (
        0, 0, 0, 0.0)
    api = (await crew.member.get(f"{API}/progress")).json()
    assert [p["key"] for p in api] == ["industrial", "ecosystem"]
    assert api[0]["late"] == 1


async def test_list_and_detail_show_members_and_late_tasks(crew: Crew) -> None:
    listed = (await crew.member.get(API)).json()
    assert listed["total"] == 2
    industrial = next(t for t in listed["items"] if t["key"] == "industrial")
    assert industrial["is_member"] is True
    assert [m["is_lead"] for m in industrial["members"]] == [True, False]
    tasks = (await crew.member.get(f"{API}/{crew.forces['industrial']}/tasks")).json()
    assert [(t["title"], t["late"]) for t in tasks["items"]] == [
        ("逾期", True), ("已完成", False), ("未到期", False)]
    late = (await crew.member.get(f"{API}/{crew.forces['industrial']}/tasks?late=true")).json()
    assert [t["title"] for t in late["items"]] == ["逾期"]
    assert (await crew.member.get(f"{API}/999")).status_code == 404


async def _task(crew: Crew, title: str) -> int:
    tasks = (await crew.officer.get(f"{API}/{crew.forces['industrial']}/tasks")).json()
    return int(next(t["id"] for t in tasks["items"] if t["title"] == title))


async def test_members_update_their_own_task_force_only(app: FastAPI, crew: Crew) -> None:
    task = await _task(crew, "未到期")
    moved = await crew.member.patch(f"{API}/tasks/{task}", json={"progress": 60})
    assert moved.status_code == 200
    assert moved.json()["progress"] == 60
    refused = await crew.outsider.patch(f"{API}/tasks/{task}", json={"progress": 90})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "taskforce_not_a_member"
    by_officer = await crew.officer.patch(f"{API}/tasks/{task}", json={"progress": 100})
    assert by_officer.json()["status"] == "done"  # 100 % means done
    assert by_officer.json()["done_at"] is not None
    reopened = await crew.member.patch(f"{API}/tasks/{task}", json={"status": "in_progress",
                                                                    "progress": 80})
    assert reopened.json()["done_at"] is None
    bad = await crew.member.patch(f"{API}/tasks/{task}", json={"progress": 101})
    assert bad.status_code == 422
    assert "taskforce.task.update" in await audit_actions(app)


async def test_tasks_are_added_by_the_lead_or_officers(crew: Crew) -> None:
    force = crew.forces["industrial"]
    body = {"title": "建设工业互联网标识节点", "deadline": str(TODAY + timedelta(30)),
            "owner_id": crew.ids["member"]}
    assert (await crew.member.post(f"{API}/{force}/tasks", json=body)).status_code == 403
    created = await crew.lead.post(f"{API}/{force}/tasks", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["owner"]["user_id"] == crew.ids["member"]
    not_member = await crew.officer.post(f"{API}/{force}/tasks", json={
        **body, "owner_id": crew.ids["outsider"]})
    assert not_member.status_code == 422
    assert not_member.json()["error"]["code"] == "taskforce_owner_not_member"


async def test_evidence_notes_links_and_files(app: FastAPI, crew: Crew, settings) -> None:
    task = await _task(crew, "逾期")
    note = await crew.member.post(f"{API}/tasks/{task}/evidence",
                                  json={"kind": "note", "note": "完成场景方案评审"})
    assert note.status_code == 201
    link = await crew.member.post(f"{API}/tasks/{task}/evidence",
                                  json={"kind": "link", "url": "https://example.org/report"})
    assert link.json()["url"] == "https://example.org/report"
    assert (await crew.member.post(f"{API}/tasks/{task}/evidence",
                                   json={"kind": "link"})).status_code == 422
    file = await crew.member.post(f"{API}/tasks/{task}/evidence/file",
                                  files={"file": ("纪要.pdf", PDF, "application/pdf")},
                                  data={"note": "会议纪要"})
    assert file.status_code == 201, file.text
    evidence_id = file.json()["id"]
    assert (await crew.lead.get(f"{API}/evidence/{evidence_id}/file")).content == PDF
    assert (await crew.officer.get(f"{API}/evidence/{evidence_id}/file")).status_code == 200
    assert (await crew.outsider.get(f"{API}/evidence/{evidence_id}/file")).status_code == 404
    wrong = await crew.member.post(f"{API}/tasks/{task}/evidence/file",
                                   files={"file": ("x.exe", b"MZ\x00\x00", "text/plain")})
    assert wrong.status_code == 415
    outsider = await crew.outsider.post(f"{API}/tasks/{task}/evidence",
                                        json={"kind": "note", "note": "x"})
    assert outsider.status_code == 403
    listed = (await crew.outsider.get(f"{API}/tasks/{task}/evidence")).json()
    assert [e["kind"] for e in listed] == ["note", "link", "file"]
    tasks = (await crew.member.get(f"{API}/{crew.forces['industrial']}/tasks")).json()
    assert next(t for t in tasks["items"] if t["id"] == task)["evidence_count"] == 3


async def test_officers_manage_members(crew: Crew) -> None:
    force = crew.forces["ecosystem"]
    added = await crew.officer.put(f"{API}/{force}/members",
                                   json={"user_id": crew.ids["member"], "is_lead": True})
    assert added.status_code == 200
    assert {m["user_id"] for m in added.json()["members"]} == {crew.ids["member"],
                                                              crew.ids["outsider"]}
    assert (await crew.member.put(f"{API}/{force}/members",
                                  json={"user_id": crew.ids["member"]})).status_code == 403
    removed = await crew.officer.delete(f"{API}/{force}/members/{crew.ids['member']}")
    assert removed.status_code == 204
    again = await crew.officer.delete(f"{API}/{force}/members/{crew.ids['member']}")
    assert again.status_code == 404
