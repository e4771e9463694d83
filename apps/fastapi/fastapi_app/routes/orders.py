"""/api/orders: create, list (optionally for one user), read, update and delete orders."""

import asyncpg
from fastapi import APIRouter, Request, Response

from .. import queries
from ..database import database
from ..errors import ApiError, not_found, validation_failed
from ..flask_routing import FlaskCompatibleRoute
from ..pagination import PageQuery, page_from_rows, query_integer
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
async def list_orders(request: Request, page: PageQuery) -> PageOf[OrderOut]:
    user_id = query_integer(request, "user_id", MAX_INT)
    if user_id is None:
        rows = await database(request).read_rows(queries.ORDERS_PAGE, page.size, page.offset)
    else:
        rows = await database(request).read_rows(
            queries.USER_ORDERS_PAGE, page.size, page.offset, user_id
        )
    return page_from_rows(PageOf[OrderOut], OrderOut, rows, page)


@router.post("/api/orders", status_code=201)
async def create_order(request: Request, payload: OrderCreate) -> OrderOut:
    try:
        order = await database(request).insert_row(
            queries.INSERT_ORDER,
            payload.user_id,
            payload.item,
            payload.quantity,
            payload.total_cents,
            payload.status,
        )
    except asyncpg.ForeignKeyViolationError as error:
        raise validation_failed({"user_id": "does not exist"}) from error
    return OrderOut.model_validate(dict(order))


@router.get("/api/orders/{order_id:int}")
async def get_order(request: Request, order_id: int) -> OrderOut:
    order = await database(request).read_row(queries.ORDER_BY_ID, checked_order_id(order_id))
    if order is None:
        raise order_not_found(order_id)
    return OrderOut.model_validate(dict(order))


@router.patch("/api/orders/{order_id:int}")
async def update_order(request: Request, order_id: int, changes: OrderUpdate) -> OrderOut:
    order = await database(request).write_row(
        queries.UPDATE_ORDER,
        checked_order_id(order_id),
        changes.get("item"),
        changes.get("quantity"),
        changes.get("total_cents"),
        changes.get("status"),
    )
    if order is None:
        raise order_not_found(order_id)
    return OrderOut.model_validate(dict(order))


@router.delete("/api/orders/{order_id:int}", status_code=204)
async def delete_order(request: Request, order_id: int) -> Response:
    deleted = await database(request).write_row(queries.DELETE_ORDER, checked_order_id(order_id))
    if deleted is None:
        raise order_not_found(order_id)
    return Response(status_code=204)
