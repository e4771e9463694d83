"""The contract database: its URL for each driver, a reset between tests, scratch databases."""

from contextlib import closing
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql


def with_driver(url: str, scheme: str) -> str:
    """The same database URL for another driver: postgresql:// (psycopg2) or postgresql+asyncpg://."""
    return urlunsplit(urlsplit(url)._replace(scheme=scheme))


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def with_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(
        parts._replace(netloc=f"{parts.username}:{parts.password}@{parts.hostname}:{port}")
    )


def reset_tables(url: str) -> None:
    """Empty both tables and restart their ids, so each test sees ids 1, 2, ..."""
    with closing(psycopg2.connect(url)) as connection, connection, connection.cursor() as cursor:
        cursor.execute("TRUNCATE orders, users RESTART IDENTITY")


def create_database(url: str, name: str) -> None:
    with closing(psycopg2.connect(url)) as connection:
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def table_names(url: str) -> set[str]:
    with closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {name for (name,) in cursor.fetchall()}


def connections_to(url: str, database: str) -> int:
    """Client connections open to `database`, as PostgreSQL counts them (this query's own is elsewhere)."""
    with closing(psycopg2.connect(url)) as connection, connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = %s AND backend_type = 'client backend'",
            (database,),
        )
        return cursor.fetchone()[0]
