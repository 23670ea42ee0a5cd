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
