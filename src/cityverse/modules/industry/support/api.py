"""Innovation-center service API: the catalog, service requests and their workflow, figures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, File, Query, UploadFile
from fastapi.responses import Response

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import (
    PUBLIC,
    REVIEWERS,
    SIGNED_IN,
    SIGNED_IN_WRITE,
    Principal,
    Role,
    Scope,
    roles_policy,
)
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.core.ratelimit import RateLimiter
from cityverse.core.storage import BlobStore, download_response
from cityverse.modules.industry.support import catalog, service, workflow
from cityverse.modules.industry.support.models import ServiceRequest
from cityverse.modules.industry.support.schemas import (
    AcceptIn,
    AssignIn,
    AttachmentOut,
    Category,
    CommentIn,
    CommentOut,
    PersonOut,
    RatingIn,
    RejectIn,
    RequestIn,
    RequestOut,
    RequestStatus,
    ResolveIn,
    ServiceIn,
    ServiceOut,
    ServiceUpdate,
    SupportStatsOut,
)

router = make_router("/api/industry/support", "industry-support")

Anyone = Annotated[None, requires(PUBLIC)]
Reader = Annotated[Principal, requires(SIGNED_IN)]
Writer = Annotated[Principal, requires(SIGNED_IN_WRITE)]
Officer = Annotated[Principal, requires(REVIEWERS)]
OfficerReader = Annotated[
    Principal, requires(roles_policy(Role.OFFICER, Role.ADMIN, scope=Scope.READ))
]
Paging = Annotated[PageParams, Depends(page_params)]
# Members' writes are damped per user: a script filing requests or comments in a loop would
# flood the officers' workbench and their notifications.
member_writes = RateLimiter("support_member_writes", limit=30, window_seconds=60)
member_uploads = RateLimiter("support_member_uploads", limit=10, window_seconds=60)
UPLOAD_DOC: dict[int | str, dict[str, Any]] = {
    413: {"description": "File too large."}, 415: {"description": "Type not accepted."},
}


async def _one(db: Db, request_id: int) -> RequestOut:
    found = await db.get(ServiceRequest, request_id)
    assert found is not None
    return (await service.describe(db, [found]))[0]


# ---- catalog ------------------------------------------------------------------------------


@router.get("/services", response_model=PageOut[ServiceOut])
async def list_services(
    db: Db, _: Anyone, paging: Paging,
    category: Category | None = Query(None, description="Service category."),
    q: str | None = Query(None, max_length=64, description="Part of the name or description."),
) -> PageOut[ServiceOut]:
    """The service catalog of the innovation center (services on offer)."""
    page = await catalog.list_services(db, paging, category=category, q=q)
    return page.to_out(ServiceOut.model_validate)


@router.get("/services/{service_id}", response_model=ServiceOut)
async def get_service(service_id: int, db: Db, _: Anyone) -> ServiceOut:
    """One service with its providers."""
    return ServiceOut.model_validate(await catalog.get_service(db, service_id))


@router.post("/services", response_model=ServiceOut, status_code=201)
async def create_service(body: ServiceIn, db: Db, me: Officer) -> ServiceOut:
    """Add a service to the catalog (officers)."""
    return ServiceOut.model_validate(await catalog.create_service(db, me, body))


@router.patch("/services/{service_id}", response_model=ServiceOut)
async def update_service(
    service_id: int, body: ServiceUpdate, db: Db, me: Officer
) -> ServiceOut:
    """Change a service, replace its providers, or take it off the catalog (officers)."""
    return ServiceOut.model_validate(await catalog.update_service(db, me, service_id, body))


# ---- requests -----------------------------------------------------------------------------


@router.get("/requests", response_model=PageOut[RequestOut])
async def list_requests(
    db: Db, me: Reader, paging: Paging,
    status: RequestStatus | None = Query(None),
    overdue: bool | None = Query(None, description="Only (or no) requests past their due date."),
    assignee_id: int | None = Query(None, description="Assigned to this officer."),
    unassigned: bool = Query(False, description="Only requests nobody is assigned to."),
    enterprise_id: int | None = Query(None),
    service_id: int | None = Query(None),
    q: str | None = Query(None, max_length=64, description="Part of the title."),
) -> PageOut[RequestOut]:
    """Service requests: officers see all, enterprise members their own enterprise's."""
    page = await service.list_requests(
        db, me, paging, status=status, overdue=overdue, assignee_id=assignee_id,
        unassigned=unassigned, enterprise_id=enterprise_id, service_id=service_id, q=q,
    )
    return PageOut[RequestOut](items=await service.describe(db, page.items), total=page.total,
                               page=page.page, size=page.size)


@router.post("/requests", response_model=RequestOut, status_code=201)
async def file_request(body: RequestIn, db: Db, me: Writer) -> RequestOut:
    """File a service request for the caller's enterprise."""
    member_writes.hit(str(me.user_id))
    created = await service.file_request(db, me, body)
    return await _one(db, created.id)


@router.get("/requests/{request_id}", response_model=RequestOut)
async def get_request(request_id: int, db: Db, me: Reader) -> RequestOut:
    """One service request (404 for another enterprise's)."""
    found = await service.visible_request(db, me, request_id)
    return (await service.describe(db, [found]))[0]


@router.post("/requests/{request_id}/accept", response_model=RequestOut)
async def accept_request(request_id: int, body: AcceptIn, db: Db, me: Officer) -> RequestOut:
    """Accept a submitted request, optionally assigning an officer (officers)."""
    found = await service.visible_request(db, me, request_id)
    await workflow.accept(db, me, found, body.assignee_id)
    return await _one(db, request_id)


@router.post("/requests/{request_id}/assign", response_model=RequestOut)
async def assign_request(request_id: int, body: AssignIn, db: Db, me: Officer) -> RequestOut:
    """Assign an open request to an officer (officers)."""
    found = await service.visible_request(db, me, request_id)
    await workflow.assign(db, me, found, body.assignee_id)
    return await _one(db, request_id)


@router.post("/requests/{request_id}/start", response_model=RequestOut)
async def start_request(request_id: int, db: Db, me: Officer) -> RequestOut:
    """Start work on an accepted request (officers)."""
    found = await service.visible_request(db, me, request_id)
    await workflow.start(db, me, found)
    return await _one(db, request_id)


@router.post("/requests/{request_id}/resolve", response_model=RequestOut)
async def resolve_request(request_id: int, body: ResolveIn, db: Db, me: Officer) -> RequestOut:
    """Close a request in progress as resolved (officers)."""
    found = await service.visible_request(db, me, request_id)
    await workflow.resolve(db, me, found, body.resolution)
    return await _one(db, request_id)


@router.post("/requests/{request_id}/reject", response_model=RequestOut)
async def reject_request(request_id: int, body: RejectIn, db: Db, me: Officer) -> RequestOut:
    """Reject an open request, saying why (officers)."""
    found = await service.visible_request(db, me, request_id)
    await workflow.reject(db, me, found, body.reason)
    return await _one(db, request_id)


@router.post("/requests/{request_id}/rating", response_model=RequestOut)
async def rate_request(request_id: int, body: RatingIn, db: Db, me: Writer) -> RequestOut:
    """Rate a resolved request 1–5 (the person who filed it, once)."""
    member_writes.hit(str(me.user_id))
    found = await service.visible_request(db, me, request_id)
    await workflow.rate(db, me, found, body.score, body.comment)
    return await _one(db, request_id)


@router.get("/requests/{request_id}/comments", response_model=list[CommentOut])
async def list_comments(request_id: int, db: Db, me: Reader) -> list[CommentOut]:
    """The conversation on a request, oldest first."""
    return [CommentOut.model_validate(c) for c in await service.list_comments(db, me, request_id)]


@router.post("/requests/{request_id}/comments", response_model=CommentOut, status_code=201)
async def add_comment(request_id: int, body: CommentIn, db: Db, me: Writer) -> CommentOut:
    """Add a comment (the enterprise's members and officers)."""
    member_writes.hit(str(me.user_id))
    found = await service.visible_request(db, me, request_id)
    return CommentOut.model_validate(await workflow.comment(db, me, found, body.body))


@router.get("/requests/{request_id}/attachments", response_model=list[AttachmentOut])
async def list_attachments(request_id: int, db: Db, me: Reader) -> list[AttachmentOut]:
    """Files attached to a request."""
    rows = await service.list_attachments(db, me, request_id)
    return [AttachmentOut.model_validate(a) for a in rows]


@router.post("/requests/{request_id}/attachments", response_model=AttachmentOut,
             status_code=201, responses=UPLOAD_DOC)
async def add_attachment(
    request_id: int, db: Db, me: Writer, settings: AppSettings,
    file: UploadFile = File(description="PDF, PNG, JPEG, DOCX, XLSX or plain text."),
) -> AttachmentOut:
    """Attach a file; its type is told by its content, its size is limited."""
    member_uploads.hit(str(me.user_id))
    found = await service.visible_request(db, me, request_id)
    data = await file.read(settings.upload_max_bytes + 1)
    added = await service.add_attachment(
        db, BlobStore.for_settings(settings), me, found, file.filename, data,
        settings.upload_max_bytes,
    )
    return AttachmentOut.model_validate(added)


@router.get("/attachments/{attachment_id}", response_class=Response,
            responses={200: {"description": "The file's bytes."}})
async def download_attachment(
    attachment_id: int, db: Db, me: Reader, settings: AppSettings
) -> Response:
    """Download an attachment (the enterprise's members and officers)."""
    found = await service.get_attachment(db, me, attachment_id)
    data = BlobStore.for_settings(settings).get(found.blob_key)
    return download_response(data, found.content_type, found.filename)


@router.get("/officers", response_model=list[PersonOut])
async def list_officers(db: Db, _: OfficerReader) -> list[PersonOut]:
    """Officers requests can be assigned to (officers)."""
    return await service.officers(db)


@router.get("/stats", response_model=SupportStatsOut)
async def support_stats(db: Db, _: OfficerReader) -> SupportStatsOut:
    """Requests per month and quarter, open, overdue, days to resolve, satisfaction."""
    return await service.stats(db)
