"""/api/users: create, list, read, update and delete users."""

import asyncpg
from fastapi import APIRouter, Request, Response

from .. import queries
from ..database import database
from ..errors import ApiError, conflict, not_found
from ..flask_routing import FlaskCompatibleRoute
from ..pagination import PageQuery, page_from_rows
from ..schemas import PageOf, UserCreate, UserOut, UserUpdate
from ..validation import MAX_INT

router = APIRouter(route_class=FlaskCompatibleRoute)

DUPLICATE_EMAIL_MESSAGE = "A user with this email already exists."


def user_not_found(user_id: int) -> ApiError:
    return not_found(f"User {user_id} not found.")


def checked_user_id(user_id: int) -> int:
    """Ids beyond PostgreSQL's integer range cannot exist; the database would reject the query."""
    if user_id > MAX_INT:
        raise user_not_found(user_id)
    return user_id


@router.get("/api/users")
async def list_users(request: Request, page: PageQuery) -> PageOf[UserOut]:
    rows = await database(request).read_rows(queries.USERS_PAGE, page.size, page.offset)
    return page_from_rows(PageOf[UserOut], UserOut, rows, page)


@router.post("/api/users", status_code=201)
async def create_user(request: Request, payload: UserCreate) -> UserOut:
    try:
        user = await database(request).insert_row(queries.INSERT_USER, payload.email, payload.name)
    except asyncpg.UniqueViolationError as error:
        raise conflict(DUPLICATE_EMAIL_MESSAGE) from error
    return UserOut.model_validate(dict(user))


@router.get("/api/users/{user_id:int}")
async def get_user(request: Request, user_id: int) -> UserOut:
    user = await database(request).read_row(queries.USER_BY_ID, checked_user_id(user_id))
    if user is None:
        raise user_not_found(user_id)
    return UserOut.model_validate(dict(user))


@router.patch("/api/users/{user_id:int}")
async def update_user(request: Request, user_id: int, changes: UserUpdate) -> UserOut:
    try:
        user = await database(request).write_row(
            queries.UPDATE_USER,
            checked_user_id(user_id),
            changes.get("email"),
            changes.get("name"),
        )
    except asyncpg.UniqueViolationError as error:
        raise conflict(DUPLICATE_EMAIL_MESSAGE) from error
    if user is None:
        raise user_not_found(user_id)
    return UserOut.model_validate(dict(user))


@router.delete("/api/users/{user_id:int}", status_code=204)
async def delete_user(request: Request, user_id: int) -> Response:
    """Delete a user and, through the foreign key's ON DELETE CASCADE, the user's orders."""
    deleted = await database(request).write_row(queries.DELETE_USER, checked_user_id(user_id))
    if deleted is None:
        raise user_not_found(user_id)
    return Response(status_code=204)
