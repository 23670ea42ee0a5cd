"""What the asset platform's token code calls: queue mirror operations in its own transaction
(the worker sends them after the commit) and read a token's mirror state for its page.

With CITYVERSE_EVM_ENABLED off every call writes and returns nothing.
"""

from cityverse.modules.assets.evm.models import EvmOutbox
from cityverse.modules.assets.evm.outbox import (
    MirrorKind,
    MirrorOp,
    enqueue,
    enqueue_many,
    operations_of,
    wake,
)

__all__ = ["EvmOutbox", "MirrorKind", "MirrorOp", "enqueue", "enqueue_many", "operations_of",
           "wake"]
