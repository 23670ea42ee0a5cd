"""Telemetry API: the device registry (officers and admins), bulk ingest over HTTP (a device
with its key, or an officer) and the ingest status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request

from cityverse.core.auth.deps import optional_principal, requires
from cityverse.core.auth.policy import PUBLIC, Principal, Role, Scope, roles_policy
from cityverse.core.errors import AppError, FieldError
from cityverse.core.http import ERROR_RESPONSES, Db
from cityverse.core.pagination import PageOut, PageParams, page_params
from cityverse.modules.twin.binding import NgsiLdRoute
from cityverse.modules.twin.ngsild.entity import now_utc
from cityverse.modules.twin.telemetry import devices, readings
from cityverse.modules.twin.telemetry import messages as _messages  # noqa: F401 - registers them
from cityverse.modules.twin.telemetry.models import TwinDevice
from cityverse.modules.twin.telemetry.readings import Reading
from cityverse.modules.twin.telemetry.runtime import Telemetry
from cityverse.modules.twin.telemetry.schemas import (
    DEVICE_ID_PATTERN,
    ENTITY_TYPE_PATTERN,
    TENANT_PATTERN,
    DeviceIn,
    DeviceKeyOut,
    DeviceOut,
    DeviceStateIn,
    IngestIn,
    IngestOut,
    IngestStatusOut,
)

# The change feed of the HTTP ingest reaches subscribers after commit, as for NGSI-LD routes.
router = APIRouter(prefix="/api/twin", tags=["twin telemetry"], route_class=NgsiLdRoute,
                   responses=ERROR_RESPONSES)

OPERATORS = roles_policy(Role.OFFICER, Role.ADMIN)
Operator = Annotated[Principal, requires(OPERATORS)]
Watcher = Annotated[Principal, requires(roles_policy(Role.OFFICER, Role.ADMIN, scope=Scope.READ))]
Paging = Annotated[PageParams, Depends(page_params)]
DeviceId = Annotated[str, Path(pattern=DEVICE_ID_PATTERN)]


def _telemetry(request: Request) -> Telemetry | None:
    found: Telemetry | None = getattr(request.app.state, "twin_telemetry", None)
    return found


def _out(request: Request, device: TwinDevice) -> DeviceOut:
    telemetry = _telemetry(request)
    seen = telemetry.pipeline.last_seen.of(device.device_id) if telemetry else None
    return DeviceOut.model_validate(device).model_copy(update={"last_seen_at": seen})


def _with_key(request: Request, device: TwinDevice, key: str) -> DeviceKeyOut:
    return DeviceKeyOut(device=_out(request, device), key=key,
                        mqtt_topic=devices.topic_of(device))


@router.post("/devices", status_code=201, response_model=DeviceKeyOut)
async def create_device(
    request: Request, body: DeviceIn, db: Db, caller: Operator
) -> DeviceKeyOut:
    """Register a device; its key is in this answer only (keep it: it is stored as a hash)."""
    device, key = await devices.create(db, body, caller)
    return _with_key(request, device, key)


@router.get("/devices", response_model=PageOut[DeviceOut])
async def list_devices(
    request: Request, db: Db, _: Watcher, paging: Paging,
    tenant: Annotated[str | None, Query(pattern=TENANT_PATTERN)] = None,
    entity_id: Annotated[str | None, Query(max_length=512)] = None,
    entity_type: Annotated[str | None, Query(alias="type", pattern=ENTITY_TYPE_PATTERN)] = None,
    enabled: bool | None = None,
    q: Annotated[str | None, Query(max_length=128)] = None,
) -> PageOut[DeviceOut]:
    """Devices, by device id unless `sort` says otherwise; filter by tenant, entity, the
    entity's type, state; `q` finds a text in the device or entity id."""
    page = await devices.listing(db, paging, tenant=tenant, entity_id=entity_id, enabled=enabled,
                                 entity_type=entity_type, search=q)
    return page.to_out(lambda device: _out(request, device))


@router.get("/devices/{device_id}", response_model=DeviceOut)
async def get_device(request: Request, device_id: DeviceId, db: Db, _: Watcher) -> DeviceOut:
    return _out(request, await devices.existing(db, device_id))


@router.post("/devices/{device_id}/rotate-key", response_model=DeviceKeyOut)
async def rotate_device_key(
    request: Request, device_id: DeviceId, db: Db, caller: Operator
) -> DeviceKeyOut:
    """A new key for the device; the old one stops working at once."""
    device, key = await devices.rotate_key(db, device_id, caller)
    return _with_key(request, device, key)


@router.put("/devices/{device_id}/state", response_model=DeviceOut)
async def set_device_state(
    request: Request, device_id: DeviceId, body: DeviceStateIn, db: Db, caller: Operator
) -> DeviceOut:
    """Disable (or enable again) a device: a disabled device's readings are refused."""
    return _out(request, await devices.set_enabled(db, device_id, body.enabled, caller))


@router.post("/ingest", response_model=IngestOut, dependencies=[requires(PUBLIC)])
async def ingest(
    request: Request, body: IngestIn, db: Db,
    principal: Annotated[Principal | None, Depends(optional_principal)],
    x_device_id: Annotated[str | None, Header(pattern=DEVICE_ID_PATTERN)] = None,
    x_device_key: Annotated[str | None, Header(max_length=200)] = None,
) -> IngestOut:
    """Many readings at once. A device sends `X-Device-Id` and `X-Device-Key` and posts its own
    readings; an officer or admin (session or token) names the device of each reading. Any
    bad reading refuses the whole request (422, one field error per reading)."""
    caller_device = await _caller_device(db, principal, x_device_id, x_device_key)
    batch: list[Reading] = []
    problems: list[FieldError] = []
    for index, item in enumerate(body.readings):
        device_id = item.device_id or caller_device
        if device_id is None:
            problems.append(FieldError(f"readings.{index}.device_id", "required"))
            continue
        if caller_device is not None and device_id != caller_device:
            problems.append(FieldError(f"readings.{index}.device_id", "twin_foreign_device"))
            continue
        batch.append(Reading(device_id, dict(item.attrs), item.observed_at))
    telemetry = _telemetry(request)
    if not problems:
        terms = request.app.state.ngsild_terms.for_context(None)
        result = await readings.apply(db, terms, batch)
        problems = [FieldError(f"readings.{r.index}", r.code, {"detail": r.detail})
                    for r in result.rejected]
    if problems:
        if telemetry is not None:
            telemetry.pipeline.counters.rejected += len(body.readings)
        raise AppError(422, "twin_readings_refused", fields=problems)
    if telemetry is not None:
        telemetry.pipeline.counters.accepted += result.accepted
        # Noted before the request commits: a failed commit answers 5xx and the device retries.
        telemetry.pipeline.last_seen.note(batch, result, now_utc())
    return IngestOut(accepted=result.accepted, entities=result.entities)


async def _caller_device(
    db: Db, principal: Principal | None, device_id: str | None, key: str | None
) -> str | None:
    """The device posting (None for an officer); refuses anyone else."""
    if device_id is not None or key is not None:
        device = await devices.authenticate(db, device_id or "", key or "")
        if device is None:
            raise AppError(401, "twin_device_key_refused")
        return device.device_id
    if principal is None:
        raise AppError(401, "not_authenticated", headers={"WWW-Authenticate": "Bearer"})
    allowed, code = principal.allowed(OPERATORS)
    if not allowed:
        raise AppError(403, code, scope=str(OPERATORS.scope))
    return None


@router.get("/ingest/status", response_model=IngestStatusOut)
async def ingest_status(request: Request, _: Watcher) -> IngestStatusOut:
    """Readings accepted and refused since start, the last error, the broker in use."""
    telemetry = _telemetry(request)
    if telemetry is None:
        return IngestStatusOut(broker="off", broker_address="", connected=False, accepted=0,
                               rejected=0, batches=0, queued=0, last_error=None,
                               last_error_at=None, last_batch_at=None)
    counters = telemetry.pipeline.counters
    return IngestStatusOut(
        broker=telemetry.mode, broker_address=telemetry.address, connected=telemetry.connected,
        accepted=counters.accepted, rejected=counters.rejected, batches=counters.batches,
        queued=telemetry.pipeline.queued, last_error=counters.last_error,
        last_error_at=counters.last_error_at, last_batch_at=counters.last_batch_at,
    )
