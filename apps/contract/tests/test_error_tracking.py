"""Error tracking: with SENTRY_DSN each app reports its unexpected errors to Sentry; else nothing.

Sentry is played by a loopback server that records what arrives (harness/sentry.py). The error is a
real one, the kind error tracking exists for: the database is unreachable (nothing listens on its
port), so a request that needs it fails inside the app.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from harness.database import with_port
from harness.sentry import SentryStandIn
from harness.services import BACKENDS, Service, free_port, running_services

PROJECT = 42
PUBLIC_KEY = "publickey"
ENVIRONMENT = "contract"
# Where each app handles the failing request: the reported traceback must reach into it.
ROUTE_MODULES = {"flask": "legacy_app.users", "fastapi": "fastapi_app.routes.users"}
# Private data a request carries: none of it may reach Sentry.
EMAIL = "private.person@example.com"
COOKIE_VALUE = "private-cookie-value"
# Long enough for an event to be sent (they arrive in well under a second), for the silent case.
QUIET_SECONDS = 3
EVENT_TIMEOUT_SECONDS = 15
PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")


def release(backend: str) -> str:
    return f"{backend}@contract"


@contextmanager
def services_and_sentry(
    database_url: str,
    log_dir: Path,
    environment: Callable[[SentryStandIn, str], dict[str, str]],
) -> Iterator[tuple[dict[str, Service], SentryStandIn]]:
    """A Sentry stand-in, and both services on a database that is not there, each with the
    variables `environment` gives it (from the stand-in and its backend)."""
    with SentryStandIn() as sentry, running_services(
        with_port(database_url, free_port()),
        log_dir,
        extra_environment={backend: environment(sentry, backend) for backend in BACKENDS},
    ) as started:
        yield started, sentry


def fail_a_request(service: Service) -> httpx.Response:
    """A user's creation, which fails for want of the database; it carries private data."""
    with httpx.Client(base_url=service.base_url, timeout=30) as client:
        return client.post(
            "/api/users",
            json={"email": EMAIL, "name": "Private Person"},
            headers={"Cookie": f"session={COOKIE_VALUE}"},
        )


@pytest.fixture(scope="module")
def reporting(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, Service], SentryStandIn]]:
    """Configured as the platform configures them when migration:errorTracking is set."""
    with services_and_sentry(
        database_url,
        tmp_path_factory.mktemp("logs-sentry"),
        lambda sentry, backend: {
            "SENTRY_DSN": sentry.dsn(PUBLIC_KEY, PROJECT),
            "SENTRY_ENVIRONMENT": ENVIRONMENT,
            "SENTRY_RELEASE": release(backend),
        },
    ) as started:
        yield started


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unexpected_error_reaches_sentry_with_its_traceback_and_no_private_data(
    reporting: tuple[dict[str, Service], SentryStandIn], backend: str
) -> None:
    services, sentry = reporting
    service = services[backend]

    def from_this_backend(event: dict) -> bool:
        return event.get("release") == release(backend)

    response = fail_a_request(service)
    reported = sentry.wait_for(from_this_backend, EVENT_TIMEOUT_SECONDS)
    time.sleep(1)  # a duplicate would follow at once

    assert response.status_code == 500
    assert reported, f"nothing reached Sentry:\n{service.log_tail()}"
    assert len(sentry.wait_for(from_this_backend, 0)) == 1
    request, event = reported[0]
    assert request.path in (f"/api/{PROJECT}/envelope/", f"/api/{PROJECT}/store/")
    assert f"sentry_key={PUBLIC_KEY}" in request.auth
    assert event["environment"] == ENVIRONMENT
    assert event["level"] == "error"
    frames = [
        frame for value in event["exception"]["values"] for frame in value["stacktrace"]["frames"]
    ]
    assert ROUTE_MODULES[backend] in [frame.get("module") for frame in frames]
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"] == service.base_url + "/api/users"
    sent = b"".join(received.body for received in sentry.requests())
    assert EMAIL.encode() not in sent
    assert COOKIE_VALUE.encode() not in sent
    log = service.log_path.read_text()
    assert f"go to Sentry project {PROJECT} at 127.0.0.1" in log
    assert PUBLIC_KEY not in log


@pytest.fixture(scope="module")
def silent(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, Service], SentryStandIn]]:
    """Configured as the platform configures them without migration:errorTracking (no SENTRY_DSN),
    with the stand-in as their HTTP proxy: any report sent anywhere over HTTP would reach it."""
    with services_and_sentry(
        database_url,
        tmp_path_factory.mktemp("logs-no-sentry"),
        lambda sentry, _backend: {
            **{name: sentry.url for name in PROXY_VARIABLES},
            "SENTRY_ENVIRONMENT": ENVIRONMENT,
        },
    ) as started:
        yield started


def test_without_a_dsn_nothing_is_sent(silent: tuple[dict[str, Service], SentryStandIn]) -> None:
    services, sentry = silent
    statuses = [fail_a_request(service).status_code for service in services.values()]
    time.sleep(QUIET_SECONDS)

    assert statuses == [500, 500]
    assert sentry.requests() == []
    for service in services.values():
        assert "Error tracking off: SENTRY_DSN is not set" in service.log_path.read_text()
