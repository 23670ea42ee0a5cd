"""The works API: upload and register a work, list and read works, previews, originals."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC, SIGNED_IN, SIGNED_IN_WRITE, Principal
from cityverse.core.errors import AppError, FieldError
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.modules.assets.identity.b64url import b64url_encode
from cityverse.modules.assets.keys.schemas import PreparedOut
from cityverse.modules.assets.works import messages as _messages  # noqa: F401 - registers them
from cityverse.modules.assets.works import service
from cityverse.modules.assets.works.certificate import certificate_data, certificate_pdf
from cityverse.modules.assets.works.models import AWAITING_SIGNATURE, REGISTERED, Work
from cityverse.modules.assets.works.schemas import CertificateOut, MyWorkOut, UploadedOut, WorkOut

router = make_router("/api/works", "works")

Anyone = Annotated[None, requires(PUBLIC)]
Reader = Annotated[Principal, requires(SIGNED_IN)]
Writer = Annotated[Principal, requires(SIGNED_IN_WRITE)]
Paging = Annotated[PageParams, Depends(page_params)]
WorkId = Annotated[str, Path(min_length=1, max_length=24, pattern=r"^[A-Za-z0-9]+$")]
Kind = Literal["image", "model", "audio", "video", "document"]
CHUNK = 1 << 20
# Previews change only if the work is re-made, which never happens; a day of caching is safe.
PREVIEW_CACHE = "public, max-age=86400"


async def _read_limited(file: UploadFile, limit: int) -> bytes:
    """Read the upload, refusing it as soon as it passes the limit."""
    parts: list[bytes] = []
    size = 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise AppError(413, "work_too_large", limit=limit)
        parts.append(chunk)
    return b"".join(parts)


def _mine(work: Work) -> MyWorkOut:
    return MyWorkOut(**WorkOut.of(work).model_dump(), original_name=work.original_name)


@router.post("", response_model=UploadedOut, status_code=201)
async def upload_work(
    db: Db, settings: AppSettings, me: Writer,
    file: Annotated[UploadFile, File(description="PNG/JPEG/WebP, GLB, MP3/WAV/OGG, MP4/WebM "
                                                 "or PDF; the type is read from the bytes.")],
    title: Annotated[str, Form(min_length=1, max_length=200)],
    description: Annotated[str, Form(max_length=2000)] = "",
) -> UploadedOut:
    """Upload a work: it is encrypted, hashed and registered on the verifiable log (确权)."""
    if not title.strip():
        raise AppError(422, "validation_error", fields=[FieldError("title", "required")])
    data = await _read_limited(file, settings.assets_max_upload_bytes)
    upload = service.Upload(data, file.filename or "work", title.strip(), description.strip())
    work = await service.create_work(db, settings, me, upload)
    signing = None
    if work.status == AWAITING_SIGNATURE:
        payload, message = service.register_payload(work)
        signing = {"payload": payload, "message": b64url_encode(message)}
    return UploadedOut(work=_mine(work), signing=signing)


@router.get("", response_model=PageOut[WorkOut])
async def list_works(
    db: Db, _: Anyone, paging: Paging,
    kind: Annotated[Kind | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the title.")] = None,
    creator_did: Annotated[str | None, Query(max_length=100)] = None,
) -> PageOut[WorkOut]:
    """Registered works, newest first; filter by kind, title or creator DID."""
    page = await service.list_works(db, paging, kind=kind, q=q, creator_did=creator_did)
    return page.to_out(WorkOut.of)


@router.get("/mine", response_model=PageOut[MyWorkOut])
async def list_my_works(
    db: Db, me: Reader, paging: Paging,
    kind: Annotated[Kind | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[Literal["awaiting_signature", "registered"] | None, Query()] = None,
) -> PageOut[MyWorkOut]:
    """My works in every state, newest first."""
    page = await service.list_works(db, paging, kind=kind, q=q, creator_id=me.user_id,
                                    status=status)
    return page.to_out(_mine)


@router.get("/by-hash/{sha256}", response_model=WorkOut)
async def work_by_hash(
    db: Db, _: Anyone, sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
) -> WorkOut:
    """The registered work whose original has this SHA-256 (hex), if any."""
    work = await service.find_by_hash(db, sha256)
    if work is None or work.status != REGISTERED:
        raise AppError(404, "work_not_found")
    return WorkOut.of(work)


@router.get("/{work_id}", response_model=WorkOut)
async def get_work(db: Db, _: Anyone, work_id: WorkId) -> WorkOut:
    """One registered work."""
    return WorkOut.of(await service.get_work(db, work_id, None))


@router.get("/{work_id}/preview", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}}, "description": "The preview."}})
async def work_preview(db: Db, _: Anyone, work_id: WorkId) -> Response:
    """The public preview: a small watermarked picture, or a card for non-image works."""
    data = await service.preview_of(db, work_id, None)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": PREVIEW_CACHE})


@router.get("/{work_id}/original", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}},
                             "description": "The decrypted original."}})
async def download_original(db: Db, settings: AppSettings, me: Reader, work_id: WorkId) -> Response:
    """The decrypted original, for its creator (and, with tokens, its current holder)."""
    work, data = await service.original_of(db, settings, work_id, me)
    filename = quote(work.original_name)
    return Response(data, media_type=work.media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{filename}",
        "Cache-Control": "private, no-store",
    })


@router.post("/{work_id}/signing", response_model=PreparedOut)
async def prepare_registration(db: Db, me: Writer, work_id: WorkId) -> PreparedOut:
    """A fresh registration payload for my work awaiting my browser's signature."""
    work = await service.get_work(db, work_id, me.user_id)
    if work.creator_id != me.user_id or work.status != AWAITING_SIGNATURE:
        raise AppError(409, "work_already_registered")
    payload, message = service.register_payload(work)
    return PreparedOut(payload=payload, message=b64url_encode(message))


async def _certificate(
    request: Request, db: Db, settings: AppSettings, work_id: str
) -> dict[str, object]:
    work = await service.get_work(db, work_id, None)
    return await certificate_data(db, settings, work, str(request.base_url))


@router.get("/{work_id}/certificate", response_model=CertificateOut)
async def work_certificate(
    request: Request, db: Db, settings: AppSettings, _: Anyone, work_id: WorkId
) -> dict[str, object]:
    """The registration certificate as JSON: the facts and proofs a verifier checks offline."""
    return await _certificate(request, db, settings, work_id)


@router.get("/{work_id}/certificate.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}},
                             "description": "The printable certificate."}})
async def work_certificate_pdf(
    request: Request, db: Db, settings: AppSettings, _: Anyone, work_id: WorkId
) -> Response:
    """The registration certificate as a PDF with a QR code to the public verify page."""
    data = await _certificate(request, db, settings, work_id)
    return Response(certificate_pdf(data), media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="certificate-{work_id}.pdf"'})
