"""Task-force API: the six task forces, their members, tasks, evidence and progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, File, Form, Query, UploadFile
from fastapi.responses import Response

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import REVIEWERS, SIGNED_IN, SIGNED_IN_WRITE, Principal
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.core.storage import BlobStore, download_response, safe_filename
from cityverse.modules.industry.taskforces import service
from cityverse.modules.industry.taskforces.schemas import (
    EvidenceIn,
    EvidenceOut,
    MemberIn,
    ProgressOut,
    TaskForceOut,
    TaskIn,
    TaskOut,
    TaskStatus,
    TaskUpdate,
)

router = make_router("/api/industry/taskforces", "industry-taskforces")

Reader = Annotated[Principal, requires(SIGNED_IN)]
Writer = Annotated[Principal, requires(SIGNED_IN_WRITE)]
Officer = Annotated[Principal, requires(REVIEWERS)]
Paging = Annotated[PageParams, Depends(page_params)]


@router.get("", response_model=PageOut[TaskForceOut])
async def list_taskforces(db: Db, me: Reader, paging: Paging) -> PageOut[TaskForceOut]:
    """The task forces with their members and progress."""
    page = await service.list_taskforces(db, paging)
    items = await service.describe_taskforces(db, me, page.items)
    return PageOut[TaskForceOut](items=items, total=page.total, page=page.page, size=page.size)


@router.get("/progress", response_model=list[ProgressOut])
async def progress(db: Db, _: Reader) -> list[ProgressOut]:
    """Per task force: tasks total, done, late, and mean progress (for the dashboard)."""
    return await service.progress_summary(db)


@router.get("/{taskforce_id}", response_model=TaskForceOut)
async def get_taskforce(taskforce_id: int, db: Db, me: Reader) -> TaskForceOut:
    """One task force."""
    found = await service.get_taskforce(db, taskforce_id)
    return (await service.describe_taskforces(db, me, [found]))[0]


@router.put("/{taskforce_id}/members", response_model=TaskForceOut)
async def set_member(taskforce_id: int, body: MemberIn, db: Db, me: Officer) -> TaskForceOut:
    """Add a member to a task force, or change whether they lead it (officers)."""
    await service.set_member(db, me, taskforce_id, body.user_id, body.is_lead)
    return (await service.describe_taskforces(
        db, me, [await service.get_taskforce(db, taskforce_id)]))[0]


@router.delete("/{taskforce_id}/members/{user_id}", status_code=204)
async def remove_member(taskforce_id: int, user_id: int, db: Db, me: Officer) -> Response:
    """Take a member off a task force (officers)."""
    await service.remove_member(db, me, taskforce_id, user_id)
    return Response(status_code=204)


@router.get("/{taskforce_id}/tasks", response_model=PageOut[TaskOut])
async def list_tasks(
    taskforce_id: int, db: Db, _: Reader, paging: Paging,
    status: TaskStatus | None = Query(None),
    late: bool | None = Query(None, description="Only (or no) tasks past their deadline."),
    owner_id: int | None = Query(None),
) -> PageOut[TaskOut]:
    """A task force's tasks, by deadline."""
    page = await service.list_tasks(db, taskforce_id, paging, status=status, late=late,
                                    owner_id=owner_id)
    return PageOut[TaskOut](items=await service.describe_tasks(db, page.items),
                            total=page.total, page=page.page, size=page.size)


@router.post("/{taskforce_id}/tasks", response_model=TaskOut, status_code=201)
async def create_task(taskforce_id: int, body: TaskIn, db: Db, me: Writer) -> TaskOut:
    """Add a task (the task force's lead, or officers)."""
    task = await service.create_task(db, me, taskforce_id, body)
    return (await service.describe_tasks(db, [task]))[0]


@router.patch("/tasks/{task_id}", response_model=TaskOut)
async def update_task(task_id: int, body: TaskUpdate, db: Db, me: Writer) -> TaskOut:
    """Update a task's progress, status, owner or deadline (its task force's members, or
    officers)."""
    task = await service.update_task(db, me, task_id, body)
    return (await service.describe_tasks(db, [task]))[0]


@router.get("/tasks/{task_id}/evidence", response_model=list[EvidenceOut])
async def list_evidence(task_id: int, db: Db, _: Reader) -> list[EvidenceOut]:
    """The evidence of a task's progress."""
    return [EvidenceOut.model_validate(e) for e in await service.list_evidence(db, task_id)]


@router.post("/tasks/{task_id}/evidence", response_model=EvidenceOut, status_code=201)
async def add_evidence(task_id: int, body: EvidenceIn, db: Db, me: Writer) -> EvidenceOut:
    """Add a note or a link as evidence."""
    return EvidenceOut.model_validate(await service.add_evidence(db, me, task_id, body))


@router.post("/tasks/{task_id}/evidence/file", response_model=EvidenceOut, status_code=201,
             responses={413: {"description": "File too large."},
                        415: {"description": "Type not accepted."}})
async def add_evidence_file(
    task_id: int, db: Db, me: Writer, settings: AppSettings,
    file: UploadFile = File(description="PDF, PNG, JPEG, DOCX, XLSX or plain text."),
    note: str = Form("", max_length=4000),
) -> EvidenceOut:
    """Attach a file as evidence; its type is told by its content, its size is limited."""
    data = await file.read(settings.upload_max_bytes + 1)
    added = await service.add_evidence_file(
        db, BlobStore.for_settings(settings), me, task_id, safe_filename(file.filename), data,
        settings.upload_max_bytes, note,
    )
    return EvidenceOut.model_validate(added)


@router.get("/evidence/{evidence_id}/file", response_class=Response,
            responses={200: {"description": "The file's bytes."}})
async def download_evidence(
    evidence_id: int, db: Db, me: Reader, settings: AppSettings
) -> Response:
    """Download a file of evidence (the task force's members and officers)."""
    found = await service.evidence_file(db, me, evidence_id)
    assert found.blob_key is not None and found.content_type is not None
    data = BlobStore.for_settings(settings).get(found.blob_key)
    return download_response(data, found.content_type, found.filename or "evidence")
