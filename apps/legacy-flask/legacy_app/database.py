"""A thread-safe pool of psycopg2 connections to the shared PostgreSQL database."""
from __future__ import absolute_import, unicode_literals

from contextlib import contextmanager

import psycopg2
import psycopg2.extensions
from flask import current_app
from psycopg2 import sql
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

# On Python 2, psycopg2 returns text columns as byte strings unless told otherwise; the JSON layer
# needs unicode. On Python 3 this is already the default and the calls change nothing.
psycopg2.extensions.register_type(psycopg2.extensions.UNICODE)
psycopg2.extensions.register_type(psycopg2.extensions.UNICODEARRAY)

CONNECT_TIMEOUT_SECONDS = 5


class Database(object):
    def __init__(self, database_url, max_connections):
        # minconn=0: nothing connects at startup, so the service comes up (and /healthz reports the
        # database as unavailable) even while PostgreSQL is still starting.
        self._pool = ThreadedConnectionPool(
            0, max_connections, dsn=database_url, connect_timeout=CONNECT_TIMEOUT_SECONDS
        )
        # psycopg2 closes every returned connection beyond `minconn` idle ones; with 0 that meant a new
        # PostgreSQL connection (a forked backend) per request. Raised only now, so that still nothing
        # connects at startup, while up to max_connections stay open for reuse.
        self._pool.minconn = max_connections

    @contextmanager
    def transaction(self):
        """A dict cursor inside one transaction: committed on success, rolled back on error."""
        connection = self._pool.getconn()
        broken = False
        try:
            with connection:
                with connection.cursor(cursor_factory=RealDictCursor) as cursor:
                    yield cursor
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            # The server went away (restart, failover): drop the connection instead of pooling it.
            broken = True
            raise
        finally:
            self._pool.putconn(connection, close=broken or bool(connection.closed))


def database():
    """The connection pool of the application serving the current request."""
    return current_app.extensions["database"]


def update_statement(table, values, row_id, returning):
    """UPDATE <table> SET <given fields>, updated_at = now() WHERE id = <row_id> RETURNING ...

    Field names come from the validation rules, never from the client, and are quoted as
    identifiers.
    """
    fields = sorted(values)
    assignments = [sql.SQL("{} = %s").format(sql.Identifier(field)) for field in fields]
    assignments.append(sql.SQL("updated_at = now()"))
    statement = sql.SQL("UPDATE {} SET {} WHERE id = %s RETURNING " + returning).format(
        sql.Identifier(table), sql.SQL(", ").join(assignments)
    )
    return statement, [values[field] for field in fields] + [row_id]
