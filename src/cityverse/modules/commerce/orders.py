"""Checkout and the order workflow.

placed → confirmed (enterprise) → shipped (enterprise, tracking note) → completed (buyer);
placed/confirmed → cancelled (buyer, or enterprise with a reason). Any other move is 409.

Stock is taken with one conditional UPDATE per product (`stock = stock - n WHERE stock >= n`):
the database serialises concurrent checkouts on the row, so two buyers can never both take the
last item, on SQLite and PostgreSQL alike. Status moves are conditional UPDATEs too, so a
double-clicked cancel cannot give the stock back twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core import audit
from cityverse.core.auth.models import User
from cityverse.core.auth.policy import Principal
from cityverse.core.db import utcnow
from cityverse.core.errors import AppError, FieldError
from cityverse.core.pagination import Page, PageParams
from cityverse.modules.commerce import cart, catalog
from cityverse.modules.commerce.models import (
    Checkout,
    Order,
    OrderEvent,
    OrderLine,
    Product,
)
from cityverse.modules.commerce.schemas import (
    CheckoutIn,
    OrderEventOut,
    OrderLineOut,
    OrderOut,
)

Actor = Literal["buyer", "enterprise", "system"]


@dataclass(frozen=True)
class Move:
    by: frozenset[str]
    sources: frozenset[str]
    target: str


MOVES: dict[str, Move] = {
    "confirm": Move(frozenset({"enterprise"}), frozenset({"placed"}), "confirmed"),
    "ship": Move(frozenset({"enterprise"}), frozenset({"confirmed"}), "shipped"),
    "complete": Move(frozenset({"buyer", "system"}), frozenset({"shipped"}), "completed"),
    "cancel": Move(frozenset({"buyer", "enterprise"}), frozenset({"placed", "confirmed"}),
                   "cancelled"),
}


async def _existing_checkout(session: AsyncSession, buyer_id: int, key: str) -> Checkout | None:
    found: Checkout | None = await session.scalar(
        select(Checkout).where(Checkout.buyer_id == buyer_id, Checkout.idempotency_key == key)
    )
    return found


async def _open_checkout(session: AsyncSession, buyer_id: int, key: str) -> Checkout | None:
    """A new checkout row, or None when this key was used before. Two requests racing with
    one key meet at the unique constraint; the loser is told to retry, and its retry replays.
    (No savepoint: SQLite's driver would commit the outer transaction on its release.)"""
    if await _existing_checkout(session, buyer_id, key) is not None:
        return None
    checkout = Checkout(buyer_id=buyer_id, idempotency_key=key)
    session.add(checkout)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise AppError(409, "checkout_in_progress") from exc
    return checkout


async def reserve(session: AsyncSession, product: Product, quantity: int) -> None:
    """Takes `quantity` from stock or refuses with 409 out_of_stock; never goes negative."""
    result = await session.execute(
        update(Product)
        .where(Product.id == product.id, Product.stock >= quantity, Product.published.is_(True))
        .values(stock=Product.stock - quantity)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise AppError(409, "out_of_stock", product=product.name)


async def _release(session: AsyncSession, order_id: int) -> None:
    found = await session.execute(
        select(OrderLine.product_id, OrderLine.quantity).where(OrderLine.order_id == order_id)
    )
    for product_id, quantity in found.tuples():
        if product_id is not None:
            await session.execute(
                update(Product).where(Product.id == product_id)
                .values(stock=Product.stock + quantity)
                .execution_options(synchronize_session=False)
            )


async def checkout(
    session: AsyncSession, buyer: Principal, data: CheckoutIn, key: str
) -> tuple[list[OrderOut], bool]:
    """Places one order per enterprise from the cart; (orders, replayed)."""
    opened = await _open_checkout(session, buyer.user_id, key)
    if opened is None:
        earlier = await _existing_checkout(session, buyer.user_id, key)
        assert earlier is not None
        placed = list(await session.scalars(
            select(Order).where(Order.checkout_id == earlier.id).order_by(Order.id)))
        return await outs(session, placed), True
    items = await cart.lines(session, buyer.user_id)
    if not items:
        raise AppError(422, "cart_empty")
    by_enterprise: dict[int, list[tuple[Product, int]]] = defaultdict(list)
    for item, product in items:  # product order: every checkout locks rows in the same order
        await reserve(session, product, item.quantity)
        by_enterprise[product.enterprise_id].append((product, item.quantity))
    placed = [await _place(session, buyer, opened.id, enterprise_id, lines, data)
              for enterprise_id, lines in sorted(by_enterprise.items())]
    await cart.empty(session, buyer.user_id)
    return await outs(session, placed), False


async def _place(
    session: AsyncSession, buyer: Principal, checkout_id: int, enterprise_id: int,
    lines: list[tuple[Product, int]], data: CheckoutIn,
) -> Order:
    order = Order(
        checkout_id=checkout_id, buyer_id=buyer.user_id, enterprise_id=enterprise_id,
        status="placed", total_fen=sum(p.price_fen * n for p, n in lines),
        contact_name=data.contact_name, contact_phone=data.contact_phone, address=data.address,
        buyer_note=data.note, placed_at=utcnow(), updated_at=utcnow(),
    )
    session.add(order)
    await session.flush()
    session.add_all([
        OrderLine(order_id=order.id, product_id=p.id, name=p.name, name_en=p.name_en,
                  price_fen=p.price_fen, quantity=n)
        for p, n in lines
    ])
    session.add(OrderEvent(order_id=order.id, status="placed", actor="buyer", at=utcnow()))
    await audit.record(
        session, actor_id=buyer.user_id, actor_name=buyer.username, action="commerce.order.place",
        target_type="order", target_id=order.id,
        after={"status": "placed", "total_fen": order.total_fen,
               "lines": [[p.id, n] for p, n in lines]},
    )
    return order


async def buyer_order(session: AsyncSession, buyer_id: int, order_id: int) -> Order:
    found = await session.get(Order, order_id)
    if found is None or found.buyer_id != buyer_id:
        raise AppError(404, "not_found")
    return found


async def enterprise_order(session: AsyncSession, enterprise_id: int, order_id: int) -> Order:
    found = await session.get(Order, order_id)
    if found is None or found.enterprise_id != enterprise_id:
        raise AppError(404, "not_found")
    return found


async def transition(
    session: AsyncSession, actor: Principal | None, order: Order, move_name: str, as_: Actor,
    *, note: str | None = None,
) -> Order:
    """Moves the order along the workflow, or 409 illegal_transition."""
    move = MOVES[move_name]
    if as_ not in move.by:
        raise AppError(403, "forbidden", scope="write")
    if move_name == "cancel" and as_ == "enterprise" and not (note or "").strip():
        raise AppError(422, "validation_error", fields=[FieldError("reason", "required")])
    before = order.status
    values: dict[str, object] = {"status": move.target, "updated_at": utcnow()}
    if move_name == "ship":
        values["tracking_note"] = note
    if move_name == "cancel":
        values["cancel_reason"] = (note or "").strip() or None
    result = await session.execute(
        update(Order).where(Order.id == order.id, Order.status.in_(move.sources)).values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.refresh(order)
        raise AppError(409, "illegal_transition", current=order.status, target=move.target)
    if move.target == "cancelled":
        await _release(session, order.id)
    session.add(OrderEvent(order_id=order.id, status=move.target, actor=as_,
                           note=(note or "").strip() or None, at=utcnow()))
    await audit.record(
        session, actor_id=actor.user_id if actor else None,
        actor_name=actor.username if actor else None, action=f"commerce.order.{move_name}",
        target_type="order", target_id=order.id,
        before={"status": before}, after={"status": move.target, "note": note or None},
    )
    await session.refresh(order)
    return order


async def complete_overdue(session: AsyncSession, days: int) -> int:
    """Completes orders shipped at least `days` ago that the buyer never confirmed."""
    cutoff = utcnow() - timedelta(days=days)
    overdue = list(await session.scalars(
        select(Order).where(Order.status == "shipped", Order.updated_at <= cutoff)
        .order_by(Order.id).limit(500)
    ))
    completed = 0
    for order in overdue:
        try:
            await transition(session, None, order, "complete", "system",
                             note=f"auto-completed {days} days after shipping")
            completed += 1
        except AppError:
            continue  # the buyer confirmed it in the meantime
    return completed


async def list_orders(
    session: AsyncSession, params: PageParams, *, buyer_id: int | None = None,
    enterprise_id: int | None = None, status: str | None = None,
) -> Page[Order]:
    query = select(Order)
    if buyer_id is not None:
        query = query.where(Order.buyer_id == buyer_id)
    if enterprise_id is not None:
        query = query.where(Order.enterprise_id == enterprise_id)
    if status:
        query = query.where(Order.status == status)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        params.apply(query, Order, default="-id", allowed={"id", "placed_at", "total_fen"})
    )
    return Page(items=list(rows), total=total or 0, page=params.page, size=params.size)


async def outs(session: AsyncSession, orders: list[Order]) -> list[OrderOut]:
    """Orders with their lines, timeline and names, in a fixed number of queries."""
    if not orders:
        return []
    ids = [o.id for o in orders]
    lines: dict[int, list[OrderLine]] = defaultdict(list)
    for line in await session.scalars(
            select(OrderLine).where(OrderLine.order_id.in_(ids)).order_by(OrderLine.id)):
        lines[line.order_id].append(line)
    events: dict[int, list[OrderEvent]] = defaultdict(list)
    for event in await session.scalars(
            select(OrderEvent).where(OrderEvent.order_id.in_(ids)).order_by(OrderEvent.id)):
        events[event.order_id].append(event)
    buyers = dict((await session.execute(
        select(User.id, User.display_name).where(User.id.in_({o.buyer_id for o in orders}))
    )).tuples().all())
    names = await catalog.enterprise_names(session, {o.enterprise_id for o in orders})
    return [
        OrderOut(
            id=o.id, status=o.status,
            enterprise_id=o.enterprise_id, enterprise_name=names[o.enterprise_id][0],
            enterprise_name_en=names[o.enterprise_id][1], buyer_name=buyers.get(o.buyer_id, ""),
            total_fen=o.total_fen, contact_name=o.contact_name, contact_phone=o.contact_phone,
            address=o.address, buyer_note=o.buyer_note, tracking_note=o.tracking_note,
            cancel_reason=o.cancel_reason, placed_at=o.placed_at,
            lines=[OrderLineOut.model_validate(line) for line in lines[o.id]],
            events=[OrderEventOut.model_validate(event) for event in events[o.id]],
        )
        for o in orders
    ]
