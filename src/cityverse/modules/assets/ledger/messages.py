"""Messages of the ledger's error codes, in zh-CN and en."""

from __future__ import annotations

from cityverse.core.i18n import register_messages

MESSAGES: dict[str, dict[str, str]] = {
    "error.ledger_entry_not_found": {
        "zh-CN": "账本中没有序号为 {index} 的记录",
        "en": "The ledger has no entry {index}",
    },
    "error.ledger_index_outside_tree": {
        "zh-CN": "序号 {index} 不在大小为 {tree_size} 的树中",
        "en": "Entry {index} is not in a tree of {tree_size} entries",
    },
    "error.ledger_tree_too_large": {
        "zh-CN": "账本目前只有 {size} 条记录，无法证明大小为 {tree_size} 的树",
        "en": "The ledger holds {size} entries; there is no tree of {tree_size} yet",
    },
    "error.ledger_bad_consistency_range": {
        "zh-CN": "一致性证明要求 0 < first ≤ second（收到 first={first}，second={second}）",
        "en": "A consistency proof needs 0 < first ≤ second (got first={first}, second={second})",
    },
    "error.ledger_entry_rejected": {
        "zh-CN": "账本拒绝了这笔交易：签名或格式无效",
        "en": "The ledger refused the transaction: its signature or form is not valid",
    },
    "error.ledger_checkpoint_not_found": {
        "zh-CN": "没有树大小为 {tree_size} 的检查点",
        "en": "There is no checkpoint of tree size {tree_size}",
    },
}

register_messages(MESSAGES)
