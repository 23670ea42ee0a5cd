"""Response bodies of the ledger API; hashes and entry bytes are standard base64."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from cityverse.modules.assets.ledger.encoding import b64encode
from cityverse.modules.assets.ledger.models import LedgerCheckpoint, LedgerEntry
from cityverse.modules.assets.ledger.service import InclusionProof

B64 = "standard base64 (RFC 4648 §4)"


class CheckpointOut(BaseModel):
    tree_size: int
    root_hash: str = Field(description=f"Root of the first tree_size entries, {B64}.")
    note: str = Field(description="The C2SP checkpoint as a signed note, exactly as published.")
    created_at: datetime

    @classmethod
    def of(cls, row: LedgerCheckpoint) -> CheckpointOut:
        return cls(tree_size=row.tree_size, root_hash=b64encode(row.root_hash), note=row.note,
                   created_at=row.created_at)


class VerifierKeyOut(BaseModel):
    origin: str = Field(description="First line of every checkpoint of this log.")
    vkey: str = Field(description="Signed-note verifier key: `<name>+<key id>+<base64 key>`.")


class EntryOut(BaseModel):
    index: int
    data: str = Field(description=f"The entry's bytes, {B64}.")
    leaf_hash: str = Field(description=f"SHA-256(0x00 || data), {B64}.")
    created_at: datetime

    @classmethod
    def of(cls, row: LedgerEntry) -> EntryOut:
        return cls(index=row.leaf_index, data=b64encode(row.data),
                   leaf_hash=b64encode(row.leaf_hash), created_at=row.created_at)


class InclusionProofOut(BaseModel):
    index: int
    tree_size: int
    leaf_hash: str = Field(description=f"Hash of the entry the proof is for, {B64}.")
    hashes: list[str] = Field(description=f"RFC 9162 audit path, leaf to root, {B64}.")

    @classmethod
    def of(cls, proof: InclusionProof) -> InclusionProofOut:
        return cls(index=proof.leaf_index, tree_size=proof.tree_size,
                   leaf_hash=b64encode(proof.leaf_hash),
                   hashes=[b64encode(h) for h in proof.hashes])


class ConsistencyProofOut(BaseModel):
    first: int
    second: int
    hashes: list[str] = Field(description=f"RFC 9162 consistency proof, {B64}.")
