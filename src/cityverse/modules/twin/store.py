"""Entities in the database: rows ↔ StoredEntity, and the query that narrows candidates in SQL
(tenant, type, id, attribute presence, bounding box) before the exact filters run in Python."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from shapely.geometry import shape
from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.twin import changes, history
from cityverse.modules.twin.models import TwinEntity, TwinEntityAttribute, TwinEntityType
from cityverse.modules.twin.ngsild.entity import StoredEntity, geometry_of, iso
from cityverse.modules.twin.ngsild.geo import GeoQuery

LOCATION = "https://uri.etsi.org/ngsi-ld/location"
# Candidates are read in pages of this many rows while exact filters run.
SCAN_BATCH = 500


def to_entity(row: TwinEntity) -> StoredEntity:
    return StoredEntity(
        id=row.entity_id, types=list(row.types), attrs=dict(row.attrs),
        scopes=list(row.scopes or []), created_at=row.created_at, modified_at=row.modified_at,
    )


async def find_row(session: AsyncSession, tenant: str, entity_id: str) -> TwinEntity | None:
    found: TwinEntity | None = await session.scalar(
        select(TwinEntity).where(TwinEntity.tenant == tenant, TwinEntity.entity_id == entity_id)
    )
    return found


async def find_rows(
    session: AsyncSession, tenant: str, entity_ids: Sequence[str]
) -> dict[str, TwinEntity]:
    if not entity_ids:
        return {}
    rows = await session.scalars(
        select(TwinEntity).where(
            TwinEntity.tenant == tenant, TwinEntity.entity_id.in_(set(entity_ids))
        )
    )
    return {row.entity_id: row for row in rows}


async def insert(
    session: AsyncSession, tenant: str, entity: StoredEntity, *, record: bool = True
) -> TwinEntity:
    assert entity.created_at is not None and entity.modified_at is not None
    row = TwinEntity(
        tenant=tenant, entity_id=entity.id, types=entity.types, attrs=entity.attrs,
        scopes=entity.scopes, created_at=entity.created_at, modified_at=entity.modified_at,
    )
    _set_bbox(row, entity)
    session.add(row)
    await session.flush()
    await _write_index(session, row, entity, fresh=True)
    if record:
        await history.record_changes(session, tenant, entity)
    changes.note(changes.Change(tenant, entity, frozenset(entity.attrs)))
    return row


async def save(
    session: AsyncSession, row: TwinEntity, entity: StoredEntity, *, record: bool = True
) -> None:
    """Write an entity's new state over its row (same id and tenant)."""
    row.types = list(entity.types)
    row.attrs = dict(entity.attrs)
    row.scopes = list(entity.scopes)
    assert entity.modified_at is not None
    row.modified_at = entity.modified_at
    _set_bbox(row, entity)
    await _write_index(session, row, entity, fresh=False)
    if record:
        await history.record_changes(session, row.tenant, entity)
    await session.flush()
    changes.note(changes.Change(row.tenant, entity, touched_attributes(entity)))


async def remove(session: AsyncSession, row: TwinEntity) -> None:
    entity = to_entity(row)
    changes.note(changes.Change(row.tenant, entity, frozenset(entity.attrs), deleted=True))
    for table in (TwinEntityType, TwinEntityAttribute):
        await session.execute(delete(table).where(table.entity_pk == row.id))
    await session.delete(row)
    await session.flush()


def touched_attributes(entity: StoredEntity) -> frozenset[str]:
    """Attributes this write stamped (their modifiedAt is the entity's new time)."""
    assert entity.modified_at is not None
    moment = iso(entity.modified_at)
    return frozenset(
        iri for iri, instances in entity.attrs.items()
        if any(instance.get("modifiedAt") == moment for instance in instances)
    )


def _set_bbox(row: TwinEntity, entity: StoredEntity) -> None:
    geometry = geometry_of(entity, LOCATION)
    if geometry is None:
        row.min_lon = row.min_lat = row.max_lon = row.max_lat = None
        return
    row.min_lon, row.min_lat, row.max_lon, row.max_lat = shape(geometry).bounds


async def _write_index(
    session: AsyncSession, row: TwinEntity, entity: StoredEntity, *, fresh: bool
) -> None:
    if not fresh:
        for table in (TwinEntityType, TwinEntityAttribute):
            await session.execute(delete(table).where(table.entity_pk == row.id))
    session.add_all(
        [TwinEntityType(entity_pk=row.id, type_iri=t, tenant=row.tenant) for t in entity.types]
        + [TwinEntityAttribute(entity_pk=row.id, attr_iri=a, tenant=row.tenant)
           for a in entity.attrs]
    )


@dataclass
class Candidates:
    """What SQL can decide; `exact` is what Python checks on each candidate."""

    tenant: str
    types: list[str] | None = None
    ids: list[str] | None = None
    id_pattern: re.Pattern[str] | None = None
    any_attrs: list[str] | None = None
    geo: GeoQuery | None = None
    geo_iri: str = LOCATION
    exact: list[Callable[[StoredEntity], bool]] = field(default_factory=list)


async def query(
    session: AsyncSession, wanted: Candidates, *, offset: int, limit: int
) -> tuple[list[StoredEntity], int]:
    """One page of matching entities (ordered by creation) and the number of all matches."""
    statement = select(TwinEntity).where(TwinEntity.tenant == wanted.tenant)
    if wanted.types is not None:
        statement = statement.where(exists().where(
            TwinEntityType.entity_pk == TwinEntity.id, TwinEntityType.type_iri.in_(wanted.types)
        ))
    if wanted.ids is not None:
        statement = statement.where(TwinEntity.entity_id.in_(wanted.ids))
    if wanted.any_attrs is not None:
        statement = statement.where(exists().where(
            TwinEntityAttribute.entity_pk == TwinEntity.id,
            TwinEntityAttribute.attr_iri.in_(wanted.any_attrs),
        ))
    box = wanted.geo.bbox() if wanted.geo is not None else None
    if box is not None and wanted.geo_iri == LOCATION:
        min_x, min_y, max_x, max_y = box
        statement = statement.where(
            TwinEntity.min_lon <= max_x, TwinEntity.max_lon >= min_x,
            TwinEntity.min_lat <= max_y, TwinEntity.max_lat >= min_y,
        )
    statement = statement.order_by(TwinEntity.id)
    page: list[StoredEntity] = []
    total = 0
    result = await session.stream_scalars(statement.execution_options(yield_per=SCAN_BATCH))
    async for row in result:
        entity = to_entity(row)
        if not _passes(entity, wanted):
            continue
        if offset <= total < offset + limit:
            page.append(entity)
        total += 1
    return page, total


def _passes(entity: StoredEntity, wanted: Candidates) -> bool:
    if wanted.id_pattern is not None and not wanted.id_pattern.fullmatch(entity.id):
        return False
    if wanted.geo is not None:
        geometry = geometry_of(entity, wanted.geo_iri)
        if geometry is None or not wanted.geo.matches(geometry):
            return False
    return all(check(entity) for check in wanted.exact)


async def type_names(session: AsyncSession, tenant: str) -> list[tuple[str, int]]:
    rows = await session.execute(
        select(TwinEntityType.type_iri, func.count())
        .where(TwinEntityType.tenant == tenant)
        .group_by(TwinEntityType.type_iri)
        .order_by(TwinEntityType.type_iri)
    )
    return [(name, count) for name, count in rows.tuples()]


async def attribute_names(session: AsyncSession, tenant: str) -> list[tuple[str, int]]:
    rows = await session.execute(
        select(TwinEntityAttribute.attr_iri, func.count())
        .where(TwinEntityAttribute.tenant == tenant)
        .group_by(TwinEntityAttribute.attr_iri)
        .order_by(TwinEntityAttribute.attr_iri)
    )
    return [(name, count) for name, count in rows.tuples()]


async def tenant_exists(session: AsyncSession, tenant: str) -> bool:
    found = await session.scalar(select(TwinEntity.id).where(TwinEntity.tenant == tenant).limit(1))
    return found is not None
