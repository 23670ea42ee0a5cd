"""Rows to response models: one place that decides what a viewer sees of a collection."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.auth.policy import Principal
from cityverse.core.config import Settings
from cityverse.core.pagination import Page, PageOut
from cityverse.modules.assets.evm import service as evm
from cityverse.modules.assets.tokens.circulation import TokenRow, token_id, transferable_at
from cityverse.modules.assets.tokens.models import AssetCollection
from cityverse.modules.assets.tokens.people import people_by_id
from cityverse.modules.assets.tokens.schemas import (
    CollectionOut,
    DocumentOut,
    MirrorOpOut,
    PersonOut,
    TokenOut,
)
from cityverse.modules.assets.tokens.service import may_see_documents

_UNKNOWN = PersonOut(username="", display_name="")


def collection_out(
    row: AssetCollection, people: dict[int, PersonOut], viewer: Principal | None
) -> CollectionOut:
    documents = [
        DocumentOut(id=d.id, filename=d.filename, media_type=d.media_type, size=d.size,
                    sha256=d.sha256)
        for d in row.documents
    ] if may_see_documents(row, viewer) else []
    return CollectionOut(
        id=row.id, title=row.title, description=row.description,
        edition_count=row.edition_count, work_id=row.work_id,
        creator=people.get(row.creator_id, _UNKNOWN), status=row.status,
        reject_reason=row.reject_reason, reviewed_at=row.reviewed_at,
        created_at=row.created_at, documents=documents,
    )


async def one_collection(
    session: AsyncSession, row: AssetCollection, viewer: Principal | None
) -> CollectionOut:
    return collection_out(row, await people_by_id(session, [row.creator_id]), viewer)


async def collection_page(
    session: AsyncSession, page: Page[AssetCollection], viewer: Principal | None
) -> PageOut[CollectionOut]:
    people = await people_by_id(session, [c.creator_id for c in page.items])
    return page.to_out(lambda row: collection_out(row, people, viewer))


def token_out(row: TokenRow, people: dict[int, PersonOut], settings: Settings) -> TokenOut:
    token, collection = row.token, row.collection
    return TokenOut(
        collection_id=collection.id, serial=token.serial,
        token_id=token_id(collection.id, token.serial), collection_title=collection.title,
        work_id=collection.work_id, edition_count=collection.edition_count,
        owner=None if token.burned_at else people.get(token.owner_id, _UNKNOWN),
        acquired_at=token.acquired_at, transferable_at=transferable_at(token, settings),
        frozen=token.frozen, freeze_reason=token.freeze_reason, burned_at=token.burned_at,
    )


async def one_token(session: AsyncSession, row: TokenRow, settings: Settings) -> TokenOut:
    out = token_out(row, await people_by_id(session, [row.token.owner_id]), settings)
    ops = await evm.operations_of(session, settings, out.token_id)
    if ops is not None:
        out.mirror = [
            MirrorOpOut(kind=op.kind, status=op.status, attempts=op.attempts,
                        tx_hash=op.tx_hash, block_number=op.block_number, error=op.last_error,
                        created_at=op.created_at, finished_at=op.finished_at)
            for op in ops
        ]
    return out


async def token_page(
    session: AsyncSession, page: Page[TokenRow], settings: Settings
) -> PageOut[TokenOut]:
    people = await people_by_id(session, [r.token.owner_id for r in page.items])
    return page.to_out(lambda row: token_out(row, people, settings))
