"""Request and response bodies."""

from datetime import UTC, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer, with_config
# pydantic needs typing_extensions' TypedDict before Python 3.12.
from typing_extensions import TypedDict

from .validation import EMAIL_MAX_LENGTH, MAX_INT, email_address, integer, one_of, text

ORDER_STATUSES = ("pending", "paid", "shipped", "cancelled")

# ISO 8601 in UTC, always with microseconds: exactly what the Flask service renders.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
UtcTimestamp = Annotated[
    datetime,
    PlainSerializer(
        lambda moment: moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT), return_type=str
    ),
]

Email = Annotated[str, text(1, EMAIL_MAX_LENGTH), email_address()]
UserName = Annotated[str, text(1, 100)]
UserId = Annotated[int, integer(1, MAX_INT)]
Item = Annotated[str, text(1, 200)]
Quantity = Annotated[int, integer(1, 1000)]
TotalCents = Annotated[int, integer(0, MAX_INT)]
OrderStatus = Annotated[str, one_of(ORDER_STATUSES)]


# Request bodies are strict: no coercion between JSON types ("5" is not an integer, true is not a
# number). Unknown fields are ignored, as the Flask service does.
STRICT = ConfigDict(strict=True)


class RequestBody(BaseModel):
    model_config = STRICT


# Update bodies are TypedDicts: a field the client leaves out is absent (unchanged), while an
# explicit null is a wrong type like any other, as in the Flask service.


class UserCreate(RequestBody):
    email: Email
    name: UserName


@with_config(STRICT)
class UserUpdate(TypedDict, total=False):
    email: Email
    name: UserName


class OrderCreate(RequestBody):
    user_id: UserId
    item: Item
    quantity: Quantity
    total_cents: TotalCents
    status: OrderStatus = "pending"


@with_config(STRICT)
class OrderUpdate(TypedDict, total=False):
    # No user_id: an order never moves to another user.
    item: Item
    quantity: Quantity
    total_cents: TotalCents
    status: OrderStatus


class Representation(BaseModel):
    """A row as the API returns it, validated from the row's columns (queries.py names them after the fields)."""


class UserOut(Representation):
    id: int
    email: str
    name: str
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


class OrderOut(Representation):
    id: int
    user_id: int
    item: str
    quantity: int
    total_cents: int
    status: str
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


ItemT = TypeVar("ItemT", bound=Representation)


class PageOf(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    page: int
    per_page: int
    total: int
