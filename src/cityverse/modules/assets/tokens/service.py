"""Collections (系列): a creator proposes, an officer reviews, approval mints the editions.

Services never commit. Approval appends the mint transactions to the log before it writes any
row (see ``ledgering`` for why and what a failure leaves behind).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from cityverse.core import audit
from cityverse.core.auth.policy import Principal, Role
from cityverse.core.config import Settings
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError, FieldError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.assets.evm import service as evm
from cityverse.modules.assets.identity import TokenMint
from cityverse.modules.assets.tokens import keys, ledgering
from cityverse.modules.assets.tokens.browser import prepare_burn, prepare_gift
from cityverse.modules.assets.tokens.circulation import (
    burn,
    freeze,
    get_token,
    holds_work,
    list_tokens,
    token_id,
    transfer,
    unfreeze,
)
from cityverse.modules.assets.tokens.demo import (
    backdate_collection,
    backdate_latest_event,
    find_collection,
)
from cityverse.modules.assets.tokens.documents import CheckedDocument, check_documents
from cityverse.modules.assets.tokens.models import (
    AssetCollection,
    AssetCollectionDocument,
    AssetToken,
    AssetTokenEvent,
)
from cityverse.modules.assets.tokens.people import require_realname
from cityverse.modules.assets.tokens.provenance import provenance
from cityverse.modules.assets.works import service as works
from cityverse.modules.assets.works.models import Work

__all__ = [
    "backdate_collection",
    "backdate_latest_event",
    "burn",
    "check_documents",
    "find_collection",
    "freeze",
    "get_collection",
    "get_document",
    "get_token",
    "holds_work",
    "list_collections",
    "list_tokens",
    "prepare_burn",
    "prepare_gift",
    "propose",
    "provenance",
    "review",
    "transfer",
    "unfreeze",
]


def is_officer(principal: Principal | None) -> bool:
    return principal is not None and principal.has_role(Role.OFFICER, Role.ADMIN)


async def propose(
    session: AsyncSession, actor: Principal, *, title: str, description: str,
    edition_count: int, work_id: str, documents: list[CheckedDocument],
) -> AssetCollection:
    require_realname(actor)
    await _require_own_registered_work(session, actor, work_id)
    collection = AssetCollection(
        title=title, description=description, edition_count=edition_count, work_id=work_id,
        creator_id=actor.user_id, status="pending", created_at=utcnow(),
    )
    collection.documents = [
        AssetCollectionDocument(filename=d.filename, media_type=d.media_type,
                                size=len(d.content), sha256=d.sha256, content=d.content)
        for d in documents
    ]
    session.add(collection)
    await session.flush()
    await audit.record(
        session, actor_id=actor.user_id, actor_name=actor.username,
        action="asset.collection.propose", target_type="asset_collection",
        target_id=collection.id,
        after={"title": title, "edition_count": edition_count, "work_id": work_id,
               "documents": [d.sha256 for d in documents]},
    )
    return await _load(session, collection.id)


async def _require_own_registered_work(
    session: AsyncSession, actor: Principal, work_id: str
) -> None:
    """A collection issues a work its creator registered (确权) on the log, nobody else's."""
    refused = AppError(422, "asset_work_not_found", work_id=work_id,
                       fields=[FieldError("work_id", "invalid")])
    try:
        work = await works.get_work(session, work_id, actor.user_id)
    except AppError:
        raise refused from None
    if work.creator_id != actor.user_id or work.registered_at is None:
        raise refused


async def _holder_may_download(session: AsyncSession, work: Work, user_id: int) -> bool:
    """The current owner of a token of a work may download the work's original."""
    return await holds_work(session, work.public_id, user_id)


works.register_download_rule(_holder_may_download)


async def _load(session: AsyncSession, collection_id: int) -> AssetCollection:
    found = await session.scalar(
        select(AssetCollection).where(AssetCollection.id == collection_id)
        .options(selectinload(AssetCollection.documents))
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise AppError(404, "not_found")
    return found


async def get_collection(
    session: AsyncSession, collection_id: int, viewer: Principal | None
) -> AssetCollection:
    """Approved collections are public; a proposal only to its creator and officers."""
    found = await _load(session, collection_id)
    if found.status != "approved" and not _may_see_proposal(found, viewer):
        raise AppError(404, "not_found")
    return found


def _may_see_proposal(collection: AssetCollection, viewer: Principal | None) -> bool:
    return viewer is not None and (viewer.user_id == collection.creator_id or is_officer(viewer))


def may_see_documents(collection: AssetCollection, viewer: Principal | None) -> bool:
    return _may_see_proposal(collection, viewer)


async def get_document(
    session: AsyncSession, collection_id: int, document_id: int, viewer: Principal
) -> AssetCollectionDocument:
    collection = await _load(session, collection_id)
    document = next((d for d in collection.documents if d.id == document_id), None)
    if document is None or not _may_see_proposal(collection, viewer):
        raise AppError(404, "not_found")
    return document


async def list_collections(
    session: AsyncSession, params: PageParams, *, status: str | None = "approved",
    creator_id: int | None = None, q: str | None = None,
) -> Page[AssetCollection]:
    query = select(AssetCollection).options(selectinload(AssetCollection.documents))
    if status:
        query = query.where(AssetCollection.status == status)
    if creator_id is not None:
        query = query.where(AssetCollection.creator_id == creator_id)
    if q:
        query = query.where(func.lower(AssetCollection.title).like(f"%{q.lower()}%"))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(params.apply(
        query, AssetCollection, default="-created_at", allowed={"id", "created_at", "title"}
    ))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def review(
    session: AsyncSession, settings: Settings, actor: Principal, collection_id: int, *,
    approve: bool, reason: str | None,
) -> AssetCollection:
    """Reject with a reason, or approve and mint every edition to the creator."""
    if not approve and not reason:
        raise AppError(422, "validation_error", fields=[FieldError("reason", "required")])
    async with ledgering.lock_for(f"collection:{collection_id}"):
        collection = await _load(session, collection_id)
        if collection.status != "pending":
            raise AppError(409, "asset_collection_not_pending", state=collection.status)
        if collection.creator_id == actor.user_id:
            raise AppError(403, "asset_self_review")
        minted = await _mint(session, settings, collection) if approve else 0
        await _decide(session, actor, collection, approve=approve, reason=reason)
        await audit.record(
            session, actor_id=actor.user_id, actor_name=actor.username,
            action="asset.collection.approve" if approve else "asset.collection.reject",
            target_type="asset_collection", target_id=collection.id,
            before={"status": "pending"},
            after={"status": "approved" if approve else "rejected", "reason": reason,
                   "minted": minted},
        )
    return await _load(session, collection_id)


async def _decide(
    session: AsyncSession, actor: Principal, collection: AssetCollection, *, approve: bool,
    reason: str | None,
) -> None:
    changed = await session.execute(
        update(AssetCollection)
        .where(AssetCollection.id == collection.id, AssetCollection.status == "pending")
        .values(status="approved" if approve else "rejected",
                reject_reason=None if approve else reason, reviewer_id=actor.user_id,
                reviewed_at=utcnow())
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise AppError(409, "asset_collection_not_pending", state="reviewed")


async def _mint(session: AsyncSession, settings: Settings, collection: AssetCollection) -> int:
    """Sign one mint per edition with the creator's key, append them all, then write rows."""
    creator = await keys.signer_for(session, settings, collection.creator_id)
    creator_key = creator.key
    serials = range(1, collection.edition_count + 1)

    def sign_all() -> list[bytes]:
        return [
            ledgering.signed_entry("token.mint", creator_key, TokenMint(
                token_id=token_id(collection.id, serial), collection_id=str(collection.id),
                work_id=collection.work_id, edition=serial, owner=creator_key.did,
            ))
            for serial in serials
        ]

    # Up to 10,000 signatures take a second or more of CPU: off the event loop.
    entries = await asyncio.to_thread(sign_all)
    appended = await ledgering.append_all(entries)
    await keys.keep_new_keys(session, [creator], None)
    now = utcnow()
    await session.execute(insert(AssetToken), [
        {"collection_id": collection.id, "serial": serial, "owner_id": collection.creator_id,
         "acquired_at": now, "frozen": False, "version": 1}
        for serial in serials
    ])
    ids = dict((await session.execute(
        select(AssetToken.serial, AssetToken.id).where(AssetToken.collection_id == collection.id)
    )).tuples().all())
    await session.execute(insert(AssetTokenEvent), [
        {"token_id": ids[serial], "kind": "mint", "actor_id": collection.creator_id,
         "from_user_id": None, "to_user_id": collection.creator_id, "reason": None,
         "leaf_index": entry.leaf_index, "tx_sha256": entry.tx_sha256, "at": now}
        for serial, entry in zip(serials, appended, strict=True)
    ])
    await evm.enqueue_many(session, settings, [
        evm.MirrorOp.mint(entry.tx_sha256, token_id(collection.id, serial), creator_key.did)
        for serial, entry in zip(serials, appended, strict=True)
    ])
    return len(entries)
