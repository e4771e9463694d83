"""/api/orders: create, list (optionally for one user), read, update and delete orders."""

from fastapi import APIRouter, Request, Response
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..database import FOREIGN_KEY_VIOLATION, DbSession, sqlstate
from ..errors import ApiError, not_found, validation_failed
from ..flask_routing import FlaskCompatibleRoute
from ..models import Order
from ..pagination import PageQuery, query_integer
from ..schemas import OrderCreate, OrderOut, OrderUpdate, PageOf
from ..validation import MAX_INT

router = APIRouter(route_class=FlaskCompatibleRoute)


def order_not_found(order_id: int) -> ApiError:
    return not_found(f"Order {order_id} not found.")


def checked_order_id(order_id: int) -> int:
    """Ids beyond PostgreSQL's integer range cannot exist; the database would reject the query."""
    if order_id > MAX_INT:
        raise order_not_found(order_id)
    return order_id


@router.get("/api/orders")
async def list_orders(request: Request, page: PageQuery, session: DbSession) -> PageOf[OrderOut]:
    user_id = query_integer(request, "user_id", MAX_INT)
    matching = select(Order) if user_id is None else select(Order).where(Order.user_id == user_id)
    async with session.begin():
        total = await session.scalar(select(func.count()).select_from(matching.subquery()))
        orders = await session.scalars(
            matching.order_by(Order.id).limit(page.size).offset(page.offset)
        )
    return PageOf[OrderOut](
        items=[OrderOut.model_validate(order) for order in orders],
        page=page.number,
        per_page=page.size,
        total=total or 0,
    )


@router.post("/api/orders", status_code=201)
async def create_order(payload: OrderCreate, session: DbSession) -> OrderOut:
    try:
        async with session.begin():
            order = await session.scalar(
                insert(Order).values(**payload.model_dump()).returning(Order)
            )
    except IntegrityError as error:
        if sqlstate(error) == FOREIGN_KEY_VIOLATION:
            raise validation_failed({"user_id": "does not exist"}) from error
        raise
    return OrderOut.model_validate(order)


@router.get("/api/orders/{order_id:int}")
async def get_order(order_id: int, session: DbSession) -> OrderOut:
    async with session.begin():
        order = await session.get(Order, checked_order_id(order_id))
    if order is None:
        raise order_not_found(order_id)
    return OrderOut.model_validate(order)


@router.patch("/api/orders/{order_id:int}")
async def update_order(order_id: int, changes: OrderUpdate, session: DbSession) -> OrderOut:
    statement = (
        update(Order)
        .where(Order.id == checked_order_id(order_id))
        .values(**changes, updated_at=func.now())
        .returning(Order)
    )
    async with session.begin():
        order = await session.scalar(statement)
    if order is None:
        raise order_not_found(order_id)
    return OrderOut.model_validate(order)


@router.delete("/api/orders/{order_id:int}", status_code=204)
async def delete_order(order_id: int, session: DbSession) -> Response:
    async with session.begin():
        deleted = await session.scalar(
            delete(Order).where(Order.id == checked_order_id(order_id)).returning(Order.id)
        )
    if deleted is None:
        raise order_not_found(order_id)
    return Response(status_code=204)
