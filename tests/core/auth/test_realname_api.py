"""Real-name verification: submit, validation, review by an officer, audit."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from cityverse.core.auth.id_numbers import resident_id_check_char
from cityverse.core.auth.models import RealNameVerification
from cityverse.core.auth.policy import Role
from tests_support import audit_actions


def valid_id(birth: str = "19900307", seq: str = "123") -> str:
    first17 = f"320583{birth}{seq}"
    return first17 + resident_id_check_char(first17)


async def test_submit_approve_flow(signed_in, app: FastAPI) -> None:
    citizen = await signed_in("citizen", Role.VISITOR)
    officer = await signed_in("officer1", Role.OFFICER)
    number = valid_id()
    submitted = await citizen.post(
        "/api/auth/realname", json={"real_name": "张三", "id_number": number.lower()}
    )
    assert submitted.status_code == 201, submitted.text
    body = submitted.json()
    assert body["status"] == "pending"
    assert body["id_number_masked"] == number[:6] + "********" + number[-4:]
    assert (body["birth_date"], body["gender"]) == ("1990-03-07", "male")
    assert (await citizen.get("/api/auth/me")).json()["realname_status"] == "pending"

    queue = (await officer.get("/api/auth/realname/requests?status=pending")).json()
    assert queue["total"] == 1 and queue["items"][0]["username"] == "citizen"
    approved = await officer.post(f"/api/auth/realname/requests/{body['id']}/approve")
    assert approved.status_code == 200
    assert approved.json()["reviewer"] == "officer1"
    me = (await citizen.get("/api/auth/me")).json()
    assert (me["realname_status"], me["realname_name"]) == ("approved", "张三")
    again = await officer.post(f"/api/auth/realname/requests/{body['id']}/approve")
    assert again.status_code == 409
    actions = await audit_actions(app)
    assert actions[-2:] == ["realname.submit", "realname.approve"]


async def test_number_is_stored_encrypted_not_in_clear(signed_in, app: FastAPI) -> None:
    citizen = await signed_in("citizen", Role.VISITOR)
    number = valid_id()
    await citizen.post("/api/auth/realname", json={"real_name": "张三", "id_number": number})
    async with app.state.sessionmaker() as session:
        row = await session.scalar(select(RealNameVerification))
    assert row is not None
    assert number not in row.id_encrypted and number[6:14] not in row.id_masked


async def test_reject_then_resubmit(signed_in) -> None:
    citizen = await signed_in("citizen", Role.VISITOR)
    officer = await signed_in("officer1", Role.OFFICER)
    first = (await citizen.post(
        "/api/auth/realname", json={"real_name": "张三", "id_number": valid_id()}
    )).json()
    no_reason = await officer.post(f"/api/auth/realname/requests/{first['id']}/reject", json={})
    assert no_reason.status_code == 422
    rejected = await officer.post(
        f"/api/auth/realname/requests/{first['id']}/reject", json={"reason": "姓名与证件不符"}
    )
    assert rejected.json()["status"] == "rejected"
    mine = (await citizen.get("/api/auth/realname")).json()
    assert (mine["status"], mine["reject_reason"]) == ("rejected", "姓名与证件不符")
    second = await citizen.post(
        "/api/auth/realname", json={"real_name": "张三", "id_number": valid_id()}
    )
    assert second.status_code == 201


async def test_invalid_numbers_are_field_errors(signed_in) -> None:
    citizen = await signed_in("citizen", Role.VISITOR)
    good = valid_id()
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    cases = {
        "12345": "id_format",
        "990583199003071230": "id_region",
        "320583199002301230": "id_birth_date",
        wrong_check: "id_check_digit",
    }
    for number, code in cases.items():
        response = await citizen.post(
            "/api/auth/realname", json={"real_name": "张三", "id_number": number}
        )
        assert response.status_code == 422, number
        fields = response.json()["error"]["fields"]
        assert [(f["field"], f["code"]) for f in fields] == [("id_number", code)]
        assert fields[0]["message"]
    bad_name = await citizen.post(
        "/api/auth/realname", json={"real_name": "张3", "id_number": good}
    )
    assert bad_name.json()["error"]["fields"][0]["code"] == "real_name"
    assert (await citizen.get("/api/auth/realname")).json() is None


async def test_one_pending_request_and_one_account_per_person(signed_in) -> None:
    first = await signed_in("first", Role.VISITOR)
    second = await signed_in("second", Role.VISITOR)
    number = valid_id()
    assert (await first.post("/api/auth/realname",
                             json={"real_name": "张三", "id_number": number})).status_code == 201
    twice = await first.post("/api/auth/realname", json={"real_name": "张三", "id_number": number})
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "realname_pending")
    taken = await second.post("/api/auth/realname", json={"real_name": "张三", "id_number": number})
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "id_number_in_use")


async def test_officer_cannot_approve_own_request(signed_in) -> None:
    officer = await signed_in("officer1", Role.OFFICER)
    mine = (await officer.post(
        "/api/auth/realname", json={"real_name": "王晓", "id_number": valid_id()}
    )).json()
    response = await officer.post(f"/api/auth/realname/requests/{mine['id']}/approve")
    assert response.status_code == 403


async def test_review_of_missing_request_is_404(signed_in) -> None:
    officer = await signed_in("officer1", Role.OFFICER)
    response = await officer.post("/api/auth/realname/requests/999/approve")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_queue_paging_and_sort_validation(signed_in, client: httpx.AsyncClient) -> None:
    officer = await signed_in("officer1", Role.OFFICER)
    for index in range(3):
        citizen = await signed_in(f"c{index}", Role.VISITOR)
        await citizen.post("/api/auth/realname",
                           json={"real_name": "张三", "id_number": valid_id(seq=f"10{index}")})
    page = (await officer.get("/api/auth/realname/requests?size=2&page=2")).json()
    assert (page["total"], page["page"], len(page["items"])) == (3, 2, 1)
    newest_first = (await officer.get("/api/auth/realname/requests?sort=-submitted_at")).json()
    assert newest_first["items"][0]["username"] == "c2"
    bad = await officer.get("/api/auth/realname/requests?sort=password")
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "sort"
