"""Public, read-only API of the verifiable log: checkpoints, the verifier key, entries, proofs.

Appends have no route: other modules append through ``service.append``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Response
from fastapi.responses import PlainTextResponse

from cityverse.core.auth.deps import requires
from cityverse.core.auth.policy import PUBLIC
from cityverse.core.http import AppSettings, Db, make_router
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.modules.assets.ledger import messages as _messages  # noqa: F401 - registers them
from cityverse.modules.assets.ledger import service
from cityverse.modules.assets.ledger.encoding import b64encode
from cityverse.modules.assets.ledger.schemas import (
    CheckpointOut,
    ConsistencyProofOut,
    EntryOut,
    InclusionProofOut,
    VerifierKeyOut,
)

router = make_router("/api/ledger", "ledger")
# Where transparency-log clients look for the tree head, outside the API's prefix.
well_known_router = make_router("/.well-known/cityverse/ledger", "ledger")

Anyone = Annotated[None, requires(PUBLIC)]
Paging = Annotated[PageParams, Depends(page_params)]

MAX_POSITION = 2**63 - 1  # database keys are signed 64-bit
# Entries and proofs for a given tree size never change; the tree head does.
IMMUTABLE = "public, max-age=86400"
FRESH = "no-cache"

CHECKPOINT_DOC = "text/plain: a C2SP tlog-checkpoint in an Ed25519 signed note."


async def _latest_checkpoint(db: Db, settings: AppSettings) -> PlainTextResponse:
    note = await service.latest_checkpoint(db, settings)
    return PlainTextResponse(note, headers={"Cache-Control": FRESH})


@router.get("/checkpoint", response_class=PlainTextResponse,
            responses={200: {"description": CHECKPOINT_DOC}})
async def latest_checkpoint(db: Db, settings: AppSettings, _: Anyone) -> PlainTextResponse:
    """The log's newest signed checkpoint (signed note text)."""
    return await _latest_checkpoint(db, settings)


@well_known_router.get("/checkpoint", response_class=PlainTextResponse,
                       responses={200: {"description": CHECKPOINT_DOC}})
async def well_known_checkpoint(db: Db, settings: AppSettings, _: Anyone) -> PlainTextResponse:
    """The log's newest signed checkpoint, at its well-known address."""
    return await _latest_checkpoint(db, settings)


@router.get("/checkpoints", response_model=PageOut[CheckpointOut])
async def list_checkpoints(db: Db, _: Anyone, paging: Paging) -> PageOut[CheckpointOut]:
    """Every checkpoint the log has signed, newest first (`sort=tree_size`: oldest first)."""
    page = await service.list_checkpoints(db, paging)
    return page.to_out(CheckpointOut.of)


@router.get("/checkpoints/{tree_size}", response_model=CheckpointOut)
async def get_checkpoint(
    db: Db, _: Anyone, tree_size: Annotated[int, Path(ge=0, le=MAX_POSITION)]
) -> CheckpointOut:
    """The checkpoint signed at one tree size."""
    return CheckpointOut.of(await service.get_checkpoint(db, tree_size))


@router.get("/vkey", response_model=VerifierKeyOut)
async def verifier_key(settings: AppSettings, _: Anyone) -> VerifierKeyOut:
    """The public key that signs the log's checkpoints."""
    origin, vkey = service.verifier_key(settings)
    return VerifierKeyOut(origin=origin, vkey=vkey)


@router.get("/entries/{index}", response_model=EntryOut)
async def get_entry(
    db: Db, _: Anyone, response: Response,
    index: Annotated[int, Path(ge=0, le=MAX_POSITION, description="Leaf index, from 0.")],
) -> EntryOut:
    """One entry of the log with its leaf hash."""
    found = EntryOut.of(await service.get_entry(db, index))
    response.headers["Cache-Control"] = IMMUTABLE
    return found


@router.get("/proofs/inclusion", response_model=InclusionProofOut)
async def inclusion_proof(
    db: Db, _: Anyone, response: Response,
    index: Annotated[int, Query(ge=0, le=MAX_POSITION, description="Leaf index.")],
    tree_size: Annotated[int, Query(ge=1, le=MAX_POSITION, description="Size of the tree.")],
) -> InclusionProofOut:
    """RFC 9162 inclusion proof of one entry in the tree of the first `tree_size` entries."""
    proof = await service.inclusion_proof(db, index, tree_size)
    response.headers["Cache-Control"] = IMMUTABLE
    return InclusionProofOut.of(proof)


@router.get("/proofs/consistency", response_model=ConsistencyProofOut)
async def consistency_proof(
    db: Db, _: Anyone, response: Response,
    first: Annotated[int, Query(ge=1, le=MAX_POSITION, description="Older tree size.")],
    second: Annotated[int, Query(ge=1, le=MAX_POSITION, description="Newer tree size.")],
) -> ConsistencyProofOut:
    """RFC 9162 consistency proof between two tree sizes of the log."""
    hashes = await service.consistency_proof(db, first, second)
    response.headers["Cache-Control"] = IMMUTABLE
    return ConsistencyProofOut(first=first, second=second, hashes=[b64encode(h) for h in hashes])
