"""Request and response bodies of the identity API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cityverse.modules.assets.keys.models import UserKey

B64URL = "unpadded base64url (RFC 4648 §5)"


class IdentityOut(BaseModel):
    did: str | None = Field(description="The user's did:key, or null before the first need.")
    kind: Literal["custodial", "external"] | None = None
    created_at: datetime | None = None
    realname_verified: bool
    key_proof_prefix: str = Field(
        description="To register an own key, sign `<prefix><username>\\n<did>` with it."
    )

    @classmethod
    def of(cls, row: UserKey | None, realname_verified: bool, prefix: str) -> IdentityOut:
        if row is None:
            return cls(did=None, realname_verified=realname_verified, key_proof_prefix=prefix)
        return cls(did=row.did, kind=row.kind,
                   created_at=row.created_at, realname_verified=realname_verified,
                   key_proof_prefix=prefix)


class ExternalKeyIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "public_key": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        "proof": "<base64url Ed25519 signature of the key proof text>",
    }]})

    public_key: str = Field(min_length=43, max_length=43, description=f"32 bytes, {B64URL}.")
    proof: str = Field(min_length=86, max_length=86,
                       description=f"Signature of the key proof text, {B64URL}.")


class PrepareIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "type": "work.register",
        "body": {"work_id": "w-3f9a", "content_sha256": "ab" * 32,
                 "media_type": "image/png", "title": "周庄晨雾"},
    }]})

    type: str = Field(min_length=1, max_length=40)
    body: dict[str, Any]


class PreparedOut(BaseModel):
    payload: dict[str, Any] = Field(description="Sign exactly this payload, unchanged.")
    message: str = Field(description=f"The bytes to sign (Ed25519), {B64URL}.")


class SubmitIn(BaseModel):
    payload: dict[str, Any]
    signature: str = Field(min_length=86, max_length=86, description=f"Ed25519, {B64URL}.")


class SubmittedOut(BaseModel):
    type: str
    log_index: int
    transaction_sha256: str = Field(description="SHA-256 of the entry bytes, hex.")
    result: dict[str, Any]
