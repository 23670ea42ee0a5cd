"""Delivery of notifications (clause 5.8.x): matched after commit, queued per endpoint so one
dead or slow receiver never delays another, retried with back-off, throttled per
subscription, and periodic for timeInterval subscriptions. Status (timesSent, lastSuccess,
lastFailure) is written back to the database by the notifier's own short transactions."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.modules.twin import endpoints, store
from cityverse.modules.twin.changes import Change
from cityverse.modules.twin.models import TwinSubscription
from cityverse.modules.twin.ngsild import CORE_CONTEXT_URL, context_link_header
from cityverse.modules.twin.ngsild.entity import StoredEntity, iso, now_utc
from cityverse.modules.twin.ngsild.render import View, render
from cityverse.modules.twin.ngsild.terms import TermMaps
from cityverse.modules.twin.subscription import CompiledSubscription

log = logging.getLogger("cityverse.twin.notify")
RETRY_DELAYS = (0.5, 2.0)  # seconds before the second and third attempt
SEND_TIMEOUT = 5.0
QUEUE_LIMIT = 10_000  # per endpoint; beyond it the oldest notifications are dropped
Compiler = Callable[[TwinSubscription], Awaitable[CompiledSubscription | None]]
# In-process observers of committed changes (e.g. the city view's live feed); called inside
# publish, so they must only hand the changes on, never wait.
Listener = Callable[[list[Change]], None]


@dataclass
class Job:
    subscription: CompiledSubscription
    entities: list[StoredEntity]


class Notifier:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], terms: TermMaps, compile_row: Compiler,
        client: httpx.AsyncClient | None = None,
        guard: endpoints.EndpointGuard | None = None,
    ) -> None:
        self._sessions = sessions
        self._guard = guard or endpoints.EndpointGuard(allow_private=True)
        self._terms = terms
        self._compile = compile_row
        self._client = client or httpx.AsyncClient(timeout=SEND_TIMEOUT, follow_redirects=False)
        self._subscriptions: dict[str, CompiledSubscription] = {}
        self._queues: dict[str, asyncio.Queue[Job]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._tickers: dict[str, asyncio.Task[None]] = {}
        self._last_sent: dict[str, float] = {}
        self._held: dict[str, dict[str, StoredEntity]] = {}  # throttled, latest per entity
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._listeners: list[Listener] = []

    async def start(self) -> None:
        async with self._sessions() as session:
            rows = list(await session.scalars(select(TwinSubscription)))
        for row in rows:
            await self.load(row)

    async def stop(self) -> None:
        tasks = [*self._workers.values(), *self._tickers.values()]
        for task in tasks:
            task.cancel()
        for timer in self._timers.values():
            timer.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._client.aclose()

    # Subscriptions ---------------------------------------------------------------------

    async def load(self, row: TwinSubscription) -> None:
        try:
            compiled = await self._compile(row)
        except Exception:  # a subscription stored by an older version must not stop the rest
            log.exception("subscription %s could not be loaded", row.subscription_id)
            return
        self.forget(row.subscription_id)
        if compiled is None:
            return
        self._subscriptions[compiled.id] = compiled
        if compiled.time_interval is not None and compiled.live():
            self._tickers[compiled.id] = asyncio.create_task(self._tick(compiled))

    def forget(self, subscription_id: str) -> None:
        self._subscriptions.pop(subscription_id, None)
        ticker = self._tickers.pop(subscription_id, None)
        if ticker is not None:
            ticker.cancel()
        timer = self._timers.pop(subscription_id, None)
        if timer is not None:
            timer.cancel()
        self._held.pop(subscription_id, None)

    # Changes ---------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def publish(self, changes: list[Change]) -> None:
        """Called after commit; never blocks the request."""
        for listener in list(self._listeners):
            try:
                listener(changes)
            except Exception:  # one broken observer must not cost subscribers their notices
                log.exception("change listener failed")
        now = now_utc()
        for change in changes:
            if change.deleted:
                continue
            for subscription in self._subscriptions.values():
                if (subscription.tenant == change.tenant and subscription.time_interval is None
                        and subscription.live(now)
                        and subscription.wants(change.entity, change.attrs)):
                    self._submit(subscription, change.entity)

    def _submit(self, subscription: CompiledSubscription, entity: StoredEntity) -> None:
        loop = asyncio.get_running_loop()
        if subscription.throttling > 0:
            last = self._last_sent.get(subscription.id)
            wait = (last + subscription.throttling - loop.time()) if last is not None else 0
            if wait > 0:
                self._held.setdefault(subscription.id, {})[entity.id] = entity
                if subscription.id not in self._timers:
                    self._timers[subscription.id] = loop.call_later(
                        wait, self._release, subscription.id)
                return
            self._last_sent[subscription.id] = loop.time()
        self._enqueue(Job(subscription, [entity]))

    def _release(self, subscription_id: str) -> None:
        self._timers.pop(subscription_id, None)
        held = self._held.pop(subscription_id, {})
        subscription = self._subscriptions.get(subscription_id)
        if subscription is not None and held:
            self._last_sent[subscription_id] = asyncio.get_running_loop().time()
            self._enqueue(Job(subscription, list(held.values())))

    def _enqueue(self, job: Job) -> None:
        endpoint = job.subscription.endpoint
        queue = self._queues.get(endpoint)
        if queue is None:
            queue = self._queues[endpoint] = asyncio.Queue(QUEUE_LIMIT)
            self._workers[endpoint] = asyncio.create_task(self._work(queue))
        if queue.full():
            dropped = queue.get_nowait()
            log.warning("endpoint %s is behind; dropped a notification of %s",
                        endpoint, dropped.subscription.id)
        queue.put_nowait(job)

    # Delivery --------------------------------------------------------------------------

    async def _work(self, queue: asyncio.Queue[Job]) -> None:
        while True:
            job = await queue.get()
            try:
                await self._deliver(job)
            except Exception:
                log.exception("notification of %s failed", job.subscription.id)

    async def _deliver(self, job: Job) -> None:
        subscription = job.subscription
        body, headers = await self._message(job)
        send = self._send_mqtt if subscription.endpoint.startswith("mqtt") else self._send_http
        ok = False
        for attempt in range(len(RETRY_DELAYS) + 1):
            try:
                ok, final = await send(subscription, body, headers)
                if ok or final:
                    break
            except endpoints.EndpointRefused as exc:
                log.warning("notification to %s refused: %s", subscription.endpoint, exc)
                break
            except (httpx.HTTPError, OSError) as exc:
                log.info("notification to %s failed: %s", subscription.endpoint, exc)
            if attempt < len(RETRY_DELAYS):
                await asyncio.sleep(RETRY_DELAYS[attempt])
        await self._record(subscription, ok, now_utc())

    async def _send_http(
        self, subscription: CompiledSubscription, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[bool, bool]:
        """(delivered, no retry): client errors are final, server errors are retried."""
        parts = httpx.URL(subscription.endpoint)
        await self._guard.resolve(parts.host, parts.port or (443 if parts.scheme == "https"
                                                             else 80))
        response = await self._client.post(subscription.endpoint, json=body, headers=headers)
        return response.is_success, response.status_code < 500

    async def _send_mqtt(
        self, subscription: CompiledSubscription, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[bool, bool]:
        target = endpoints.mqtt_target(subscription.endpoint)
        address = await self._guard.resolve(target.host, target.port)
        headers.setdefault("Content-Type", "application/json")
        message = {"metadata": headers, "body": body}
        # paho's client blocks; a thread per delivery keeps the event loop free, and the
        # per-endpoint queue keeps one slow broker from delaying other endpoints.
        ok = await asyncio.to_thread(endpoints.publish, target, address, message,
                                     subscription.notifier_info)
        return ok, False

    async def _message(self, job: Job) -> tuple[dict[str, Any], dict[str, str]]:
        subscription = job.subscription
        terms = self._terms.for_context(subscription.context)
        view = View(format=subscription.format, attrs=subscription.notify_attrs,
                    lang=subscription.lang)
        data = [await render(entity, terms, view) for entity in job.entities]
        body: dict[str, Any] = {
            "id": f"urn:ngsi-ld:Notification:{uuid.uuid4()}", "type": "Notification",
            "subscriptionId": subscription.id, "notifiedAt": iso(now_utc()), "data": data,
        }
        headers = dict(subscription.receiver_info)
        context = subscription.context or CORE_CONTEXT_URL
        if subscription.accept == "application/ld+json":
            body["@context"] = context
            headers["Content-Type"] = "application/ld+json"
        elif isinstance(context, str):
            headers["Link"] = context_link_header(context)
        if subscription.tenant:
            headers["NGSILD-Tenant"] = subscription.tenant
        return body, headers

    async def _record(self, subscription: CompiledSubscription, ok: bool, at: datetime) -> None:
        changes: dict[str, Any] = {"last_notification": at}
        if ok:
            changes.update(times_sent=TwinSubscription.times_sent + 1, last_success=at)
        else:
            changes.update(times_failed=TwinSubscription.times_failed + 1, last_failure=at)
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(TwinSubscription)
                .where(TwinSubscription.tenant == subscription.tenant,
                       TwinSubscription.subscription_id == subscription.id)
                .values(**changes)
            )

    async def _tick(self, subscription: CompiledSubscription) -> None:
        """timeInterval subscriptions: every interval, all matching entities."""
        assert subscription.time_interval is not None
        while subscription.live():
            await asyncio.sleep(subscription.time_interval)
            wanted = store.Candidates(
                tenant=subscription.tenant,
                types=[t for s in subscription.selectors for t in s.types] or None,
            )
            wanted.exact.append(lambda e: subscription.wants(e, frozenset(e.attrs)))
            async with self._sessions() as session:
                entities, _ = await store.query(session, wanted, offset=0, limit=1000)
            if entities:
                self._enqueue(Job(subscription, entities))
