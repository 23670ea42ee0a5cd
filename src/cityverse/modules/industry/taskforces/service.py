"""The six task forces of the leading group: members, tasks, evidence, and their progress.

Members update their own task force's tasks; officers and administrators any task force's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.models import User
from cityverse.core.auth.policy import Principal, Role
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.core.storage import BlobStore, check_upload, discard_on_rollback
from cityverse.modules.industry.taskforces import messages as _messages  # noqa: F401
from cityverse.modules.industry.taskforces.models import (
    TaskEvidence,
    TaskForce,
    TaskForceMember,
    TaskForceTask,
)
from cityverse.modules.industry.taskforces.schemas import (
    EvidenceIn,
    MemberOut,
    ProgressOut,
    TaskForceOut,
    TaskIn,
    TaskOut,
    TaskUpdate,
)


def today() -> date:
    return utcnow().date()


def is_officer(principal: Principal) -> bool:
    return principal.has_role(Role.OFFICER, Role.ADMIN)


def late_clause(on: date) -> ColumnElement[bool]:
    return and_(TaskForceTask.deadline < on, TaskForceTask.status != "done")


def is_late(task: TaskForceTask, on: date | None = None) -> bool:
    return task.status != "done" and task.deadline < (on or today())


async def get_taskforce(session: AsyncSession, taskforce_id: int) -> TaskForce:
    found = await session.get(TaskForce, taskforce_id)
    if found is None:
        raise AppError(404, "not_found")
    return found


async def members_of(session: AsyncSession, taskforce_ids: set[int]
                     ) -> dict[int, list[MemberOut]]:
    rows = await session.execute(
        select(TaskForceMember.taskforce_id, User.id, User.display_name, TaskForceMember.is_lead)
        .join(User, User.id == TaskForceMember.user_id)
        .where(TaskForceMember.taskforce_id.in_(taskforce_ids or {-1}))
        .order_by(TaskForceMember.is_lead.desc(), TaskForceMember.id)
    )
    found: dict[int, list[MemberOut]] = defaultdict(list)
    for taskforce_id, user_id, name, lead in rows.tuples():
        found[taskforce_id].append(MemberOut(user_id=user_id, display_name=name, is_lead=lead))
    return found


async def progress_summary(session: AsyncSession, *, on: date | None = None
                           ) -> list[ProgressOut]:
    """Per task force: tasks total, done, late (deadline before `on`, not done), mean progress.
    For the dashboard; one query for all of them."""
    on = on or today()
    done = func.sum(case((TaskForceTask.status == "done", 1), else_=0))
    late = func.sum(case((late_clause(on), 1), else_=0))
    rows = await session.execute(
        select(
            TaskForce.id, TaskForce.key, TaskForce.name, TaskForce.name_en,
            func.count(TaskForceTask.id),
            func.coalesce(done, 0),
            func.coalesce(late, 0),
            func.avg(TaskForceTask.progress),
        )
        .outerjoin(TaskForceTask, TaskForceTask.taskforce_id == TaskForce.id)
        .group_by(TaskForce.id, TaskForce.key, TaskForce.name, TaskForce.name_en)
        .order_by(TaskForce.id)
    )
    return [
        ProgressOut(taskforce_id=i, key=k, name=n, name_en=ne, tasks=total, done=int(done),
                    late=int(late), mean_progress=round(float(avg or 0), 1))
        for i, k, n, ne, total, done, late, avg in rows.tuples()
    ]


async def describe_taskforces(
    session: AsyncSession, principal: Principal, rows: Sequence[TaskForce]
) -> list[TaskForceOut]:
    ids = {t.id for t in rows}
    members = await members_of(session, ids)
    progress = {p.taskforce_id: p for p in await progress_summary(session)}
    return [
        TaskForceOut(
            id=t.id, key=t.key, name=t.name, name_en=t.name_en, description=t.description,
            description_en=t.description_en, members=members.get(t.id, []),
            progress=progress[t.id],
            is_member=any(m.user_id == principal.user_id for m in members.get(t.id, [])),
        )
        for t in rows
    ]


async def list_taskforces(session: AsyncSession, params: PageParams) -> Page[TaskForce]:
    total = await session.scalar(select(func.count()).select_from(TaskForce))
    rows = await session.scalars(
        params.apply(select(TaskForce), TaskForce, default="id", allowed={"id", "name"})
    )
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def membership(session: AsyncSession, taskforce_id: int, user_id: int
                     ) -> TaskForceMember | None:
    found: TaskForceMember | None = await session.scalar(select(TaskForceMember).where(
        TaskForceMember.taskforce_id == taskforce_id, TaskForceMember.user_id == user_id))
    return found


async def check_can_update(session: AsyncSession, principal: Principal, taskforce_id: int
                           ) -> None:
    if is_officer(principal):
        return
    if await membership(session, taskforce_id, principal.user_id) is None:
        raise AppError(403, "taskforce_not_a_member")


async def check_can_plan(session: AsyncSession, principal: Principal, taskforce_id: int
                         ) -> None:
    """Adding tasks: officers, and the task force's lead."""
    if is_officer(principal):
        return
    member = await membership(session, taskforce_id, principal.user_id)
    if member is None or not member.is_lead:
        raise AppError(403, "taskforce_not_lead")


async def list_tasks(
    session: AsyncSession, taskforce_id: int, params: PageParams, *,
    status: str | None = None, late: bool | None = None, owner_id: int | None = None,
) -> Page[TaskForceTask]:
    await get_taskforce(session, taskforce_id)
    query = select(TaskForceTask).where(TaskForceTask.taskforce_id == taskforce_id)
    if status:
        query = query.where(TaskForceTask.status == status)
    if late is True:
        query = query.where(late_clause(today()))
    elif late is False:
        query = query.where(~late_clause(today()))
    if owner_id is not None:
        query = query.where(TaskForceTask.owner_id == owner_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(params.apply(
        query, TaskForceTask, default="deadline",
        allowed={"id", "deadline", "progress", "status", "updated_at"},
    ))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def describe_tasks(session: AsyncSession, rows: Sequence[TaskForceTask]) -> list[TaskOut]:
    owner_ids = {t.owner_id for t in rows if t.owner_id is not None}
    names = dict((await session.execute(
        select(User.id, User.display_name).where(User.id.in_(owner_ids or {-1}))
    )).tuples().all())
    task_ids = {t.id for t in rows}
    evidence = dict((await session.execute(
        select(TaskEvidence.task_id, func.count()).where(TaskEvidence.task_id.in_(task_ids or {-1}))
        .group_by(TaskEvidence.task_id)
    )).tuples().all())
    on = today()
    return [
        TaskOut(
            id=t.id, taskforce_id=t.taskforce_id, title=t.title, description=t.description,
            owner=None if t.owner_id is None else MemberOut(
                user_id=t.owner_id, display_name=names.get(t.owner_id, "?"), is_lead=False),
            deadline=t.deadline, progress=t.progress, status=t.status,
            late=is_late(t, on), evidence_count=evidence.get(t.id, 0), updated_at=t.updated_at,
            done_at=t.done_at,
        )
        for t in rows
    ]


async def get_task(session: AsyncSession, task_id: int) -> TaskForceTask:
    found = await session.get(TaskForceTask, task_id)
    if found is None:
        raise AppError(404, "not_found")
    return found


def _task_state(task: TaskForceTask) -> dict[str, object]:
    return {"status": task.status, "progress": task.progress, "deadline": str(task.deadline),
            "owner_id": task.owner_id}


async def _check_owner(session: AsyncSession, taskforce_id: int, owner_id: int | None) -> None:
    if owner_id is not None and await membership(session, taskforce_id, owner_id) is None:
        raise AppError(422, "taskforce_owner_not_member")


async def create_task(
    session: AsyncSession, principal: Principal, taskforce_id: int, data: TaskIn
) -> TaskForceTask:
    await get_taskforce(session, taskforce_id)
    await check_can_plan(session, principal, taskforce_id)
    await _check_owner(session, taskforce_id, data.owner_id)
    now = utcnow()
    task = TaskForceTask(taskforce_id=taskforce_id, title=data.title,
                         description=data.description, owner_id=data.owner_id,
                         deadline=data.deadline, progress=0, status="todo", created_at=now,
                         updated_at=now)
    session.add(task)
    await session.flush()
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="taskforce.task.create", target_type="taskforce_task",
                       target_id=task.id, after=_task_state(task))
    return task


def apply_progress_rules(task: TaskForceTask, data: TaskUpdate) -> None:
    """Status and progress move together: done means 100 %, 100 % means done, and any
    progress on a task not started means it is in progress."""
    if data.status is not None:
        task.status = data.status
    if data.progress is not None:
        task.progress = data.progress
    if task.status == "done":
        task.progress = 100
    elif data.progress == 100 and data.status is None:
        task.status = "done"
    elif task.progress > 0 and task.status == "todo":
        task.status = "in_progress"
    if task.status == "done" and task.done_at is None:
        task.done_at = utcnow()
    elif task.status != "done":
        task.done_at = None


async def update_task(
    session: AsyncSession, principal: Principal, task_id: int, data: TaskUpdate
) -> TaskForceTask:
    task = await get_task(session, task_id)
    await check_can_update(session, principal, task.taskforce_id)
    if "owner_id" in data.model_fields_set:
        await _check_owner(session, task.taskforce_id, data.owner_id)
        task.owner_id = data.owner_id
    before = _task_state(task)
    for name in ("title", "description", "deadline"):
        value = getattr(data, name)
        if value is not None:
            setattr(task, name, value)
    apply_progress_rules(task, data)
    task.updated_at = utcnow()
    await session.flush()
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="taskforce.task.update", target_type="taskforce_task",
                       target_id=task.id, before=before, after=_task_state(task))
    return task


async def _author(session: AsyncSession, principal: Principal) -> str:
    user = await session.get(User, principal.user_id)
    return user.display_name if user else principal.username


async def add_evidence(
    session: AsyncSession, principal: Principal, task_id: int, data: EvidenceIn
) -> TaskEvidence:
    task = await get_task(session, task_id)
    await check_can_update(session, principal, task.taskforce_id)
    if data.kind == "link" and data.url is None:
        raise AppError(422, "taskforce_link_needs_url")
    if data.kind == "note" and not data.note.strip():
        raise AppError(422, "taskforce_note_empty")
    evidence = TaskEvidence(
        task_id=task.id, kind=data.kind, note=data.note,
        url=str(data.url) if data.kind == "link" and data.url else None,
        author_id=principal.user_id, author_name=await _author(session, principal),
        created_at=utcnow(),
    )
    return await _record_evidence(session, principal, task, evidence)


async def add_evidence_file(
    session: AsyncSession, store: BlobStore, principal: Principal, task_id: int,
    filename: str, data: bytes, max_bytes: int, note: str = "",
) -> TaskEvidence:
    task = await get_task(session, task_id)
    await check_can_update(session, principal, task.taskforce_id)
    content_type = check_upload(data, max_bytes)
    key = store.put(data)
    discard_on_rollback(session, store, key)
    evidence = TaskEvidence(
        task_id=task.id, kind="file", note=note, filename=filename, content_type=content_type,
        size=len(data), blob_key=key, author_id=principal.user_id,
        author_name=await _author(session, principal), created_at=utcnow(),
    )
    return await _record_evidence(session, principal, task, evidence)


async def _record_evidence(session: AsyncSession, principal: Principal, task: TaskForceTask,
                           evidence: TaskEvidence) -> TaskEvidence:
    session.add(evidence)
    task.updated_at = utcnow()
    await session.flush()
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="taskforce.task.evidence", target_type="taskforce_task",
                       target_id=task.id, after={"evidence_id": evidence.id,
                                                 "kind": evidence.kind})
    return evidence


async def list_evidence(session: AsyncSession, task_id: int) -> list[TaskEvidence]:
    await get_task(session, task_id)
    rows = await session.scalars(select(TaskEvidence).where(TaskEvidence.task_id == task_id)
                                 .order_by(TaskEvidence.id))
    return list(rows)


async def evidence_file(session: AsyncSession, principal: Principal, evidence_id: int
                        ) -> TaskEvidence:
    """A file of evidence, for the task force's members and officers."""
    found = await session.get(TaskEvidence, evidence_id)
    if found is None or found.blob_key is None:
        raise AppError(404, "not_found")
    task = await get_task(session, found.task_id)
    if not is_officer(principal) and await membership(
        session, task.taskforce_id, principal.user_id
    ) is None:
        raise AppError(404, "not_found")
    return found


async def set_member(
    session: AsyncSession, principal: Principal | None, taskforce_id: int, user_id: int,
    is_lead: bool,
) -> TaskForceMember:
    """Add a member or change whether they lead (officers; the city pack passes no one)."""
    await get_taskforce(session, taskforce_id)
    if await session.get(User, user_id) is None:
        raise AppError(422, "taskforce_unknown_user")
    member = await membership(session, taskforce_id, user_id)
    if member is None:
        member = TaskForceMember(taskforce_id=taskforce_id, user_id=user_id, is_lead=is_lead)
        session.add(member)
    member.is_lead = is_lead
    await session.flush()
    if principal is not None:
        await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                           action="taskforce.member.set", target_type="taskforce",
                           target_id=taskforce_id, after={"user_id": user_id,
                                                          "is_lead": is_lead})
    return member


async def remove_member(
    session: AsyncSession, principal: Principal, taskforce_id: int, user_id: int
) -> None:
    member = await membership(session, taskforce_id, user_id)
    if member is None:
        raise AppError(404, "not_found")
    await session.delete(member)
    await session.flush()
    await audit.record(session, actor_id=principal.user_id, actor_name=principal.username,
                       action="taskforce.member.remove", target_type="taskforce",
                       target_id=taskforce_id, before={"user_id": user_id})


# ---- city packs ---------------------------------------------------------------------------


async def upsert_taskforce(
    session: AsyncSession, key: str, *, name: str, name_en: str, description: str,
    description_en: str,
) -> TaskForce:
    found = await session.scalar(select(TaskForce).where(TaskForce.key == key))
    if found is None:
        found = TaskForce(key=key)
        session.add(found)
    found.name, found.name_en = name, name_en
    found.description, found.description_en = description, description_en
    await session.flush()
    return found


async def ensure_task(
    session: AsyncSession, taskforce_id: int, key: str, *, title: str, owner_id: int | None,
    deadline: date, progress: int, status: str,
) -> TaskForceTask:
    """Create the city pack's task once; later runs leave the progress people made alone."""
    found = await session.scalar(select(TaskForceTask).where(TaskForceTask.key == key))
    if found is not None:
        return found
    now = utcnow()
    task = TaskForceTask(
        taskforce_id=taskforce_id, key=key, title=title, owner_id=owner_id, deadline=deadline,
        progress=progress, status=status, created_at=now, updated_at=now,
        done_at=now if status == "done" else None,
    )
    session.add(task)
    await session.flush()
    return task
