"""The log's checkpoint signing key, from settings."""

from __future__ import annotations

from functools import lru_cache

from cityverse.core.config import Settings
from cityverse.core.crypto import derive_key
from cityverse.modules.assets.ledger.note import Signer, Verifier

KEY_PURPOSE = "ledger-checkpoint"


def log_signer(settings: Settings) -> Signer:
    """The configured signer key, or one derived from the platform secret; named as the log."""
    return _signer(settings.ledger_origin, settings.ledger_signing_key, settings.secret_key)


def log_verifier(settings: Settings) -> Verifier:
    return log_signer(settings).verifier()


@lru_cache(maxsize=8)
def _signer(origin: str, skey: str, secret: str) -> Signer:
    if not skey:
        return Signer(origin, derive_key(secret, KEY_PURPOSE))
    signer = Signer.from_skey(skey)
    if signer.name != origin:
        # Clients look the key up by the checkpoint's origin line; another name would fail them.
        raise ValueError(
            f"CITYVERSE_LEDGER_SIGNING_KEY is named {signer.name!r}, "
            f"not the log origin {origin!r}"
        )
    return signer
