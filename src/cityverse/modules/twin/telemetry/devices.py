"""The device registry: create, list, rotate keys, enable and disable devices, and check a
device's key. Never commits; the caller does."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.policy import Principal
from cityverse.core.errors import AppError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.twin.ngsild.entity import now_utc
from cityverse.modules.twin.telemetry import keys
from cityverse.modules.twin.telemetry.models import TwinDevice
from cityverse.modules.twin.telemetry.schemas import DeviceIn

SORTS = {"device_id", "created_at", "entity_id", "key_rotated_at"}
DEFAULT_TOPIC_TENANT = "default"  # the topic segment of the default tenant ""


def topic_of(device: TwinDevice) -> str:
    return f"cityverse/{device.tenant or DEFAULT_TOPIC_TENANT}/devices/{device.device_id}/attrs"


def _summary(device: TwinDevice) -> dict[str, object]:
    return {"device_id": device.device_id, "tenant": device.tenant,
            "entity_id": device.entity_id, "enabled": device.enabled}


async def find(session: AsyncSession, device_id: str) -> TwinDevice | None:
    found: TwinDevice | None = await session.scalar(
        select(TwinDevice).where(TwinDevice.device_id == device_id))
    return found


async def existing(session: AsyncSession, device_id: str) -> TwinDevice:
    device = await find(session, device_id)
    if device is None:
        raise AppError(404, "twin_device_not_found", device_id=device_id)
    return device


async def by_ids(session: AsyncSession, device_ids: Iterable[str]) -> dict[str, TwinDevice]:
    wanted = set(device_ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(TwinDevice).where(TwinDevice.device_id.in_(wanted)))
    return {row.device_id: row for row in rows}


async def create(
    session: AsyncSession, data: DeviceIn, actor: Principal | None, *, simulated: bool = False
) -> tuple[TwinDevice, str]:
    """The new device and its key (the only time the key exists outside the device)."""
    if await find(session, data.device_id) is not None:
        raise AppError(409, "twin_device_exists", device_id=data.device_id)
    key = keys.new_key()
    moment = now_utc()
    device = TwinDevice(
        device_id=data.device_id, tenant=data.tenant, entity_id=data.entity_id,
        attribute_map=dict(data.attribute_map), key_hash=keys.hash_key(key), enabled=True,
        simulated=simulated, created_at=moment, key_rotated_at=moment,
    )
    session.add(device)
    await session.flush()
    await _audit(session, actor, "twin.device.create", device, after=_summary(device))
    return device, key


async def rotate_key(
    session: AsyncSession, device_id: str, actor: Principal | None
) -> tuple[TwinDevice, str]:
    device = await existing(session, device_id)
    key = keys.new_key()
    device.key_hash = keys.hash_key(key)
    device.key_rotated_at = now_utc()
    await session.flush()
    await _audit(session, actor, "twin.device.rotate_key", device)
    return device, key


async def set_enabled(
    session: AsyncSession, device_id: str, enabled: bool, actor: Principal | None
) -> TwinDevice:
    device = await existing(session, device_id)
    before = _summary(device)
    device.enabled = enabled
    await session.flush()
    action = "twin.device.enable" if enabled else "twin.device.disable"
    await _audit(session, actor, action, device, before=before, after=_summary(device))
    return device


async def listing(
    session: AsyncSession, params: PageParams, *, tenant: str | None = None,
    entity_id: str | None = None, enabled: bool | None = None, entity_type: str | None = None,
    search: str | None = None,
) -> Page[TwinDevice]:
    statement = select(TwinDevice)
    if entity_type is not None:
        # Entity ids name their type (urn:ngsi-ld:<Type>:<id>), so the type needs no join.
        statement = statement.where(
            TwinDevice.entity_id.startswith(f"urn:ngsi-ld:{entity_type}:", autoescape=True))
    if search:
        needle = search.lower()
        statement = statement.where(
            func.lower(TwinDevice.device_id).contains(needle, autoescape=True)
            | func.lower(TwinDevice.entity_id).contains(needle, autoescape=True))
    if tenant is not None:
        statement = statement.where(TwinDevice.tenant == tenant)
    if entity_id is not None:
        statement = statement.where(TwinDevice.entity_id == entity_id)
    if enabled is not None:
        statement = statement.where(TwinDevice.enabled == enabled)
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = await session.scalars(
        params.apply(statement, TwinDevice, default="device_id", allowed=SORTS))
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def authenticate(session: AsyncSession, device_id: str, key: str) -> TwinDevice | None:
    """The enabled device this key belongs to, or None (unknown id, wrong key, disabled)."""
    device = await find(session, device_id)
    if device is None or not device.enabled or not keys.key_matches(key, device.key_hash):
        return None
    return device


async def password_file(session: AsyncSession) -> str:
    """Mosquitto `password_file` lines of the enabled devices (same hash, same keys)."""
    rows = await session.scalars(
        select(TwinDevice).where(TwinDevice.enabled.is_(True)).order_by(TwinDevice.device_id))
    return "".join(f"{row.device_id}:{row.key_hash}\n" for row in rows)


async def _audit(
    session: AsyncSession, actor: Principal | None, action: str, device: TwinDevice,
    *, before: dict[str, object] | None = None, after: dict[str, object] | None = None,
) -> None:
    await audit.record(
        session, actor_id=actor.user_id if actor else None,
        actor_name=actor.username if actor else "simulator", action=action,
        target_type="twin_device", target_id=device.device_id, before=before, after=after,
    )
