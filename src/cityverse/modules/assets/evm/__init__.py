"""Optional mirror of the platform's tokens to an ERC-721 contract on an EVM chain.

The ledger stays the record of truth. Code that changes a token calls ``enqueue(session,
settings, MirrorOp.…)`` in its own transaction; after the commit the worker (started with the
app when CITYVERSE_EVM_ENABLED is on) sends the operation to the contract built from
`contracts/CityverseCollectible.sol`, and records the transaction hash and block in the outbox.
Call ``wake()`` after the commit to have it sent at once rather than at the next poll.
"""

import sys

# eth-account (through py_ecc) raises the interpreter's recursion limit to 100,000 when it is
# imported. In a server that turns a deeply nested JSON document into a C stack overflow (a
# crash) instead of a RecursionError, so the libraries are imported here, before any module of
# this package, and the limit is put back.
_RECURSION_LIMIT = sys.getrecursionlimit()
import eth_account  # noqa: E402, F401
import web3  # noqa: E402, F401

sys.setrecursionlimit(_RECURSION_LIMIT)

from cityverse.modules.assets.evm.accounts import holder_address, token_number  # noqa: E402
from cityverse.modules.assets.evm.outbox import MirrorKind, MirrorOp, enqueue  # noqa: E402
from cityverse.modules.assets.evm.worker import wake  # noqa: E402

__all__ = ["MirrorKind", "MirrorOp", "enqueue", "holder_address", "token_number", "wake"]
