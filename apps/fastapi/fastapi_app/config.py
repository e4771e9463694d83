"""Runtime settings, read once from the environment at startup."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

ASYNCPG_SCHEME = "postgresql+asyncpg://"


@dataclass(frozen=True)
class Settings:
    database_url: str
    backend_name: str
    host: str
    port: int

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        return cls(
            database_url=database_url_from(environ),
            backend_name=environ.get("BACKEND_NAME") or "fastapi",
            host=environ.get("HOST") or "0.0.0.0",
            port=int(environ.get("PORT") or "8000"),
        )


def database_url_from(environ: Mapping[str, str]) -> str:
    """DATABASE_URL, which must name the asyncpg driver (the Alembic job reads it too)."""
    url = environ.get("DATABASE_URL", "")
    if not url.startswith(ASYNCPG_SCHEME):
        # Name only the scheme that was given: the rest of the URL carries the password.
        given = url.partition("://")[0] + "://" if url else "nothing"
        raise RuntimeError(
            f"DATABASE_URL must be {ASYNCPG_SCHEME}user:password@host:5432/database, got {given}"
        )
    return url
