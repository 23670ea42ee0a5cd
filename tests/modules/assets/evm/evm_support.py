"""Helpers shared by the EVM mirror tests."""

from __future__ import annotations

from pathlib import Path

from cityverse.core.config import Settings
from cityverse.modules.assets.evm.chain import Chain

HOLDING_PERIOD_S = 3600
ALICE = "did:key:z6MkalicE"
BOB = "did:key:z6MkboB"
CAROL = "did:key:z6MkcaroL"


def evm_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "test", "database_url": database_url, "data_dir": data_dir, "log_json": True,
        "log_level": "WARNING", "evm_enabled": True, "evm_holding_period_s": HOLDING_PERIOD_S,
        "evm_poll_ms": 20, **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def travel(chain: Chain, seconds: int) -> None:
    """Move the in-process chain's clock forward (the next block is mined at the new time)."""
    now = int(chain.w3.eth.get_block("latest")["timestamp"])
    chain.tester.time_travel(now + seconds)
