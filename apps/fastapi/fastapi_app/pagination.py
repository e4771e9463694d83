"""`?page=&per_page=` query parameters, parsed exactly as the Flask service parses them, and the page body."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from asyncpg import Record
from fastapi import Depends, Request

from .errors import bad_request
from .schemas import ItemT, PageOf
from .validation import MAX_INT

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100

# Only plain ASCII digits, as in the Flask service (FastAPI's int coercion would accept more).
DIGITS = re.compile(r"[0-9]+\Z")


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def query_integer(request: Request, name: str, maximum: int) -> int | None:
    """An integer query parameter in [1, maximum]; None when absent; 400 otherwise."""
    # Of a repeated parameter Flask reads the first value; Starlette's .get() would return the last.
    values = request.query_params.getlist(name)
    if not values:
        return None
    raw = values[0]
    # The length check keeps int() away from huge inputs (Python refuses over 4300 digits).
    if DIGITS.match(raw) and len(raw.lstrip("0")) <= len(str(maximum)) and 1 <= int(raw) <= maximum:
        return int(raw)
    raise bad_request(f"{name} must be an integer between 1 and {maximum}")


async def page_from_query(request: Request) -> Page:
    number = query_integer(request, "page", MAX_INT)
    size = query_integer(request, "per_page", MAX_PER_PAGE)
    return Page(
        number=1 if number is None else number,
        size=DEFAULT_PER_PAGE if size is None else size,
    )


PageQuery = Annotated[Page, Depends(page_from_query)]


def page_from_rows(
    page_type: type[PageOf[ItemT]], item_type: type[ItemT], rows: Sequence[Record], page: Page
) -> PageOf[ItemT]:
    """The body for the rows of a queries.page_of statement: the first row carries the total, and
    a page past the end is that one row with no item in it."""
    return page_type(
        items=[item_type.model_validate(dict(row)) for row in rows if row["id"] is not None],
        page=page.number,
        per_page=page.size,
        total=rows[0]["total"],
    )
