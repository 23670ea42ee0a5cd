"""The body of each transaction type: strict pydantic models, unknown fields refused.

Transfers are gifts: no transaction type has a price, amount or currency field, and since extra
fields are forbidden none can be smuggled in.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from cityverse.modules.assets.identity.didkey import public_key_from_did
from cityverse.modules.assets.identity.errors import IdentityError


def _did_key(value: str) -> str:
    try:
        public_key_from_did(value)
    except IdentityError as exc:
        raise ValueError(f"not an Ed25519 did:key ({exc.code})") from None
    return value


DidKey = Annotated[str, AfterValidator(_did_key)]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class WorkRegister(Body):
    """确权: a creator registers a work by its content hash."""

    work_id: Identifier
    content_sha256: Sha256Hex
    media_type: Annotated[str, Field(min_length=3, max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$")]
    title: Annotated[str, Field(min_length=1, max_length=200)]


class TokenMint(Body):
    """An approved edition of a collection minted to its first holder."""

    token_id: Identifier
    collection_id: Identifier
    work_id: Identifier
    edition: Annotated[int, Field(ge=1, le=1_000_000)]
    owner: DidKey


class TokenTransfer(Body):
    """A gift from the actor (the current owner) to ``to``."""

    token_id: Identifier
    to: DidKey


class TokenFreeze(Body):
    """A regulator's freeze; the actor must be an officer."""

    token_id: Identifier
    reason: Reason


class TokenUnfreeze(Body):
    token_id: Identifier
    reason: Reason


class TokenBurn(Body):
    token_id: Identifier
    reason: Reason


BODY_TYPES: dict[str, type[Body]] = {
    "work.register": WorkRegister,
    "token.mint": TokenMint,
    "token.transfer": TokenTransfer,
    "token.freeze": TokenFreeze,
    "token.unfreeze": TokenUnfreeze,
    "token.burn": TokenBurn,
}
