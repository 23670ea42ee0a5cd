"""Response bodies of the works API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from cityverse.modules.assets.works.models import Work


class WorkOut(BaseModel):
    id: str = Field(description="Public id of the work, also its certificate id.")
    title: str
    description: str
    kind: Literal["image", "model", "audio", "video", "document"]
    media_type: str
    size_bytes: int
    content_sha256: str = Field(description="SHA-256 of the original file, hex.")
    creator_did: str
    creator_name: str
    status: Literal["awaiting_signature", "registered"]
    log_index: int | None
    registered_at: datetime | None
    created_at: datetime
    preview_url: str

    @classmethod
    def of(cls, work: Work) -> WorkOut:
        return cls(
            id=work.public_id, title=work.title, description=work.description,
            kind=work.kind,
            media_type=work.media_type, size_bytes=work.size_bytes,
            content_sha256=work.content_sha256, creator_did=work.creator_did,
            creator_name=work.creator_name, status=work.status,
            log_index=work.log_index, registered_at=work.registered_at,
            created_at=work.created_at, preview_url=f"/api/works/{work.public_id}/preview",
        )


class MyWorkOut(WorkOut):
    original_name: str
    can_download: bool = True


class UploadedOut(BaseModel):
    work: MyWorkOut
    signing: dict[str, Any] | None = Field(
        None, description="For users with their own key: {payload, message} to sign in the "
        "browser and submit to /api/identity/transactions/submit.")


class CertificateWork(BaseModel):
    id: str
    title: str
    kind: str
    media_type: str
    size_bytes: int
    content_sha256: str


class CertificateCreator(BaseModel):
    did: str
    name: str


class CertificateLog(BaseModel):
    origin: str = Field(description="The log's name, first line of its checkpoints.")
    verifier_key: str = Field(description="Signed-note verifier key of the checkpoints.")
    index: int = Field(description="Leaf index of the registration entry.")
    entry: str = Field(description="The signed work.register transaction, standard base64.")
    leaf_hash: str
    tree_size: int
    root_hash: str
    inclusion_proof: list[str] = Field(description="RFC 9162 audit path, standard base64.")
    checkpoint: str = Field(description="C2SP checkpoint in an Ed25519 signed note.")


class CertificateOut(BaseModel):
    """A work's registration certificate: everything needed to verify it independently."""

    format: Literal["cityverse-work-certificate/v1"]
    certificate_id: str
    verify_url: str
    work: CertificateWork
    creator: CertificateCreator
    registered_at: str
    log: CertificateLog
    issued_at: str
