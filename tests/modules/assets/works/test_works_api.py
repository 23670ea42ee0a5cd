"""Uploading and registering works over HTTP: type and size checks leave nothing behind, the
original is stored encrypted and only its creator downloads it, the registration is a signed
entry of the verifiable log."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from cityverse.core.config import Settings
from cityverse.modules.assets.identity import WorkRegister, open_transaction
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.models import LedgerEntry
from cityverse.modules.assets.works.models import Work
from tests_support import audit_actions

from .conftest import UPLOAD_LIMIT, Creator, glb_bytes, png_bytes, upload


async def _count(app: FastAPI, model: type) -> int:
    async with app.state.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


def _blob_files(settings: Settings) -> list[Path]:
    root = Path(settings.data_dir) / "blobs"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_a_creator_registers_an_image_on_the_log(
    app: FastAPI, settings: Settings, creator: Creator, client: httpx.AsyncClient
) -> None:
    alice = await creator("alice")
    original = png_bytes()
    response = await upload(alice, original)
    assert response.status_code == 201, response.text
    body = response.json()
    work = body["work"]
    assert body["signing"] is None
    assert work["status"] == "registered" and work["kind"] == "image"
    assert work["media_type"] == "image/png" and work["size_bytes"] == len(original)
    assert work["content_sha256"] == hashlib.sha256(original).hexdigest()
    assert work["creator_did"].startswith("did:key:z6Mk")
    assert work["log_index"] == 0

    async with app.state.sessionmaker() as session:
        entry = await ledger.get_entry(session, work["log_index"])
    transaction = open_transaction(entry.data)
    assert transaction.type == "work.register" and transaction.actor == work["creator_did"]
    assert isinstance(transaction.body, WorkRegister)
    assert transaction.body.content_sha256 == work["content_sha256"]
    assert transaction.body.work_id == work["id"]

    public = await client.get(f"/api/works/{work['id']}")
    assert public.status_code == 200 and public.json()["title"] == "周庄晨雾"
    preview = await client.get(work["preview_url"])
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/jpeg"
    assert preview.content[:3] == b"\xff\xd8\xff" and preview.content != original
    listed = (await client.get("/api/works", params={"kind": "image"})).json()
    assert [w["id"] for w in listed["items"]] == [work["id"]]
    assert (await client.get("/api/works", params={"kind": "audio"})).json()["total"] == 0
    found = await client.get(f"/api/works/by-hash/{work['content_sha256']}")
    assert found.status_code == 200 and found.json()["id"] == work["id"]
    assert "assets.work.upload" in await audit_actions(app)
    assert "assets.key.create" in await audit_actions(app)
    identity = (await alice.get("/api/identity")).json()
    assert identity["did"] == work["creator_did"] and identity["kind"] == "custodial"


async def test_the_original_is_encrypted_at_rest_and_only_its_creator_downloads_it(
    app: FastAPI, settings: Settings, creator: Creator, client: httpx.AsyncClient
) -> None:
    alice, bob = await creator("alice"), await creator("bob")
    original = png_bytes((10, 120, 200))
    work = (await upload(alice, original)).json()["work"]
    [blob] = _blob_files(settings)
    stored = blob.read_bytes()
    assert original not in stored and original[:64] not in stored
    assert len(stored) == len(original) + 12 + 16  # nonce and GCM tag, nothing in clear

    downloaded = await alice.get(f"/api/works/{work['id']}/original")
    assert downloaded.status_code == 200
    assert downloaded.content == original
    assert downloaded.headers["content-type"] == "image/png"
    assert "attachment" in downloaded.headers["content-disposition"]
    assert "assets.work.download" in await audit_actions(app)

    refused = await bob.get(f"/api/works/{work['id']}/original")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "download_not_allowed"
    anonymous = await client.get(f"/api/works/{work['id']}/original")
    assert anonymous.status_code == 401
    missing = await alice.get("/api/works/wdoesnotexist/original")
    assert missing.status_code == 404


async def test_a_tampered_blob_is_not_served(
    settings: Settings, creator: Creator
) -> None:
    alice = await creator("alice")
    work = (await upload(alice, png_bytes())).json()["work"]
    [blob] = _blob_files(settings)
    data = bytearray(blob.read_bytes())
    data[40] ^= 1
    blob.write_bytes(bytes(data))
    response = await alice.get(f"/api/works/{work['id']}/original")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "original_unavailable"


async def test_wrong_types_and_sizes_are_refused_with_nothing_stored(
    app: FastAPI, settings: Settings, creator: Creator
) -> None:
    alice = await creator("alice")
    cases = [
        (b"just some text, not a work", "notes.png", 422, "unsupported_work_type"),
        (b"MZ\x90\x00" + b"\0" * 200, "game.mp4", 422, "unsupported_work_type"),
        (b"", "empty.png", 422, "unsupported_work_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "broken.png", 422, "unreadable_image"),
        (b"%PDF-1.7\n" + b"x" * UPLOAD_LIMIT, "big.pdf", 413, "work_too_large"),
    ]
    for data, name, status, code in cases:
        response = await upload(alice, data, filename=name)
        assert response.status_code == status, (name, response.text)
        assert response.json()["error"]["code"] == code
    assert await _count(app, Work) == 0
    assert await _count(app, LedgerEntry) == 0
    assert _blob_files(settings) == []


async def test_a_blank_title_is_refused(app: FastAPI, creator: Creator) -> None:
    alice = await creator("alice")
    response = await upload(alice, png_bytes(), title="   ")
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "title"
    assert await _count(app, Work) == 0


async def test_a_body_far_over_the_limit_is_cut_off_before_it_is_read(creator: Creator) -> None:
    alice = await creator("alice")
    response = await upload(alice, b"%PDF-" + b"x" * (UPLOAD_LIMIT + 100_000))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_the_same_content_is_registered_once(creator: Creator) -> None:
    alice, bob = await creator("alice"), await creator("bob")
    data = png_bytes((1, 2, 3))
    assert (await upload(alice, data)).status_code == 201
    again = await upload(bob, data, title="抄袭")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "work_already_registered"


async def test_users_without_a_verified_real_name_cannot_register(
    app: FastAPI, signed_in, settings: Settings
) -> None:
    carol = await signed_in("carol")
    response = await upload(carol, png_bytes())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "realname_required"
    assert await _count(app, Work) == 0 and _blob_files(settings) == []


async def test_every_accepted_kind_gets_a_preview(
    creator: Creator, client: httpx.AsyncClient
) -> None:
    alice = await creator("alice")
    samples = {
        "model": (glb_bytes(), "model/gltf-binary"),
        "document": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n",
                     "application/pdf"),
        "audio": (b"OggS\x00\x02" + b"\0" * 60, "audio/ogg"),
        "video": (b"\x00\x00\x00\x18ftypmp42" + b"\0" * 60, "video/mp4"),
    }
    for kind, (data, mime) in samples.items():
        response = await upload(alice, data, title=f"样例 {kind}", filename=f"x.{kind}")
        assert response.status_code == 201, (kind, response.text)
        work = response.json()["work"]
        assert (work["kind"], work["media_type"]) == (kind, mime)
        card = await client.get(work["preview_url"])
        assert card.status_code == 200 and card.content[:3] == b"\xff\xd8\xff"
    mine = (await alice.get("/api/works/mine", params={"sort": "title"})).json()
    assert mine["total"] == 4 and all(w["original_name"] for w in mine["items"])


async def test_lists_refuse_unknown_sorts_and_filters(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/works", params={"sort": "wrapped_data_key"})).status_code == 422
    assert (await client.get("/api/works", params={"kind": "virus"})).status_code == 422
    assert (await client.get("/api/works/by-hash/xyz")).status_code == 422
    assert (await client.get("/api/works/by-hash/" + "0" * 64)).status_code == 404
