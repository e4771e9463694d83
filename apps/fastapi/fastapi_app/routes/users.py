"""/api/users: create, list, read, update and delete users."""

from fastapi import APIRouter, Response
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..database import UNIQUE_VIOLATION, DbSession, sqlstate
from ..errors import ApiError, conflict, not_found
from ..flask_routing import FlaskCompatibleRoute
from ..models import User
from ..pagination import PageQuery
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
async def list_users(page: PageQuery, session: DbSession) -> PageOf[UserOut]:
    async with session.begin():
        total = await session.scalar(select(func.count()).select_from(User))
        users = await session.scalars(
            select(User).order_by(User.id).limit(page.size).offset(page.offset)
        )
    return PageOf[UserOut](
        items=[UserOut.model_validate(user) for user in users],
        page=page.number,
        per_page=page.size,
        total=total or 0,
    )


@router.post("/api/users", status_code=201)
async def create_user(payload: UserCreate, session: DbSession) -> UserOut:
    try:
        async with session.begin():
            user = await session.scalar(insert(User).values(**payload.model_dump()).returning(User))
    except IntegrityError as error:
        if sqlstate(error) == UNIQUE_VIOLATION:
            raise conflict(DUPLICATE_EMAIL_MESSAGE) from error
        raise
    return UserOut.model_validate(user)


@router.get("/api/users/{user_id:int}")
async def get_user(user_id: int, session: DbSession) -> UserOut:
    async with session.begin():
        user = await session.get(User, checked_user_id(user_id))
    if user is None:
        raise user_not_found(user_id)
    return UserOut.model_validate(user)


@router.patch("/api/users/{user_id:int}")
async def update_user(user_id: int, changes: UserUpdate, session: DbSession) -> UserOut:
    statement = (
        update(User)
        .where(User.id == checked_user_id(user_id))
        .values(**changes, updated_at=func.now())
        .returning(User)
    )
    try:
        async with session.begin():
            user = await session.scalar(statement)
    except IntegrityError as error:
        if sqlstate(error) == UNIQUE_VIOLATION:
            raise conflict(DUPLICATE_EMAIL_MESSAGE) from error
        raise
    if user is None:
        raise user_not_found(user_id)
    return UserOut.model_validate(user)


@router.delete("/api/users/{user_id:int}", status_code=204)
async def delete_user(user_id: int, session: DbSession) -> Response:
    """Delete a user and, through the foreign key's ON DELETE CASCADE, the user's orders."""
    async with session.begin():
        deleted = await session.scalar(
            delete(User).where(User.id == checked_user_id(user_id)).returning(User.id)
        )
    if deleted is None:
        raise user_not_found(user_id)
    return Response(status_code=204)
