"""The migration job, run as the platform runs it: alembic in the FastAPI app's directory, in a
container of its image when run.sh names it (harness/containers.py)."""

import os
import subprocess

from .containers import image_of, in_container
from .database import with_driver
from .paths import FASTAPI_DIR, VENV_BIN

MIGRATION_TIMEOUT_SECONDS = 120


def run_alembic(database_url: str | None, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run `alembic <arguments>` with DATABASE_URL in asyncpg form (unset when None)."""
    job_environment = {"PYTHONDONTWRITEBYTECODE": "1"}
    if database_url is not None:
        job_environment["DATABASE_URL"] = with_driver(database_url, "postgresql+asyncpg")
    image = image_of("fastapi")
    if image:
        command = in_container(image, "alembic", job_environment, ["alembic", *arguments])
    else:
        command = [str(VENV_BIN / "alembic"), *arguments]
    inherited = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    return subprocess.run(
        command,
        cwd=FASTAPI_DIR,
        env={**inherited, **job_environment},
        capture_output=True,
        text=True,
        timeout=MIGRATION_TIMEOUT_SECONDS,
    )
