"""The migration job, run as the platform runs it: alembic in the FastAPI app's directory."""

import os
import subprocess

from .database import with_driver
from .paths import FASTAPI_DIR, VENV_BIN

MIGRATION_TIMEOUT_SECONDS = 120


def run_alembic(database_url: str | None, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run `alembic <arguments>` with DATABASE_URL in asyncpg form (unset when None)."""
    environment = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    if database_url is not None:
        environment["DATABASE_URL"] = with_driver(database_url, "postgresql+asyncpg")
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [str(VENV_BIN / "alembic"), *arguments],
        cwd=FASTAPI_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=MIGRATION_TIMEOUT_SECONDS,
    )
