"""/healthz, /healthz/database and /metrics: what health checks, Prometheus and the cutover gates
rely on."""

import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from harness.database import connections_to, create_database, with_database, with_port
from harness.http import BACKEND_HEADER, INTERNAL_SERVER_ERROR
from harness.services import BACKENDS, Service, free_port, running_services, start_service


def test_healthz_says_the_process_serves_and_healthz_database_reports_the_database(
    api: httpx.Client,
) -> None:
    health = api.get("/healthz")
    database_health = api.get("/healthz/database")

    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert database_health.status_code == 200
    assert database_health.json() == {"status": "ok", "database": "ok"}


def sample(metrics: str, name: str, labels: dict[str, str]) -> float | None:
    """The value of the sample `name{labels}` in a Prometheus text exposition, None when absent."""
    for family in text_string_to_metric_families(metrics):
        for candidate in family.samples:
            if candidate.name == name and candidate.labels == labels:
                return candidate.value
    return None


def test_metrics_count_requests_by_backend_method_route_and_status(
    api: httpx.Client, backend: str
) -> None:
    counter = {
        "backend": backend,
        "method": "GET",
        "route": "/api/users/{user_id}",
        "status": "404",
    }
    histogram = {"backend": backend, "method": "GET", "route": "/api/users/{user_id}"}
    before = api.get("/metrics").text

    for user_id in (41, 42, 43):
        assert api.get(f"/api/users/{user_id}").status_code == 404
    response = api.get("/metrics")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    after = response.text
    assert "# TYPE app_http_requests_total counter" in after
    assert "# TYPE app_http_request_duration_seconds histogram" in after
    assert (sample(after, "app_http_requests_total", counter) or 0) - (
        sample(before, "app_http_requests_total", counter) or 0
    ) == 3
    count_name = "app_http_request_duration_seconds_count"
    assert (sample(after, count_name, histogram) or 0) - (
        sample(before, count_name, histogram) or 0
    ) == 3
    assert (
        sample(after, "app_http_request_duration_seconds_bucket", {**histogram, "le": "+Inf"})
        is not None
    )


@pytest.mark.parametrize(
    ("method", "path", "route"),
    [
        ("GET", "/api/orders", "/api/orders"),
        ("GET", "/definitely/not/here", "unmatched"),
        ("PUT", "/api/users", "unmatched"),
    ],
)
def test_route_label_is_the_shared_template(
    api: httpx.Client, backend: str, method: str, path: str, route: str
) -> None:
    status = str(api.request(method, path).status_code)

    labels = {"backend": backend, "method": method, "route": route, "status": status}
    assert sample(api.get("/metrics").text, "app_http_requests_total", labels)


@pytest.fixture(scope="module")
def services_without_database(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Service]]:
    """Both services configured for a PostgreSQL that is not there (nothing listens on the port)."""
    with running_services(
        with_port(database_url, free_port()),
        tmp_path_factory.mktemp("logs-no-db"),
    ) as started:
        yield started


@pytest.mark.parametrize("backend", BACKENDS)
def test_without_database_only_the_database_health_is_503_and_requests_fail_in_json(
    services_without_database: dict[str, Service], backend: str
) -> None:
    with httpx.Client(base_url=services_without_database[backend].base_url, timeout=30) as client:
        health = client.get("/healthz")
        database_health = client.get("/healthz/database")
        listing = client.get("/api/users")
        metrics = client.get("/metrics").text

    # Still routable: the other backend shares the database, so routing around it would not help.
    assert health.status_code == 200
    assert database_health.status_code == 503
    assert database_health.json() == {"status": "unavailable", "database": "unavailable"}
    assert listing.status_code == 500
    assert listing.json() == INTERNAL_SERVER_ERROR
    assert listing.headers[BACKEND_HEADER] == backend
    labels = {"backend": backend, "method": "GET", "route": "/api/users", "status": "500"}
    assert sample(metrics, "app_http_requests_total", labels) == 1


FASTAPI_POOL_SIZE = 10
WARM_UP_TIMEOUT_SECONDS = 15


def test_fastapi_opens_its_pool_before_requests_need_it(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """After a restart no request should pay for connecting: the pool fills while only the health
    check has asked anything. Counted on a database of its own, which nothing else connects to."""
    create_database(database_url, "contract_warm_pool")
    scratch_url = with_database(database_url, "contract_warm_pool")
    service = start_service("fastapi", scratch_url, tmp_path_factory.mktemp("logs-warm-pool"), {})
    try:
        service.wait_until_serving()
        deadline = time.monotonic() + WARM_UP_TIMEOUT_SECONDS
        while (opened := connections_to(database_url, "contract_warm_pool")) < FASTAPI_POOL_SIZE:
            assert time.monotonic() < deadline, f"{opened} connections open:\n{service.log_tail()}"
            time.sleep(0.2)
    finally:
        service.stop()

    assert opened == FASTAPI_POOL_SIZE
