"""Request and response models of collections and tokens. No model has a price: transfers are
gifts between real-name users."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CollectionStatus = Literal["pending", "approved", "rejected"]
EventKind = Literal["mint", "transfer", "freeze", "unfreeze", "burn"]
ProofStatus = Literal["verified", "awaiting_checkpoint", "failed"]

Reason = Annotated[str, Field(min_length=1, max_length=500)]
MIN_EDITIONS, MAX_EDITIONS = 1, 10_000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonOut(BaseModel):
    username: str
    display_name: str


class DocumentOut(BaseModel):
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str


class CollectionOut(BaseModel):
    id: int
    title: str
    description: str
    edition_count: int
    work_id: str
    creator: PersonOut
    status: CollectionStatus
    reject_reason: str | None
    reviewed_at: datetime | None
    created_at: datetime
    documents: list[DocumentOut] = Field(
        default_factory=list, description="Shown to the creator and to officers only."
    )


class ReviewIn(Strict):
    approve: bool = Field(examples=[True])
    reason: Reason | None = Field(
        None, description="Required when rejecting.", examples=["授权文件不完整"]
    )


class TokenOut(BaseModel):
    collection_id: int
    serial: int
    token_id: str = Field(description="`<collection>.<serial>`, as written in the log.")
    collection_title: str
    work_id: str
    edition_count: int
    owner: PersonOut | None = Field(description="None once burned.")
    acquired_at: datetime
    transferable_at: datetime = Field(description="End of the owner's holding period.")
    frozen: bool
    freeze_reason: str | None
    burned_at: datetime | None
    mirror: list[MirrorOpOut] | None = Field(
        None, description="The token's operations on the EVM mirror, oldest first (one token "
        "only; null in lists and when the mirror is off)."
    )


class MirrorOpOut(BaseModel):
    """One operation of the token on the EVM mirror."""

    kind: Literal["mint", "transfer", "freeze", "unfreeze", "burn"]
    status: Literal["pending", "sent", "done", "failed"] = Field(
        description="pending → sent → done; failed when the contract refused it (see error)."
    )
    attempts: int
    tx_hash: str | None
    block_number: int | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


class GiftIn(Strict):
    to_username: str = Field(min_length=3, max_length=32, examples=["creator"])


class ReasonIn(Strict):
    reason: Reason = Field(examples=["涉嫌违规流转，依法冻结"])


class ProofOut(BaseModel):
    status: ProofStatus
    tree_size: int | None = Field(None, description="Size of the checkpoint proved against.")
    root_hash: str | None = Field(None, description="That checkpoint's root, standard base64.")
    leaf_hash: str | None = None
    hashes: list[str] = Field(default_factory=list, description="RFC 9162 audit path.")


class EventOut(BaseModel):
    kind: EventKind
    at: datetime
    actor: PersonOut | None
    from_user: PersonOut | None
    to_user: PersonOut | None
    reason: str | None
    leaf_index: int = Field(description="Index of the signed transaction in the ledger.")
    entry: str = Field(description="The signed transaction's bytes, standard base64.")
    proof: ProofOut


class ProvenanceOut(BaseModel):
    token_id: str
    checkpoint: str | None = Field(description="The signed checkpoint the proofs are against.")
    events: list[EventOut]
