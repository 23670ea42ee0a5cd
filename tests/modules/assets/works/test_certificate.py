"""The registration certificate: its JSON verifies with nothing but the log's published key,
and the PDF carries the same facts with a QR code to the verify page."""

from __future__ import annotations

import asyncio
import base64
import re
import zlib

import httpx

from cityverse.modules.assets.identity import open_transaction
from cityverse.modules.assets.ledger import Verifier, leaf_hash, open_checkpoint, verify_inclusion

from .conftest import Creator, glb_bytes, png_bytes, upload


def b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


async def certificate_of(client: httpx.AsyncClient, work_id: str) -> httpx.Response:
    """The certificate, once the appender has signed a checkpoint covering the work."""
    for _ in range(100):
        response = await client.get(f"/api/works/{work_id}/certificate")
        if response.status_code != 409:
            return response
        assert response.json()["error"]["code"] == "certificate_not_ready"
        await asyncio.sleep(0.02)
    raise AssertionError("no checkpoint covered the work")


async def test_the_certificate_proves_the_registration_independently(
    creator: Creator, client: httpx.AsyncClient
) -> None:
    alice = await creator("alice")
    await upload(alice, glb_bytes("first"), title="先登记的模型")
    original = png_bytes((33, 66, 99))
    work = (await upload(alice, original, title="昆山夜景")).json()["work"]
    response = await certificate_of(client, work["id"])
    assert response.status_code == 200, response.text
    cert = response.json()
    assert cert["format"] == "cityverse-work-certificate/v1"
    assert cert["certificate_id"] == work["id"]
    assert cert["verify_url"] == f"http://testserver/verify?cert={work['id']}"
    assert cert["work"]["content_sha256"] == work["content_sha256"]
    assert cert["creator"]["did"] == work["creator_did"]
    assert cert["creator"]["name"] == "alice实名"
    log = cert["log"]
    assert log["index"] == work["log_index"] == 1

    # Check it the way an outsider would: the published key, the checkpoint, the proof.
    published = (await client.get("/api/ledger/vkey")).json()
    assert log["verifier_key"] == published["vkey"]
    checkpoint, _ = open_checkpoint(log["checkpoint"], [Verifier.from_vkey(published["vkey"])],
                                    published["origin"])
    assert checkpoint.tree_size == log["tree_size"] >= 2
    entry = b64(log["entry"])
    assert leaf_hash(entry) == b64(log["leaf_hash"])
    verify_inclusion(log["index"], log["tree_size"], leaf_hash(entry),
                     [b64(h) for h in log["inclusion_proof"]], checkpoint.root_hash)
    transaction = open_transaction(entry)
    assert transaction.actor == cert["creator"]["did"]
    assert transaction.body.model_dump()["content_sha256"] == cert["work"]["content_sha256"]


async def test_the_pdf_carries_the_facts_and_a_qr_code(
    creator: Creator, client: httpx.AsyncClient
) -> None:
    alice = await creator("alice")
    work = (await upload(alice, png_bytes((1, 99, 1)), title="锦溪古镇")).json()["work"]
    assert (await certificate_of(client, work["id"])).status_code == 200
    response = await client.get(f"/api/works/{work['id']}/certificate.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    assert work["content_sha256"] in text
    assert work["creator_did"] in text
    assert f"/verify?cert={work['id']}" in text
    assert b"STSong-Light" in response.content  # the built-in CJK font, not an embedded file


async def test_a_work_awaiting_its_signature_has_no_certificate(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/api/works/wnothing/certificate")).status_code == 404
    assert (await client.get("/api/works/wnothing/certificate.pdf")).status_code == 404


def _pdf_text(pdf: bytes) -> str:
    """The text drawn on the page, from the (compressed) content streams."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = stream.strip()
        if data.endswith(b"~>"):  # reportlab wraps compressed streams in ASCII85
            data = base64.a85decode(data, adobe=True)
        try:
            chunks.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            chunks.append(data.decode("latin-1"))
    return "".join(chunks)
