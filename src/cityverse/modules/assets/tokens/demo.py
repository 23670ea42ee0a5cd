"""Demo history for the city pack: collections that look as if issued long ago.

A demo collection is minted and gifted through the real rules (signed, on the log); afterwards
its rows' times are moved back, so a visitor finds tokens already past the holding period and
can try a gift at once. The signed transactions keep the time they were really signed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.assets.tokens.models import AssetCollection, AssetToken, AssetTokenEvent


async def find_collection(session: AsyncSession, creator_id: int, title: str) -> int | None:
    found: int | None = await session.scalar(
        select(AssetCollection.id).where(AssetCollection.creator_id == creator_id,
                                         AssetCollection.title == title)
    )
    return found


async def backdate_collection(session: AsyncSession, collection_id: int, days: int) -> None:
    """Move the proposal, its review, every mint and every holding ``days`` into the past."""
    shift = timedelta(days=days)
    collection = await session.get(AssetCollection, collection_id)
    assert collection is not None
    collection.created_at -= shift
    if collection.reviewed_at is not None:
        collection.reviewed_at -= shift
    tokens = list(await session.scalars(
        select(AssetToken).where(AssetToken.collection_id == collection_id)))
    for token in tokens:
        token.acquired_at -= shift
    events = await session.scalars(
        select(AssetTokenEvent).where(AssetTokenEvent.token_id.in_([t.id for t in tokens])))
    for event in events:
        event.at -= shift
    await session.flush()


async def backdate_latest_event(
    session: AsyncSession, collection_id: int, serial: int, days: int
) -> None:
    """Move a token's latest event (a gift) and its holder's acquisition ``days`` back."""
    token = await session.scalar(select(AssetToken).where(
        AssetToken.collection_id == collection_id, AssetToken.serial == serial))
    assert token is not None
    latest = await session.scalar(
        select(AssetTokenEvent).where(AssetTokenEvent.token_id == token.id)
        .order_by(AssetTokenEvent.leaf_index.desc()).limit(1))
    assert latest is not None
    token.acquired_at -= timedelta(days=days)
    latest.at -= timedelta(days=days)
    await session.flush()
