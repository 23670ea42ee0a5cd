"""Attribute history: every instance written is also appended here, in the same transaction,
so the temporal API (clause 5.7 of the temporal representation) sees exactly what the entity
API accepted."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Dialect, Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.twin.models import TwinAttributeInstance, core_table
from cityverse.modules.twin.ngsild.entity import StoredEntity, iso, parse_datetime
from cityverse.modules.twin.ngsild.temporal import TimeQuery


def new_instance_id() -> str:
    return new_instance_ids(1)[0]


def new_instance_ids(count: int) -> list[str]:
    """Time-ordered (version 7, RFC 9562) ids: the milliseconds since the epoch, then random
    bits from one read of the system's random source. Ids of one batch share their leading
    digits, so the unique index on instance ids takes them at its end instead of at random
    places (with random ids, inserts slowed down as the history grew)."""
    millis = f"{time.time_ns() // 1_000_000:012x}"
    digits = os.urandom(10 * count).hex()
    ids = []
    for start in range(0, 20 * count, 20):
        h = digits[start:start + 20]
        # Version nibble 7, then the variant bits 10xx.
        ids.append(f"urn:ngsi-ld:attribute:instance:{millis[:8]}-{millis[8:]}-7{h[:3]}-"
                   f"{_VARIANT[h[3]]}{h[4:7]}-{h[7:19]}")
    return ids


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


# A history row of a telemetry reading: entity id, attribute IRI, observedAt, and the
# instance already serialised as JSON (the caller shares its common parts between rows).
SerialisedRow = tuple[str, str, datetime, str]

_APPEND_COLUMNS = ("tenant", "entity_id", "attr_iri", "dataset_id", "instance_id",
                   "observed_at", "modified_at", "instance")


@functools.cache
def _append_statement(dialect: Dialect) -> tuple[str, list[int]]:
    """The INSERT in the driver's own terms, and which of _APPEND_COLUMNS each positional
    placeholder takes (both drivers the platform uses take positional parameters)."""
    compiled = core_table(TwinAttributeInstance).insert().compile(
        dialect=dialect, column_keys=list(_APPEND_COLUMNS))
    if not compiled.positiontup:
        raise RuntimeError(f"{dialect.name}: positional parameters expected")
    return compiled.string, [_APPEND_COLUMNS.index(key) for key in compiled.positiontup]


async def append_serialised(
    session: AsyncSession, tenant: str, rows: Sequence[SerialisedRow], moment: datetime
) -> None:
    """Append many default-instance rows with one driver-level executemany: no ORM object,
    no JSON encoding and no per-row parameter processing by SQLAlchemy (at thousands of rows
    a second that processing cost more than the insert). Dates go through the column type's
    own conversion, once per distinct date."""
    if not rows:
        return
    connection = await session.connection()
    dialect = connection.dialect
    statement, order = _append_statement(dialect)
    to_column = _date_conversion(dialect)
    stamp = to_column(moment)
    converted: dict[datetime, Any] = {moment: stamp}
    params: list[tuple[Any, ...]] = []
    for (entity_id, iri, observed, instance), instance_id in zip(
            rows, new_instance_ids(len(rows)), strict=True):
        column_date = converted.get(observed)
        if column_date is None:
            column_date = converted[observed] = to_column(observed)
        params.append((tenant, entity_id, iri, "", instance_id, column_date, stamp, instance))
    if order != list(range(len(_APPEND_COLUMNS))):
        params = [tuple(values[i] for i in order) for values in params]
    await connection.exec_driver_sql(statement, params)


def _date_conversion(dialect: Dialect) -> Callable[[datetime], Any]:
    """What SQLAlchemy would hand the driver for a date of a history row."""
    column_type = TwinAttributeInstance.__table__.c.observed_at.type
    convert = column_type.dialect_impl(dialect).bind_processor(dialect)
    if convert is None:
        return lambda moment: moment
    return cast(Callable[[datetime], Any], convert)


async def record_many(
    session: AsyncSession, tenant: str, entities: Sequence[StoredEntity]
) -> None:
    """Append the instances these writes touched: those stamped with the entity's new time."""
    touched: list[tuple[str, str, dict[str, Any], datetime]] = []
    for entity in entities:
        assert entity.modified_at is not None
        moment = iso(entity.modified_at)
        touched.extend((entity.id, iri, instance, entity.modified_at)
                       for iri, instances in entity.attrs.items() for instance in instances
                       if instance.get("modifiedAt") == moment)
    if touched:
        rows = [_row(tenant, entity_id, iri, instance, modified, instance_id)
                for (entity_id, iri, instance, modified), instance_id
                in zip(touched, new_instance_ids(len(touched)), strict=True)]
        await session.execute(core_table(TwinAttributeInstance).insert(), rows)


async def record_instances(
    session: AsyncSession, tenant: str, entity_id: str, attr_iri: str,
    instances: Sequence[dict[str, Any]], moment: datetime,
) -> None:
    rows = [_row(tenant, entity_id, attr_iri, dict(instance), moment, instance_id)
            for instance, instance_id
            in zip(instances, new_instance_ids(len(instances)), strict=True)]
    if rows:
        await session.execute(core_table(TwinAttributeInstance).insert(), rows)


def _row(
    tenant: str, entity_id: str, iri: str, instance: dict[str, Any], moment: datetime,
    instance_id: str,
) -> dict[str, Any]:
    observed = instance.get("observedAt")
    return {
        "tenant": tenant, "entity_id": entity_id, "attr_iri": iri,
        "dataset_id": instance.get("datasetId", ""),
        "instance_id": instance_id,
        "observed_at": parse_datetime(observed, "observedAt") if observed else None,
        "modified_at": moment,
        "instance": {k: v for k, v in instance.items() if k not in ("createdAt",)},
    }


async def instances_of(
    session: AsyncSession, tenant: str, entity_ids: Sequence[str], time: TimeQuery,
    *, attrs: Sequence[str] | None = None, last_n: int | None = None,
) -> dict[str, dict[str, list[TwinAttributeInstance]]]:
    """entity id → attribute IRI → instances in time order (the last N of each with lastN)."""
    column = (TwinAttributeInstance.modified_at if time.prop == "modifiedAt"
              else TwinAttributeInstance.observed_at)
    statement: Select[tuple[TwinAttributeInstance]] = select(TwinAttributeInstance).where(
        TwinAttributeInstance.tenant == tenant,
        TwinAttributeInstance.entity_id.in_(list(entity_ids)),
        column.is_not(None),
    )
    if attrs:
        statement = statement.where(TwinAttributeInstance.attr_iri.in_(list(attrs)))
    if time.relation == "before" and time.at is not None:
        statement = statement.where(column < time.at)
    elif time.relation == "after" and time.at is not None:
        statement = statement.where(column >= time.at)
    elif time.relation == "between" and time.at is not None and time.end is not None:
        statement = statement.where(column >= time.at, column < time.end)
    statement = statement.order_by(column, TwinAttributeInstance.id)
    found: dict[str, dict[str, list[TwinAttributeInstance]]] = {}
    for row in await session.scalars(statement):
        found.setdefault(row.entity_id, {}).setdefault(row.attr_iri, []).append(row)
    if last_n is not None:
        for series in found.values():
            for iri in series:
                series[iri] = series[iri][-last_n:]
    return found


async def delete_series(
    session: AsyncSession, tenant: str, entity_id: str, attr_iri: str | None = None,
    *, instance_id: str | None = None,
) -> int:
    statement = delete(TwinAttributeInstance).where(
        TwinAttributeInstance.tenant == tenant, TwinAttributeInstance.entity_id == entity_id
    )
    if attr_iri is not None:
        statement = statement.where(TwinAttributeInstance.attr_iri == attr_iri)
    if instance_id is not None:
        statement = statement.where(TwinAttributeInstance.instance_id == instance_id)
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
