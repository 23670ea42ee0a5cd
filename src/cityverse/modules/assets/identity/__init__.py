"""Identity and keys for the digital-asset ledger, and the signed transactions it stores.

Ed25519 keys named by ``did:key`` DIDs; custodial keys under envelope encryption with a KEK
from settings, or external keys that users hold in their browser (WebCrypto Ed25519); and the
canonical (RFC 8785) signed transaction envelope. Pure code: no database, no routes.
"""

from cityverse.modules.assets.identity.bodies import (
    BODY_TYPES,
    Body,
    TokenBurn,
    TokenFreeze,
    TokenMint,
    TokenTransfer,
    TokenUnfreeze,
    WorkRegister,
)
from cityverse.modules.assets.identity.custody import CustodialKey, ExternalKey, SigningKey
from cityverse.modules.assets.identity.didkey import (
    did_document,
    did_from_public_key,
    multibase_from_public_key,
    public_key_from_did,
    public_key_from_multibase,
)
from cityverse.modules.assets.identity.errors import (
    CanonicalJsonError,
    IdentityError,
    TransactionError,
)
from cityverse.modules.assets.identity.jcs import canonicalize, parse_canonical, parse_strict
from cityverse.modules.assets.identity.transaction import (
    DOMAIN,
    Transaction,
    TransactionSigner,
    build_payload,
    format_time,
    new_nonce,
    open_transaction,
    sign_transaction,
    signing_message,
)

__all__ = [
    "BODY_TYPES",
    "DOMAIN",
    "Body",
    "CanonicalJsonError",
    "CustodialKey",
    "ExternalKey",
    "IdentityError",
    "SigningKey",
    "TokenBurn",
    "TokenFreeze",
    "TokenMint",
    "TokenTransfer",
    "TokenUnfreeze",
    "Transaction",
    "TransactionError",
    "TransactionSigner",
    "WorkRegister",
    "build_payload",
    "canonicalize",
    "did_document",
    "did_from_public_key",
    "format_time",
    "multibase_from_public_key",
    "new_nonce",
    "open_transaction",
    "parse_canonical",
    "parse_strict",
    "public_key_from_did",
    "public_key_from_multibase",
    "sign_transaction",
    "signing_message",
]
