"""The identity API: my DID and key kind, a custodial key on request, an own (external) key,
and the prepare/submit pair for transactions signed in the browser."""

from __future__ import annotations

from typing import Annotated

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import SIGNED_IN, SIGNED_IN_WRITE, Principal
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.modules.assets.identity.b64url import b64url_encode
from cityverse.modules.assets.keys import messages as _messages  # noqa: F401 - registers them
from cityverse.modules.assets.keys import service
from cityverse.modules.assets.keys.models import UserKey
from cityverse.modules.assets.keys.schemas import (
    ExternalKeyIn,
    IdentityOut,
    PreparedOut,
    PrepareIn,
    SubmitIn,
    SubmittedOut,
)

router = make_router("/api/identity", "identity")

Reader = Annotated[Principal, requires(SIGNED_IN)]
Writer = Annotated[Principal, requires(SIGNED_IN_WRITE)]


def _out(row: UserKey | None, principal: Principal) -> IdentityOut:
    return IdentityOut.of(row, principal.realname_status == "approved", service.KEY_PROOF_PREFIX)


@router.get("", response_model=IdentityOut)
async def my_identity(db: Db, me: Reader) -> IdentityOut:
    """My digital identity: the did:key the platform signs with for me, and its kind."""
    return _out(await service.active_key(db, me.user_id), me)


@router.post("/custodial", response_model=IdentityOut, status_code=201)
async def create_custodial_key(db: Db, settings: AppSettings, me: Writer) -> IdentityOut:
    """Create my custodial key now (it is otherwise created when first needed)."""
    return _out(await service.create_custodial(db, settings, me), me)


@router.put("/external-key", response_model=IdentityOut)
async def register_external_key(db: Db, me: Writer, body: ExternalKeyIn) -> IdentityOut:
    """Use my own Ed25519 key from now on; I then sign transactions in my browser."""
    return _out(await service.register_external(db, me, body.public_key, body.proof), me)


@router.post("/transactions/prepare", response_model=PreparedOut)
async def prepare_transaction(db: Db, me: Writer, body: PrepareIn) -> PreparedOut:
    """A transaction payload for my own key to sign, with the exact bytes to sign."""
    payload, message = await service.prepare(db, me, body.type, body.body)
    return PreparedOut(payload=payload, message=b64url_encode(message))


@router.post("/transactions/submit", response_model=SubmittedOut, status_code=201)
async def submit_transaction(
    db: Db, settings: AppSettings, me: Writer, body: SubmitIn
) -> SubmittedOut:
    """Submit a payload with my browser's signature: verified, appended to the log, applied."""
    transaction, index, result = await service.submit(db, settings, me, body.payload,
                                                      body.signature)
    return SubmittedOut(type=transaction.type, log_index=index,
                        transaction_sha256=transaction.digest.hex(), result=result)
