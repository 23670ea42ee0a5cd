"""Rotating the asset platform's key-encryption key (KEK).

Everything the KEK protects is a wrapped 32-byte data key: each custodial user key's
(``asset_user_keys.wrapped_data_key``) and each work original's (``asset_works
.wrapped_data_key``). Rotation unwraps every one with the old KEK and wraps it under the new
one in ONE transaction, so the database is either all old or all new; sealed seeds and the
encrypted originals on disk are not touched. A record that does not open with the old KEK stops
the rotation before anything is written. The caller (the CLI) owns the transaction and rolls it
back for a dry run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.modules.assets.identity import IdentityError
from cityverse.modules.assets.keys import service as keys
from cityverse.modules.assets.keys.models import UserKey
from cityverse.modules.assets.works import service as works
from cityverse.modules.assets.works.blobs import BlobError, BlobFolder
from cityverse.modules.assets.works.models import Work


class RotationError(RuntimeError):
    """A record did not open with the old KEK: nothing was changed."""


@dataclass(frozen=True, slots=True)
class RotationReport:
    custodial_keys: int
    work_keys: int
    new_kek_fingerprint: str
    """First 16 hex digits of SHA-256 over the new derived KEKs: which KEK, never the KEK."""


async def rotate_kek(
    session: AsyncSession, old_secret: str, new_secret: str, *, actor: str
) -> RotationReport:
    """Re-wrap every data key from ``old_secret``'s KEKs to ``new_secret``'s, with an audit
    record. Writes in the caller's transaction; raises RotationError (nothing written) if any
    key does not open with the old KEK."""
    if old_secret == new_secret:
        raise RotationError("the new KEK is the old one")
    custodial = await _rewrap_custodial(session, old_secret, new_secret)
    work_keys = await _rewrap_works(session, old_secret, new_secret)
    report = RotationReport(custodial, work_keys, fingerprint(new_secret))
    await session.flush()
    await audit.record(session, actor_id=None, actor_name=actor, action="assets.kek.rotate",
                       target_type="assets_kek", target_id="platform",
                       after={"custodial_keys": custodial, "work_keys": work_keys,
                              "new_kek_fingerprint": report.new_kek_fingerprint})
    return report


def fingerprint(secret: str) -> str:
    derived = (keys.kek_from(secret, keys.CUSTODIAL_KEYS_PURPOSE)
               + keys.kek_from(secret, works.WORK_ORIGINALS_PURPOSE))
    return hashlib.sha256(derived).hexdigest()[:16]


async def _rewrap_custodial(session: AsyncSession, old_secret: str, new_secret: str) -> int:
    old = keys.kek_from(old_secret, keys.CUSTODIAL_KEYS_PURPOSE)
    new = keys.kek_from(new_secret, keys.CUSTODIAL_KEYS_PURPOSE)
    rows = await session.scalars(
        select(UserKey).where(UserKey.kind == keys.CUSTODIAL).order_by(UserKey.id))
    count = 0
    for row in rows:
        try:
            rewrapped = keys.custodial_record(row).rewrap(old, new)
        except IdentityError:
            raise RotationError(f"custodial key {row.did} does not open with the old KEK") \
                from None
        row.wrapped_data_key = rewrapped.wrapped_data_key
        count += 1
    return count


async def _rewrap_works(session: AsyncSession, old_secret: str, new_secret: str) -> int:
    old = keys.kek_from(old_secret, works.WORK_ORIGINALS_PURPOSE)
    new = keys.kek_from(new_secret, works.WORK_ORIGINALS_PURPOSE)
    rows = await session.scalars(select(Work).order_by(Work.id))
    count = 0
    for work in rows:
        try:
            work.wrapped_data_key = BlobFolder.rewrap(
                work.public_id, work.content_sha256, work.wrapped_data_key, old, new)
        except BlobError as error:
            raise RotationError(str(error)) from None
        count += 1
    return count
