"""The rules of the NGSI-LD context operations (clause 5.6): create, append, update, merge,
replace and delete of entities and attributes. Never commits; the request does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.modules.twin import store
from cityverse.modules.twin.models import TwinEntity
from cityverse.modules.twin.ngsild.contexts import ContextResolver
from cityverse.modules.twin.ngsild.entity import (
    Attributes,
    Instance,
    StoredEntity,
    normalize_entity,
    now_utc,
    stamp,
)
from cityverse.modules.twin.ngsild.errors import ErrorKind, NgsiLdError
from cityverse.modules.twin.ngsild.terms import TermMap

NGSI_LD_NULL = "urn:ngsi-ld:null"


@dataclass
class UpdateResult:
    """Clause 5.2.18: which attributes changed and which did not, with why."""

    updated: list[str] = field(default_factory=list)
    not_updated: list[tuple[str, str]] = field(default_factory=list)


def not_found(entity_id: str) -> NgsiLdError:
    return NgsiLdError(ErrorKind.ResourceNotFound, f"no entity {entity_id}", instance=entity_id)


@dataclass(frozen=True)
class Rejected:
    """An entity a bulk load refused: its position in the input, its id and why."""

    index: int
    entity_id: str
    reason: str


@dataclass
class BulkResult:
    created: int = 0
    replaced: int = 0
    kept: int = 0  # existing entities left as they were (replace_existing=False)
    rejected: list[Rejected] = field(default_factory=list)

    def add(self, other: BulkResult) -> None:
        self.created += other.created
        self.replaced += other.replaced
        self.kept += other.kept
        self.rejected.extend(other.rejected)


_core_terms: TermMap | None = None


def core_terms() -> TermMap:
    """Names expanded with the shipped NGSI-LD core context only (never fetched)."""
    global _core_terms
    if _core_terms is None:
        _core_terms = TermMap(ContextResolver(), None)
    return _core_terms


async def upsert_documents(
    session: AsyncSession, tenant: str, documents: Sequence[Any], *,
    replace_existing: bool = True, first_index: int = 0, record: bool = True,
) -> BulkResult:
    """Entities in NGSI-LD form (normalized or concise, core @context) written in a few
    statements: new ones created, existing ones replaced (or kept as they are, so a demo
    load run again leaves live values alone). Invalid documents are rejected one by one,
    never the whole batch."""
    result = BulkResult()
    valid: dict[str, StoredEntity] = {}
    skip: set[str] = set()
    if not replace_existing:  # entities to keep need no validation: look them up first
        raw_ids = [d.get("id") for d in documents if isinstance(d, dict)]
        ids = [raw_id for raw_id in raw_ids if isinstance(raw_id, str)]
        skip = set(await store.find_rows(session, tenant, ids))
        result.kept = len(skip)
    for index, document in enumerate(documents, first_index):
        raw_id = document.get("id") if isinstance(document, dict) else None
        if isinstance(raw_id, str) and raw_id in skip:
            continue
        try:
            entity = await normalize_entity(document, core_terms())
        except NgsiLdError as error:
            result.rejected.append(Rejected(index, str(raw_id or ""), error.detail))
            continue
        if entity.id in valid:
            result.rejected.append(Rejected(index, entity.id, "the id appears twice"))
            continue
        valid[entity.id] = entity
    existing = await store.find_rows(session, tenant, list(valid))
    fresh = [entity for entity_id, entity in valid.items() if entity_id not in existing]
    await create_new_entities(session, tenant, fresh, record=record)
    result.created = len(fresh)
    known = [(existing[entity_id], entity) for entity_id, entity in valid.items()
             if entity_id in existing]
    await replace_entities(session, tenant, known, record=record)
    result.replaced = len(known)
    return result


async def stats(session: AsyncSession) -> dict[str, int]:
    count = await session.scalar(select(func.count()).select_from(TwinEntity))
    return {"twin_entities": int(count or 0)}


async def existing(session: AsyncSession, tenant: str, entity_id: str) -> TwinEntity:
    row = await store.find_row(session, tenant, entity_id)
    if row is None:
        raise not_found(entity_id)
    return row


async def create_entity(
    session: AsyncSession, tenant: str, entity: StoredEntity, *, record: bool = True
) -> None:
    if await store.find_row(session, tenant, entity.id) is not None:
        raise NgsiLdError(ErrorKind.AlreadyExists, f"the entity {entity.id} exists already",
                          instance=entity.id)
    await create_new_entities(session, tenant, [entity], record=record)


async def create_new_entities(
    session: AsyncSession, tenant: str, entities: list[StoredEntity], *, record: bool = True
) -> None:
    """Entities the caller has checked do not exist yet, written together."""
    moment = now_utc()
    for entity in entities:
        entity.created_at = entity.modified_at = moment
        stamp(entity.attrs, moment)
    await store.insert_many(session, tenant, entities, record=record)


async def delete_entity(session: AsyncSession, tenant: str, entity_id: str) -> None:
    await store.remove(session, await existing(session, tenant, entity_id))


async def replace_entity(
    session: AsyncSession, tenant: str, entity_id: str, new: StoredEntity,
    row: TwinEntity | None = None,
) -> None:
    row = row or await existing(session, tenant, entity_id)
    await replace_entities(session, tenant, [(row, new)])


async def replace_entities(
    session: AsyncSession, tenant: str, pairs: list[tuple[TwinEntity, StoredEntity]],
    *, record: bool = True,
) -> None:
    moment = now_utc()
    saved = []
    for row, new in pairs:
        stamp(new.attrs, moment)
        current = store.to_entity(row)
        current.types = new.types or current.types
        current.attrs = new.attrs
        current.scopes = new.scopes
        current.modified_at = moment
        saved.append((row, current))
    await store.save_many(session, tenant, saved, record=record)


async def append_attributes(
    session: AsyncSession, tenant: str, entity_id: str, fragment: StoredEntity,
    *, overwrite: bool = True,
) -> UpdateResult:
    """POST …/attrs: new attributes are added; existing ones replaced unless noOverwrite."""
    row = await existing(session, tenant, entity_id)
    entity = store.to_entity(row)
    result = UpdateResult()
    moment = now_utc()
    for iri, instances in fragment.attrs.items():
        for instance in instances:
            if not overwrite and _find_instance(entity.attrs.get(iri, []), instance) is not None:
                result.not_updated.append((iri, "the attribute exists and noOverwrite was asked"))
                continue
            _put_instance(entity.attrs, iri, instance, moment)
            result.updated.append(iri)
    entity.types = list(dict.fromkeys(entity.types + fragment.types))
    await _store_if_changed(session, row, entity, result, moment)
    return result


async def update_attributes(
    session: AsyncSession, tenant: str, entity_id: str, fragment: StoredEntity
) -> UpdateResult:
    """PATCH …/attrs: only attributes the entity has are replaced (clause 5.6.4)."""
    row = await existing(session, tenant, entity_id)
    entity = store.to_entity(row)
    result = UpdateResult()
    moment = now_utc()
    for iri, instances in fragment.attrs.items():
        for instance in instances:
            if _find_instance(entity.attrs.get(iri, []), instance) is None:
                result.not_updated.append((iri, "the entity has no such attribute"))
                continue
            _put_instance(entity.attrs, iri, instance, moment)
            result.updated.append(iri)
    await _store_if_changed(session, row, entity, result, moment)
    return result


async def merge_entity(
    session: AsyncSession, tenant: str, entity_id: str, fragment: StoredEntity,
    row: TwinEntity | None = None, *, record: bool = True,
) -> None:
    """PATCH /entities/{id} (clause 5.6.17): attributes merged member by member, the value
    urn:ngsi-ld:null deletes, types are added."""
    row = row or await existing(session, tenant, entity_id)
    await merge_entities(session, tenant, [(row, fragment)], record=record)


async def merge_entities(
    session: AsyncSession, tenant: str, pairs: list[tuple[TwinEntity, StoredEntity]],
    *, record: bool = True,
) -> None:
    moment = now_utc()
    saved = []
    for row, fragment in pairs:
        entity = store.to_entity(row)
        for iri, instances in fragment.attrs.items():
            for instance in instances:
                if _is_null(instance):
                    _drop_instance(entity.attrs, iri, instance.get("datasetId"))
                    continue
                current = _find_instance(entity.attrs.get(iri, []), instance)
                merged = _merge_members(current, instance) if current is not None else instance
                _put_instance(entity.attrs, iri, merged, moment)
        entity.types = list(dict.fromkeys(entity.types + fragment.types))
        if fragment.scopes:
            entity.scopes = fragment.scopes
        entity.modified_at = moment
        saved.append((row, entity))
    await store.save_many(session, tenant, saved, record=record)


async def partial_attribute_update(
    session: AsyncSession, tenant: str, entity_id: str, attr_iri: str, instance: Instance
) -> None:
    """PATCH …/attrs/{attrId} (clause 5.6.4): the given members replace the stored ones."""
    row = await existing(session, tenant, entity_id)
    entity = store.to_entity(row)
    current = _find_instance(entity.attrs.get(attr_iri, []), instance)
    if current is None:
        raise NgsiLdError(ErrorKind.ResourceNotFound,
                          f"the entity {entity_id} has no attribute {attr_iri}")
    moment = now_utc()
    _put_instance(entity.attrs, attr_iri, _merge_members(current, instance), moment)
    entity.modified_at = moment
    await store.save(session, row, entity)


async def replace_attribute(
    session: AsyncSession, tenant: str, entity_id: str, attr_iri: str, instance: Instance
) -> None:
    """PUT …/attrs/{attrId} (clause 5.6.19)."""
    row = await existing(session, tenant, entity_id)
    entity = store.to_entity(row)
    if _find_instance(entity.attrs.get(attr_iri, []), instance) is None:
        raise NgsiLdError(ErrorKind.ResourceNotFound,
                          f"the entity {entity_id} has no attribute {attr_iri}")
    moment = now_utc()
    _put_instance(entity.attrs, attr_iri, instance, moment)
    entity.modified_at = moment
    await store.save(session, row, entity)


async def delete_attribute(
    session: AsyncSession, tenant: str, entity_id: str, attr_iri: str,
    *, dataset_id: str | None = None, delete_all: bool = False,
) -> None:
    row = await existing(session, tenant, entity_id)
    entity = store.to_entity(row)
    instances = entity.attrs.get(attr_iri, [])
    if delete_all:
        kept: list[Instance] = []
    else:
        kept = [i for i in instances if i.get("datasetId") != dataset_id]
    if not instances or len(kept) == len(instances):
        raise NgsiLdError(ErrorKind.ResourceNotFound,
                          f"the entity {entity_id} has no attribute {attr_iri}"
                          + (f" with datasetId {dataset_id}" if dataset_id else ""))
    if kept:
        entity.attrs[attr_iri] = kept
    else:
        del entity.attrs[attr_iri]
    entity.modified_at = now_utc()
    await store.save(session, row, entity)


async def _store_if_changed(
    session: AsyncSession, row: TwinEntity, entity: StoredEntity, result: UpdateResult,
    moment: Any,
) -> None:
    if result.updated:
        entity.modified_at = moment
        await store.save(session, row, entity)


def _find_instance(instances: list[Instance], like: Instance) -> Instance | None:
    wanted = like.get("datasetId")
    return next((i for i in instances if i.get("datasetId") == wanted), None)


def _put_instance(attrs: Attributes, iri: str, instance: Instance, moment: Any) -> None:
    previous = {iri: list(attrs.get(iri, []))}
    fresh = {iri: [dict(instance)]}
    stamp(fresh, moment, previous)
    kept = [i for i in attrs.get(iri, []) if i.get("datasetId") != instance.get("datasetId")]
    attrs[iri] = kept + fresh[iri]


def _drop_instance(attrs: Attributes, iri: str, dataset_id: str | None) -> None:
    kept = [i for i in attrs.get(iri, []) if i.get("datasetId") != dataset_id]
    if kept:
        attrs[iri] = kept
    else:
        attrs.pop(iri, None)


def _merge_members(current: Instance, update: Instance) -> Instance:
    merged = dict(current)
    for key, value in update.items():
        if isinstance(value, dict) and value.get("value") == NGSI_LD_NULL:
            merged.pop(key, None)
        else:
            merged[key] = value
    # A new value replaces the old one's kind of value member too.
    for key in ("value", "object", "languageMap", "valueList", "objectList", "json", "vocab"):
        if key in merged and key not in update and "type" in update \
                and update["type"] != current.get("type"):
            merged.pop(key)
    return merged


def _is_null(instance: Instance) -> bool:
    return any(instance.get(key) == NGSI_LD_NULL for key in ("value", "object"))
