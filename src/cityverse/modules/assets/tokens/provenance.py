"""A token's provenance: every event with its log entry and an inclusion proof, checked here
against the newest signed checkpoint (the browser re-checks the Merkle path itself)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.config import Settings
from cityverse.core.pagination import PageParams
from cityverse.modules.assets.identity import TransactionError, open_transaction
from cityverse.modules.assets.ledger import (
    Checkpoint,
    CheckpointError,
    NoteError,
    ProofError,
    leaf_hash,
    open_checkpoint,
    verify_inclusion,
)
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.encoding import b64encode
from cityverse.modules.assets.ledger.keys import log_verifier
from cityverse.modules.assets.tokens.circulation import get_token, token_id
from cityverse.modules.assets.tokens.models import AssetTokenEvent
from cityverse.modules.assets.tokens.people import people_by_id
from cityverse.modules.assets.tokens.schemas import EventOut, ProofOut, ProvenanceOut


async def _signed_head(session: AsyncSession, settings: Settings) -> tuple[Checkpoint, str] | None:
    """The newest checkpoint, opened with the log's own verifier key (signature checked)."""
    page = await ledger.list_checkpoints(session, PageParams(page=1, size=1))
    if not page.items:
        return None
    note = page.items[0].note
    try:
        checkpoint, _ = open_checkpoint(note, [log_verifier(settings)], settings.ledger_origin)
    except (NoteError, CheckpointError):
        return None
    return checkpoint, note


async def _proof(
    session: AsyncSession, head: Checkpoint | None, leaf_index: int, entry: bytes
) -> ProofOut:
    if head is None or leaf_index >= head.tree_size:
        return ProofOut(status="awaiting_checkpoint")
    proof = await ledger.inclusion_proof(session, leaf_index, head.tree_size)
    status = "verified"
    try:
        open_transaction(entry)  # the actor's signature over the transaction
        if proof.leaf_hash != leaf_hash(entry):
            raise ProofError("the stored leaf hash is not the entry's")
        verify_inclusion(leaf_index, head.tree_size, proof.leaf_hash, proof.hashes, head.root_hash)
    except (ProofError, TransactionError):
        status = "failed"
    return ProofOut(status=status, tree_size=head.tree_size, root_hash=b64encode(head.root_hash),
                    leaf_hash=b64encode(proof.leaf_hash),
                    hashes=[b64encode(h) for h in proof.hashes])


async def provenance(
    session: AsyncSession, settings: Settings, collection_id: int, serial: int
) -> ProvenanceOut:
    row = await get_token(session, collection_id, serial)
    events = list(await session.scalars(
        select(AssetTokenEvent).where(AssetTokenEvent.token_id == row.token.id)
        .order_by(AssetTokenEvent.leaf_index)
    ))
    people = await people_by_id(
        session, [i for e in events for i in (e.actor_id, e.from_user_id, e.to_user_id)]
    )
    signed = await _signed_head(session, settings)
    head = signed[0] if signed else None
    out = []
    for event in events:
        entry = (await ledger.get_entry(session, event.leaf_index)).data
        out.append(EventOut(
            kind=event.kind, at=event.at,
            actor=people.get(event.actor_id) if event.actor_id else None,
            from_user=people.get(event.from_user_id) if event.from_user_id else None,
            to_user=people.get(event.to_user_id) if event.to_user_id else None,
            reason=event.reason, leaf_index=event.leaf_index, entry=b64encode(entry),
            proof=await _proof(session, head, event.leaf_index, entry),
        ))
    return ProvenanceOut(token_id=token_id(collection_id, serial),
                         checkpoint=signed[1] if signed else None, events=out)
