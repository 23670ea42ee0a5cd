"""The keys that sign token transactions: each user's own Ed25519 key (did:key).

Interim: a per-user key derived from the platform secret, until the works module's custodial
key service (encrypted keys per real-name user) is merged and used here instead.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.config import Settings
from cityverse.modules.assets.identity import SigningKey, TransactionSigner

__all__ = ["TransactionSigner", "did_for", "signer_for"]


async def signer_for(session: AsyncSession, settings: Settings, user_id: int) -> TransactionSigner:
    seed = hmac.new(settings.secret_key.encode(), f"token-signer:{user_id}".encode(),
                    hashlib.sha256).digest()
    return SigningKey(seed)


async def did_for(session: AsyncSession, settings: Settings, user_id: int) -> str:
    return (await signer_for(session, settings, user_id)).did
