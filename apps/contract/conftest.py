"""Fixtures: the migrated contract database and both services running against it.

run.sh starts a throwaway PostgreSQL and passes its URL in CONTRACT_DATABASE_URL (postgresql://).
"""

import os
from collections.abc import Iterator

import httpx
import pytest

from harness.database import reset_tables
from harness.migrations import run_alembic
from harness.services import BACKENDS, Service, running_services

CLIENT_TIMEOUT_SECONDS = 10


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("CONTRACT_DATABASE_URL"):
        raise pytest.UsageError(
            "CONTRACT_DATABASE_URL is not set: run the suite with apps/contract/run.sh, which"
            " starts the PostgreSQL it needs."
        )


@pytest.fixture(scope="session")
def database_url() -> str:
    return os.environ["CONTRACT_DATABASE_URL"]


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    """The database after the migration job, which must succeed as the platform runs it."""
    result = run_alembic(database_url, "upgrade", "head")
    assert result.returncode == 0, result.stderr
    return database_url


@pytest.fixture(scope="session")
def services(
    migrated_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Service]]:
    with running_services(migrated_database, tmp_path_factory.mktemp("logs")) as started:
        yield started


@pytest.fixture(scope="session")
def clients(services: dict[str, Service]) -> Iterator[dict[str, httpx.Client]]:
    opened = {
        backend: httpx.Client(base_url=service.base_url, timeout=CLIENT_TIMEOUT_SECONDS)
        for backend, service in services.items()
    }
    yield opened
    for client in opened.values():
        client.close()


@pytest.fixture(autouse=True)
def empty_tables(migrated_database: str) -> None:
    """Every test starts from empty tables whose ids restart at 1."""
    reset_tables(migrated_database)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def api(backend: str, clients: dict[str, httpx.Client]) -> httpx.Client:
    """The client of one backend: tests using it run once against each."""
    return clients[backend]


@pytest.fixture
def flask(clients: dict[str, httpx.Client]) -> httpx.Client:
    return clients["flask"]


@pytest.fixture
def fastapi(clients: dict[str, httpx.Client]) -> httpx.Client:
    return clients["fastapi"]
