"""Attribute history: every instance written is also appended here, in the same transaction,
so the temporal API (clause 5.7 of the temporal representation) sees exactly what the entity
API accepted."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.twin.models import TwinAttributeInstance, core_table
from cityverse.modules.twin.ngsild.entity import StoredEntity, iso, parse_datetime
from cityverse.modules.twin.ngsild.temporal import TimeQuery


def new_instance_id() -> str:
    return f"urn:ngsi-ld:attribute:instance:{uuid.uuid4()}"


def new_instance_ids(count: int) -> list[str]:
    """Random (version 4) ids from one read of the system's random source: a batch writes
    thousands, and uuid4() reads it once per id."""
    raw = os.urandom(16 * count)
    return [f"urn:ngsi-ld:attribute:instance:{uuid.UUID(bytes=raw[i:i + 16], version=4)}"
            for i in range(0, 16 * count, 16)]


async def record_many(
    session: AsyncSession, tenant: str, entities: Sequence[StoredEntity]
) -> None:
    """Append the instances these writes touched: those stamped with the entity's new time."""
    rows: list[dict[str, Any]] = []
    for entity in entities:
        assert entity.modified_at is not None
        moment = iso(entity.modified_at)
        for iri, instances in entity.attrs.items():
            for instance in instances:
                if instance.get("modifiedAt") == moment:
                    rows.append(_row(tenant, entity.id, iri, instance, entity.modified_at,
                                     instance_id=""))
    if rows:
        for row, instance_id in zip(rows, new_instance_ids(len(rows)), strict=True):
            row["instance_id"] = instance_id
        await session.execute(core_table(TwinAttributeInstance).insert(), rows)


async def record_instances(
    session: AsyncSession, tenant: str, entity_id: str, attr_iri: str,
    instances: Sequence[dict[str, Any]], moment: datetime,
) -> None:
    rows = [_row(tenant, entity_id, attr_iri, dict(instance), moment) for instance in instances]
    if rows:
        await session.execute(core_table(TwinAttributeInstance).insert(), rows)


async def record_each(
    session: AsyncSession, tenant: str, items: Sequence[tuple[str, str, dict[str, Any]]],
    moment: datetime,
) -> None:
    """(entity id, attribute IRI, instance) one by one: telemetry may bring several readings
    of one attribute in a batch, and each is part of its history."""
    rows = [_row(tenant, entity_id, iri, instance, moment) for entity_id, iri, instance in items]
    if rows:
        await session.execute(core_table(TwinAttributeInstance).insert(), rows)


def _row(
    tenant: str, entity_id: str, iri: str, instance: dict[str, Any], moment: datetime,
    *, instance_id: str | None = None,
) -> dict[str, Any]:
    observed = instance.get("observedAt")
    return {
        "tenant": tenant, "entity_id": entity_id, "attr_iri": iri,
        "dataset_id": instance.get("datasetId", ""),
        "instance_id": new_instance_id() if instance_id is None else instance_id,
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
