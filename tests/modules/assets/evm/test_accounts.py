"""Custodial addresses are derived per holder, stable, distinct, and tied to the secret."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from web3 import Web3

from cityverse.core.config import Settings
from cityverse.modules.assets.evm.accounts import (
    holder_address,
    operator_account,
    regulator_account,
    token_number,
)


def settings_with(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"env": "test", "data_dir": data_dir, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_holder_addresses_are_stable_distinct_and_checksummed(tmp_path: Path) -> None:
    settings = settings_with(tmp_path)
    alice = holder_address(settings, "did:key:alice")
    assert alice == holder_address(settings, "did:key:alice")
    assert alice != holder_address(settings, "did:key:bob")
    assert Web3.is_checksum_address(alice)


def test_another_secret_gives_other_addresses_and_role_keys(tmp_path: Path) -> None:
    one = settings_with(tmp_path, secret_key="a" * 40)
    other = settings_with(tmp_path, secret_key="b" * 40)
    assert holder_address(one, "did:key:alice") != holder_address(other, "did:key:alice")
    assert operator_account(one).address != operator_account(other).address
    assert operator_account(one).address != regulator_account(one).address


def test_configured_role_keys_are_used_as_given(tmp_path: Path) -> None:
    key = "0x" + "11" * 32
    settings = settings_with(tmp_path, evm_operator_key=key, evm_regulator_key=key)
    assert operator_account(settings).key.hex().removeprefix("0x") == "11" * 32
    assert regulator_account(settings).address == operator_account(settings).address


def test_token_numbers_are_keccak_of_the_platform_id() -> None:
    assert token_number("tok-1") == int.from_bytes(Web3.keccak(text="tok-1"), "big")
    assert token_number("tok-1") != token_number("tok-2")


def test_the_eth_libraries_leave_the_recursion_limit_alone() -> None:
    """eth-account and py-evm raise it to 100,000 on import; deep JSON would then crash the
    server instead of failing with RecursionError."""
    script = ("import sys; before = sys.getrecursionlimit(); "
              "import cityverse.app; "
              "assert 'web3' not in sys.modules, 'the app loads web3 with the mirror off'; "
              "from cityverse.modules.assets.evm.chain import Chain; Chain.in_process(); "
              "assert sys.getrecursionlimit() == before, sys.getrecursionlimit()")
    subprocess.run([sys.executable, "-W", "ignore", "-c", script], check=True)
