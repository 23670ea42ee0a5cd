"""The core of the digital-asset ledger: a verifiable, append-only log.

Same design as Certificate Transparency and Sigstore: an RFC 9162 Merkle tree (hashing,
inclusion and consistency proofs), compact ranges for O(log n) appends, and tree heads
published as C2SP checkpoints in Ed25519-signed notes. Pure code: no database, no network.
"""

from cityverse.modules.assets.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    open_checkpoint,
    sign_checkpoint,
)
from cityverse.modules.assets.ledger.compact import CompactRange, Node
from cityverse.modules.assets.ledger.hashing import (
    EMPTY_ROOT,
    HASH_SIZE,
    leaf_hash,
    node_hash,
    root_from_leaves,
)
from cityverse.modules.assets.ledger.memory import MemoryNodeStore
from cityverse.modules.assets.ledger.note import (
    InvalidSignatureError,
    MalformedKeyError,
    MalformedNoteError,
    NoteError,
    Signer,
    UnverifiedNoteError,
    Verifier,
    open_note,
    sign_note,
)
from cityverse.modules.assets.ledger.proofs import ProofError, verify_consistency, verify_inclusion
from cityverse.modules.assets.ledger.prover import (
    HashReader,
    consistency_proof,
    inclusion_proof,
    tree_root,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Checkpoint",
    "CheckpointError",
    "CompactRange",
    "HashReader",
    "InvalidSignatureError",
    "MalformedKeyError",
    "MalformedNoteError",
    "MemoryNodeStore",
    "Node",
    "NoteError",
    "ProofError",
    "Signer",
    "UnverifiedNoteError",
    "Verifier",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "root_from_leaves",
    "sign_checkpoint",
    "sign_note",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]
