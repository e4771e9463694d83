"""The async SQLAlchemy engine and the per-request session."""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
POOL_SIZE = 10

# SQLSTATE codes the API turns into client errors.
UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"


def create_engine(database_url: str) -> AsyncEngine:
    # pool_pre_ping replaces connections that died with a database restart instead of failing the
    # request that happens to pick them up.
    return create_async_engine(
        database_url,
        pool_size=POOL_SIZE,
        pool_pre_ping=True,
        connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
    )


async def warm_pool(engine: AsyncEngine, connections: int = POOL_SIZE) -> None:
    """Opens the pool's connections before the first requests need them. A connection is made on demand, and the
    request that makes it waits for TCP, SCRAM authentication and asyncpg's type introspection on top of its query:
    after a restart those few requests were FastAPI's p99. Best effort: with the database unreachable the service
    starts all the same and connects on demand."""

    async def open_one() -> None:
        async with engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")

    # All at once, so that each holds a connection of its own: the pool keeps them when they are returned.
    results = await asyncio.gather(*(open_one() for _ in range(connections)), return_exceptions=True)
    failures = [result for result in results if isinstance(result, Exception)]
    if failures:
        log.warning(
            "Opened %d of %d database connections ahead of requests (%s); the rest connect on demand",
            connections - len(failures),
            connections,
            type(failures[0]).__name__,
        )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Rows stay readable after commit: responses are built from them once the transaction is over.
    return async_sessionmaker(engine, expire_on_commit=False)


async def open_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for one request. Routes open their own transaction (`async with session.begin()`)
    so that it commits before the response is sent."""
    async with request.app.state.sessionmaker() as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(open_session)]


def sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)
