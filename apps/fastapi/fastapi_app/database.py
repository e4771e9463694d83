"""The pool of asyncpg connections, and the one way the routes use it: one statement at a time."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from fastapi import Request

from .config import ASYNCPG_SCHEME

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
POOL_SIZE = 10

T = TypeVar("T")

# When the server has closed a connection (a restart, a failover, an administrator) and the pool hands it out before
# asyncpg has read all of the goodbye, a statement fails in one of two ways. Either asyncpg refuses to send it: the
# connection is marked closed (InterfaceError), or the server's last message has been read but not yet the end of
# the stream ("cannot switch to state ...; another operation (2) is in progress", InternalClientError). Or it was
# sent and the goodbye arrived instead of the answer: whether it ran is unknown.
NOT_SENT = (asyncpg.InterfaceError, asyncpg.InternalClientError)
LOST_IN_FLIGHT = (
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
)


def libpq_dsn(database_url: str) -> str:
    """asyncpg takes libpq's form of DATABASE_URL: postgresql://, without SQLAlchemy's driver name
    (which the Alembic job needs)."""
    return "postgresql://" + database_url.removeprefix(ASYNCPG_SCHEME)


async def keep_session(connection: asyncpg.Connection) -> None:
    """The pool's reset when a connection comes back: none. asyncpg's default (closing cursors,
    UNLISTEN, RESET ALL, releasing advisory locks) costs a round trip per request and undoes
    nothing, since no statement here changes the session; an open transaction is still rolled
    back (asyncpg does that before calling this)."""


async def create_pool(database_url: str) -> asyncpg.Pool:
    """A pool that connects nothing yet (min_size=0): the service starts, and /healthz reports the
    database, even while PostgreSQL is down; warm_pool opens the connections."""
    return await asyncpg.create_pool(
        libpq_dsn(database_url),
        min_size=0,
        max_size=POOL_SIZE,
        # Idle connections stay open: after a quiet spell the next requests should not connect.
        max_inactive_connection_lifetime=0,
        reset=keep_session,
        timeout=CONNECT_TIMEOUT_SECONDS,
    )


async def warm_pool(pool: asyncpg.Pool, connections: int = POOL_SIZE) -> None:
    """Opens the pool's connections before the first requests need them. A connection is made on demand, and the
    request that makes it waits for TCP, SCRAM authentication and asyncpg's type introspection on top of its query:
    after a restart those few requests were FastAPI's p99. Best effort: with the database unreachable the service
    starts all the same and connects on demand."""

    async def open_one() -> None:
        async with pool.acquire() as connection:
            await connection.execute("SELECT 1")

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


class Database:
    """Runs one statement of queries.py on a pooled connection, in autocommit.

    A connection that the server closed while it sat in the pool (a database restart) is replaced when it is taken
    out, with no round trip: asyncpg reads the server's goodbye as it arrives and marks the connection closed. Should
    a statement still find its connection gone (the server closed it just as the pool handed it out), it runs again,
    once, on another connection: a read whatever happened, a write only if it was never sent (one that was may have
    committed, and running it again could insert twice).
    """

    def __init__(self, pool: asyncpg.Pool, connections: int = POOL_SIZE) -> None:
        self.pool = pool
        # Requests take turns for a connection in the order they asked. asyncpg's pool gives a returned connection to
        # whichever request asks next, and a request that had been waiting goes to the back of the line: with more
        # requests in flight than connections, a few waited many turns (FastAPI's p99 at 32 concurrent requests was
        # twice its p90). This semaphore is first come, first served, and lets no more requests than there are
        # connections into the pool, so the pool never has a queue of its own.
        self.turns = asyncio.Semaphore(connections)

    async def read_row(self, query: str, *args: object) -> asyncpg.Record | None:
        return await self._run(lambda connection: connection.fetchrow(query, *args), NOT_SENT + LOST_IN_FLIGHT)

    async def read_rows(self, query: str, *args: object) -> list[asyncpg.Record]:
        return await self._run(lambda connection: connection.fetch(query, *args), NOT_SENT + LOST_IN_FLIGHT)

    async def write_row(self, query: str, *args: object) -> asyncpg.Record | None:
        """The row an UPDATE or DELETE ... RETURNING changed, or None when no row matched."""
        return await self._run(lambda connection: connection.fetchrow(query, *args), NOT_SENT)

    async def insert_row(self, query: str, *args: object) -> asyncpg.Record:
        """The row an INSERT ... RETURNING made (it raises rather than insert nothing)."""
        row = await self.write_row(query, *args)
        assert row is not None, "INSERT ... RETURNING returned no row"
        return row

    async def _run(
        self,
        statement: Callable[[asyncpg.Connection], Awaitable[T]],
        retry_on: tuple[type[Exception], ...],
    ) -> T:
        try:
            return await self._on_a_connection(statement)
        except retry_on as error:
            log.warning("A pooled database connection was gone (%r); running the statement on another", error)
            return await self._on_a_connection(statement)

    async def _on_a_connection(self, statement: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        async with self.turns, self.pool.acquire() as connection:
            return await statement(connection)


def database(request: Request) -> Database:
    """The database of the application serving `request`. A plain function rather than a FastAPI dependency, which
    FastAPI would resolve anew for every request (the session per request, a generator dependency, was 6% of the time
    under load)."""
    app_database: Database = request.app.state.database
    return app_database
