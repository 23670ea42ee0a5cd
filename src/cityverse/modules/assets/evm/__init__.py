"""Optional mirror of the platform's tokens to an ERC-721 contract on an EVM chain.

The ledger stays the record of truth. Code that changes a token calls ``enqueue(session,
settings, MirrorOp.…)`` in its own transaction; after the commit the worker (started with the
app when CITYVERSE_EVM_ENABLED is on) sends the operation to the contract built from
`contracts/CityverseCollectible.sol`, and records the transaction hash and block in the outbox.
Call ``wake()`` after the commit to have it sent at once rather than at the next poll.
Importing this package loads no Ethereum library; the worker and ``accounts`` do.
"""

from cityverse.modules.assets.evm.outbox import MirrorKind, MirrorOp, enqueue, wake

__all__ = ["MirrorKind", "MirrorOp", "enqueue", "wake"]
