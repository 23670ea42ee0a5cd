"""Collections and tokens API: propose, review, browse, gift, freeze, unfreeze, burn and the
provenance of every token. No route takes or returns a price."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, File, Form, Query, UploadFile
from fastapi.responses import Response

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import (
    PUBLIC,
    REVIEWERS,
    SIGNED_IN,
    SIGNED_IN_WRITE,
    Principal,
    Role,
    roles_policy,
)
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.core.ratelimit import RateLimiter
from cityverse.modules.assets.identity.b64url import b64url_encode
from cityverse.modules.assets.keys.schemas import PreparedOut
from cityverse.modules.assets.tokens import messages as _messages  # noqa: F401 - registers them
from cityverse.modules.assets.tokens import service, views
from cityverse.modules.assets.tokens.documents import check_documents
from cityverse.modules.assets.tokens.schemas import (
    MAX_EDITIONS,
    MIN_EDITIONS,
    CollectionOut,
    CollectionStatus,
    GiftIn,
    ProvenanceOut,
    ReasonIn,
    ReviewIn,
    TokenOut,
)

router = make_router("/api/assets", "assets")

Anyone = Annotated[None, requires(PUBLIC)]
SignedIn = Annotated[Principal, requires(SIGNED_IN)]
Writer = Annotated[Principal, requires(SIGNED_IN_WRITE)]
Creator = Annotated[Principal, requires(roles_policy(Role.CREATOR))]
Reviewer = Annotated[Principal, requires(REVIEWERS)]
Paging = Annotated[PageParams, Depends(page_params)]

propose_limiter = RateLimiter("asset-propose", limit=10, window_seconds=3600)
review_limiter = RateLimiter("asset-review", limit=120, window_seconds=60)
token_write_limiter = RateLimiter("asset-token-write", limit=30, window_seconds=60)


@router.post("/collections", response_model=CollectionOut, status_code=201)
async def propose_collection(
    db: Db, me: Creator,
    title: Annotated[str, Form(min_length=1, max_length=100, examples=["玉峰山四季"])],
    description: Annotated[str, Form(min_length=1, max_length=2000)],
    edition_count: Annotated[int, Form(ge=MIN_EDITIONS, le=MAX_EDITIONS)],
    work_id: Annotated[str, Form(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")],
    documents: Annotated[list[UploadFile], File(description="IP authorization: PDF/PNG/JPEG.")],
) -> CollectionOut:
    """A real-name creator proposes a collection of a registered work for review."""
    propose_limiter.hit(str(me.user_id))
    files = [(f.filename or "document", await f.read()) for f in documents]
    collection = await service.propose(
        db, me, title=title.strip(), description=description.strip(),
        edition_count=edition_count, work_id=work_id, documents=check_documents(files),
    )
    return await views.one_collection(db, collection, me)


@router.get("/collections", response_model=PageOut[CollectionOut])
async def list_collections(
    db: Db, _: Anyone, paging: Paging,
    q: Annotated[str | None, Query(max_length=64, description="Part of the title.")] = None,
) -> PageOut[CollectionOut]:
    """Approved collections, newest first."""
    page = await service.list_collections(db, paging, q=q)
    return await views.collection_page(db, page, None)


@router.get("/collections/mine", response_model=PageOut[CollectionOut])
async def my_collections(db: Db, me: Creator, paging: Paging) -> PageOut[CollectionOut]:
    """The caller's proposals in every state."""
    page = await service.list_collections(db, paging, status=None, creator_id=me.user_id)
    return await views.collection_page(db, page, me)


@router.get("/review/collections", response_model=PageOut[CollectionOut])
async def review_queue(
    db: Db, me: Reviewer, paging: Paging, status: CollectionStatus = "pending",
) -> PageOut[CollectionOut]:
    """Proposals waiting for an officer (or already decided, by `status`)."""
    page = await service.list_collections(db, paging, status=status)
    return await views.collection_page(db, page, me)


@router.get("/collections/{collection_id}", response_model=CollectionOut)
async def get_collection(db: Db, _: Anyone, collection_id: int) -> CollectionOut:
    """One approved collection (proposals are seen through `mine` and the review queue)."""
    collection = await service.get_collection(db, collection_id, None)
    return await views.one_collection(db, collection, None)


@router.get("/collections/{collection_id}/documents/{document_id}",
            response_class=Response, responses={200: {"description": "The document's bytes."}})
async def get_document(db: Db, me: SignedIn, collection_id: int, document_id: int) -> Response:
    """An IP authorization document, for the proposal's creator and officers only."""
    document = await service.get_document(db, collection_id, document_id, me)
    return Response(document.content, media_type=document.media_type, headers={
        "Content-Disposition": f'attachment; filename="document-{document.id}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store",
    })


@router.post("/collections/{collection_id}/review", response_model=CollectionOut)
async def review_collection(
    db: Db, settings: AppSettings, me: Reviewer, collection_id: int, decision: ReviewIn,
) -> CollectionOut:
    """Approve (mints every edition to the creator) or reject with a reason."""
    review_limiter.hit(str(me.user_id))
    collection = await service.review(db, settings, me, collection_id,
                                      approve=decision.approve, reason=decision.reason)
    return await views.one_collection(db, collection, me)


@router.get("/collections/{collection_id}/tokens", response_model=PageOut[TokenOut])
async def collection_tokens(
    db: Db, settings: AppSettings, _: Anyone, paging: Paging, collection_id: int,
) -> PageOut[TokenOut]:
    """The editions of an approved collection that are not burned."""
    await service.get_collection(db, collection_id, None)
    page = await service.list_tokens(db, paging, collection_id=collection_id)
    return await views.token_page(db, page, settings)


@router.get("/tokens/mine", response_model=PageOut[TokenOut])
async def my_tokens(
    db: Db, settings: AppSettings, me: SignedIn, paging: Paging,
    frozen: Annotated[bool | None, Query(description="Only frozen (or unfrozen) ones.")] = None,
) -> PageOut[TokenOut]:
    """The collectibles the caller holds."""
    page = await service.list_tokens(db, paging, owner_id=me.user_id, frozen=frozen)
    return await views.token_page(db, page, settings)


@router.get("/collections/{collection_id}/tokens/{serial}", response_model=TokenOut)
async def get_token(db: Db, settings: AppSettings, _: Anyone, collection_id: int,
                    serial: int) -> TokenOut:
    """One edition: owner, holding period, freeze state."""
    return await views.one_token(db, await service.get_token(db, collection_id, serial), settings)


@router.get("/collections/{collection_id}/tokens/{serial}/provenance",
            response_model=ProvenanceOut)
async def token_provenance(db: Db, settings: AppSettings, _: Anyone, collection_id: int,
                           serial: int) -> ProvenanceOut:
    """Every event of the token with its log entry and an inclusion proof."""
    return await service.provenance(db, settings, collection_id, serial)


@router.post("/collections/{collection_id}/tokens/{serial}/gift", response_model=TokenOut)
async def gift_token(db: Db, settings: AppSettings, me: Writer, collection_id: int,
                     serial: int, gift: GiftIn) -> TokenOut:
    """Give the token to another real-name user (after the holding period)."""
    token_write_limiter.hit(str(me.user_id))
    row = await service.transfer(db, settings, me, collection_id, serial, gift.to_username)
    return await views.one_token(db, row, settings)


@router.post("/collections/{collection_id}/tokens/{serial}/gift/prepare",
             response_model=PreparedOut)
async def prepare_gift(db: Db, settings: AppSettings, me: Writer, collection_id: int,
                       serial: int, gift: GiftIn) -> PreparedOut:
    """For owners with their own key: the gift's payload and the exact bytes to sign in the
    browser; send both to `POST /api/identity/transactions/submit`."""
    token_write_limiter.hit(str(me.user_id))
    payload, message = await service.prepare_gift(db, settings, me, collection_id, serial,
                                                   gift.to_username)
    return PreparedOut(payload=payload, message=b64url_encode(message))


@router.post("/collections/{collection_id}/tokens/{serial}/burn/prepare",
             response_model=PreparedOut)
async def prepare_burn(db: Db, me: Writer, collection_id: int, serial: int,
                       body: ReasonIn) -> PreparedOut:
    """For owners with their own key: the burn's payload and the exact bytes to sign."""
    token_write_limiter.hit(str(me.user_id))
    payload, message = await service.prepare_burn(db, me, collection_id, serial, body.reason)
    return PreparedOut(payload=payload, message=b64url_encode(message))


@router.post("/collections/{collection_id}/tokens/{serial}/burn", response_model=TokenOut)
async def burn_token(db: Db, settings: AppSettings, me: Writer, collection_id: int,
                     serial: int, body: ReasonIn) -> TokenOut:
    """The owner destroys the token for good."""
    token_write_limiter.hit(str(me.user_id))
    row = await service.burn(db, settings, me, collection_id, serial, body.reason)
    return await views.one_token(db, row, settings)


@router.post("/collections/{collection_id}/tokens/{serial}/freeze", response_model=TokenOut)
async def freeze_token(db: Db, settings: AppSettings, me: Reviewer, collection_id: int,
                       serial: int, body: ReasonIn) -> TokenOut:
    """A regulator freezes the token: it can neither move nor burn."""
    token_write_limiter.hit(str(me.user_id))
    row = await service.freeze(db, settings, me, collection_id, serial, body.reason)
    return await views.one_token(db, row, settings)


@router.post("/collections/{collection_id}/tokens/{serial}/unfreeze", response_model=TokenOut)
async def unfreeze_token(db: Db, settings: AppSettings, me: Reviewer, collection_id: int,
                         serial: int, body: ReasonIn) -> TokenOut:
    """A regulator lifts a freeze."""
    token_write_limiter.hit(str(me.user_id))
    row = await service.unfreeze(db, settings, me, collection_id, serial, body.reason)
    return await views.one_token(db, row, settings)
