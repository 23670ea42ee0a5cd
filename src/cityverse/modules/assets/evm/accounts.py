"""EVM accounts of the mirror: the operator, the regulator and one custodial address per holder.

Holders' addresses are derived, not stored: the private key of a holder's address is
HMAC-SHA256(custody root, holder) where the custody root is derived from the platform secret
(HKDF, purpose ``evm-custody``) and ``holder`` is the platform's name for the holder (their
did:key, as in the ledger's transactions). The same holder always gets the same address, no
table maps them, and the platform could hand a holder their key later. The operator and
regulator keys come from settings, or are derived from the secret the same way.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cityverse.core.config import Settings
from cityverse.core.crypto import derive_key
from cityverse.modules.assets.evm.ethlibs import Account, ChecksumAddress, LocalAccount, keccak

# Order of the secp256k1 group: a private key is an integer in [1, n - 1].
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def operator_account(settings: Settings) -> LocalAccount:
    """Deploys the contract, mints, burns and moves tokens for holders (OPERATOR_ROLE)."""
    return _role_account(settings.evm_operator_key, settings.secret_key, "evm-operator")


def regulator_account(settings: Settings) -> LocalAccount:
    """Freezes and unfreezes tokens when the platform's regulators do (REGULATOR_ROLE)."""
    return _role_account(settings.evm_regulator_key, settings.secret_key, "evm-regulator")


def holder_address(settings: Settings, holder: str) -> ChecksumAddress:
    """The custodial address of ``holder`` (a did:key or another stable platform name)."""
    return _holder_address(derive_key(settings.secret_key, "evm-custody"), holder)


def token_number(token_id: str) -> int:
    """The ERC-721 token id of a platform token: keccak-256 of its identifier, as uint256."""
    return int.from_bytes(keccak(text=token_id), "big")


@lru_cache(maxsize=4096)
def _holder_address(root: bytes, holder: str) -> ChecksumAddress:
    seed = hmac.new(root, holder.encode(), hashlib.sha256).digest()
    address: ChecksumAddress = Account.from_key(_private_key(seed)).address
    return address


@lru_cache(maxsize=8)
def _role_account(configured: str, secret: str, purpose: str) -> LocalAccount:
    if configured:
        account: LocalAccount = Account.from_key(configured)
        return account
    derived: LocalAccount = Account.from_key(_private_key(derive_key(secret, purpose)))
    return derived


def _private_key(seed: bytes) -> bytes:
    """A valid secp256k1 private key from 32 uniform bytes (re-hashed in the ~2^-128 case
    where they fall outside the group)."""
    while not 0 < int.from_bytes(seed, "big") < SECP256K1_ORDER:
        seed = hashlib.sha256(seed).digest()
    return seed
