"""Entities in the database: rows ↔ StoredEntity, and the query that narrows candidates in SQL
(tenant, type, id, attribute presence, bounding box) before the exact filters run in Python."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import sqlalchemy as sa
from shapely.geometry import shape
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from cityverse.modules.twin import changes, history, qsql
from cityverse.modules.twin.models import (
    TwinEntity,
    TwinEntityAttribute,
    TwinEntityType,
    core_table,
)
from cityverse.modules.twin.ngsild.entity import StoredEntity, geometry_of, iso
from cityverse.modules.twin.ngsild.geo import GeoQuery
from cityverse.modules.twin.ngsild.query import Node, matches

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


async def insert_many(
    session: AsyncSession, tenant: str, entities: list[StoredEntity], *, record: bool = True
) -> None:
    """New entities in a few statements whatever their number (one round trip each)."""
    if not entities:
        return
    values = []
    for entity in entities:
        assert entity.created_at is not None and entity.modified_at is not None
        values.append({
            "tenant": tenant, "entity_id": entity.id, "types": entity.types,
            "attrs": entity.attrs, "scopes": entity.scopes, "created_at": entity.created_at,
            "modified_at": entity.modified_at, **_bbox(entity),
        })
    # Core executemany, then one SELECT for the keys: ORM inserts and INSERT … RETURNING go
    # row by row on SQLite.
    await session.execute(core_table(TwinEntity).insert(), values)
    found = await session.execute(
        select(TwinEntity.id, TwinEntity.entity_id).where(
            TwinEntity.tenant == tenant, TwinEntity.entity_id.in_([e.id for e in entities])
        )
    )
    keys = {entity_id: pk for pk, entity_id in found.tuples()}
    await _insert_index(session, tenant, [(keys[e.id], e) for e in entities])
    if record:
        await history.record_many(session, tenant, entities)
    for entity in entities:
        changes.note(changes.Change(tenant, entity, frozenset(entity.attrs)))


async def save(
    session: AsyncSession, row: TwinEntity, entity: StoredEntity, *, record: bool = True
) -> None:
    await save_many(session, row.tenant, [(row, entity)], record=record)


async def save_many(
    session: AsyncSession, tenant: str, pairs: list[tuple[TwinEntity, StoredEntity]],
    *, record: bool = True,
) -> None:
    """Write entities' new states over their rows; index rows are rewritten only for entities
    whose types or attribute names changed, which updates of values never do."""
    reindex: list[tuple[int, StoredEntity]] = []
    values: list[dict[str, Any]] = []
    for row, entity in pairs:
        assert entity.modified_at is not None
        if set(row.types) != set(entity.types) or set(row.attrs) != set(entity.attrs):
            reindex.append((row.id, entity))
        state: dict[str, Any] = {
            "types": list(entity.types), "attrs": dict(entity.attrs),
            "scopes": list(entity.scopes), "modified_at": entity.modified_at,
        }
        # The box is recomputed (shapely) only when the location itself changed.
        if row.attrs.get(LOCATION) == entity.attrs.get(LOCATION):
            state.update(min_lon=row.min_lon, min_lat=row.min_lat,
                         max_lon=row.max_lon, max_lat=row.max_lat)
        else:
            state.update(_bbox(entity))
        for key, value in state.items():
            # The row object shows the new state without the unit of work writing it again.
            set_committed_value(row, key, value)
        values.append({"pk": row.id, **{f"new_{key}": value for key, value in state.items()}})
    if values:
        # One Core executemany: the ORM's flush costs more per row than the UPDATE itself.
        columns = core_table(TwinEntity).c
        await session.execute(
            update(core_table(TwinEntity)).where(columns.id == bindparam("pk"))
            .values({key[4:]: bindparam(key) for key in values[0] if key != "pk"}),
            values,
        )
    if reindex:
        pks = [pk for pk, _ in reindex]
        for table in (TwinEntityType, TwinEntityAttribute):
            await session.execute(delete(table).where(table.entity_pk.in_(pks)))
        await _insert_index(session, tenant, reindex)
    if record:
        await history.record_many(session, tenant, [entity for _, entity in pairs])
    for _, entity in pairs:
        changes.note(changes.Change(tenant, entity, touched_attributes(entity)))


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


def _bbox(entity: StoredEntity) -> dict[str, float | None]:
    geometry = geometry_of(entity, LOCATION)
    if geometry is None:
        return dict.fromkeys(("min_lon", "min_lat", "max_lon", "max_lat"))
    min_lon, min_lat, max_lon, max_lat = shape(geometry).bounds
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


async def _insert_index(
    session: AsyncSession, tenant: str, rows: list[tuple[int, StoredEntity]]
) -> None:
    types = [{"entity_pk": pk, "type_iri": t, "tenant": tenant}
             for pk, entity in rows for t in entity.types]
    attrs = [{"entity_pk": pk, "attr_iri": a, "tenant": tenant}
             for pk, entity in rows for a in entity.attrs]
    if types:
        await session.execute(core_table(TwinEntityType).insert(), types)
    if attrs:
        await session.execute(core_table(TwinEntityAttribute).insert(), attrs)


_COLUMNS = (TwinEntity.entity_id, TwinEntity.types, TwinEntity.attrs, TwinEntity.scopes,
            TwinEntity.created_at, TwinEntity.modified_at)
# The SQLite R*Tree over the location boxes (migration 0013), kept in step by triggers.
_RTREE = sa.table("twin_entity_rtree", sa.column("id"), sa.column("min_lon"),
                  sa.column("max_lon"), sa.column("min_lat"), sa.column("max_lat"))


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
    q: Node | None = None  # translated to SQL where it can be (qsql), else checked in Python
    exact: list[Callable[[StoredEntity], bool]] = field(default_factory=list)
    pushdown: bool = True  # False: q only in Python (tests compare both paths)


async def query(
    session: AsyncSession, wanted: Candidates, *, offset: int, limit: int, count: bool = True
) -> tuple[list[StoredEntity], int]:
    """One page of matching entities (ordered by creation) and the number of all matches.

    Without `count` the number is only a lower bound that tells whether more follow (enough
    for paging links), and the database stops at the end of the page."""
    dialect = session.get_bind().dialect.name
    statement, checks = _narrowed(select(*_COLUMNS), wanted, dialect)
    statement = statement.order_by(TwinEntity.id)
    if not checks:  # SQL decides everything: it pages and counts too
        return await _sql_page(session, statement, offset, limit, count)
    page: list[StoredEntity] = []
    total = 0
    result = await session.stream(statement.execution_options(yield_per=SCAN_BATCH))
    async for entity_id, types, attrs, scopes, created_at, modified_at in result:
        entity = StoredEntity(id=entity_id, types=types, attrs=attrs, scopes=scopes or [],
                              created_at=created_at, modified_at=modified_at)
        if not all(check(entity) for check in checks):
            continue
        if offset <= total < offset + limit:
            page.append(entity)
        total += 1
        if not count and total > offset + limit:
            break
    await result.close()
    return page, total


async def _sql_page(
    session: AsyncSession, statement: Select[Any], offset: int, limit: int, count: bool
) -> tuple[list[StoredEntity], int]:
    rows = await session.execute(statement.offset(offset).limit(limit + (0 if count else 1)))
    page = [StoredEntity(id=entity_id, types=types, attrs=attrs, scopes=scopes or [],
                         created_at=created_at, modified_at=modified_at)
            for entity_id, types, attrs, scopes, created_at, modified_at in rows]
    if not count:
        return page[:limit], offset + len(page)
    if len(page) < limit and (page or offset == 0):
        return page, offset + len(page)
    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery()))
    return page, int(total or 0)


def _narrowed(
    statement: Select[Any], wanted: Candidates, dialect: str
) -> tuple[Select[Any], list[Callable[[StoredEntity], bool]]]:
    """The statement with every filter SQL can apply, and the checks left for Python."""
    statement = statement.where(TwinEntity.tenant == wanted.tenant)
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
    checks: list[Callable[[StoredEntity], bool]] = []
    if wanted.id_pattern is not None:
        pattern = wanted.id_pattern
        checks.append(lambda entity: pattern.fullmatch(entity.id) is not None)
    if wanted.geo is not None:
        box = wanted.geo.bbox()
        if box is not None and wanted.geo_iri == LOCATION:
            statement = statement.where(_in_box(box, dialect))
        checks.append(partial(_geo_passes, wanted.geo, wanted.geo_iri))
    if wanted.q is not None:
        node = wanted.q
        translated = qsql.translate(node, dialect) if wanted.pushdown else None
        if translated is not None:
            statement = statement.where(translated.clause)
        if translated is None or not translated.exact:
            checks.append(lambda entity: matches(node, entity))
    return statement, checks + wanted.exact


def _in_box(box: tuple[float, float, float, float], dialect: str) -> ColumnElement[bool]:
    """Entities whose location box touches `box`, answered by the spatial index."""
    min_x, min_y, max_x, max_y = box
    if dialect == "sqlite":
        # The R*Tree keeps 32-bit floats rounded outwards: a superset, refined in Python.
        return TwinEntity.id.in_(select(_RTREE.c.id).where(
            _RTREE.c.min_lon <= max_x, _RTREE.c.max_lon >= min_x,
            _RTREE.c.min_lat <= max_y, _RTREE.c.max_lat >= min_y,
        ))
    if dialect == "postgresql":
        # The same expression as the GiST index of migration 0013, so the planner uses it.
        stored = func.box(func.point(TwinEntity.min_lon, TwinEntity.min_lat),
                          func.point(TwinEntity.max_lon, TwinEntity.max_lat))
        return stored.op("&&")(func.box(func.point(min_x, min_y), func.point(max_x, max_y)))
    return and_(TwinEntity.min_lon <= max_x, TwinEntity.max_lon >= min_x,
                TwinEntity.min_lat <= max_y, TwinEntity.max_lat >= min_y)


def _geo_passes(geo: GeoQuery, iri: str, entity: StoredEntity) -> bool:
    geometry = geometry_of(entity, iri)
    return geometry is not None and geo.matches(geometry)


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
