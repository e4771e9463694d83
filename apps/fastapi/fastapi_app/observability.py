"""Prometheus request metrics, the X-App-Backend header, and the last-resort 500, for every request.

The metric names, labels and route templates are identical in the Flask service, so one dashboard
query compares the two backends: e.g. route="/api/users/{user_id}" on both.
"""

import logging
import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response

log = logging.getLogger(__name__)

BACKEND_HEADER = "X-App-Backend"
# Requests that matched no route share one label value, so probes of random URLs cannot blow up
# the number of series.
UNMATCHED_ROUTE = "unmatched"
# The same bounds in both apps and in Traefik (infra/monitoring/latencyBuckets.ts says why they are this fine).
LATENCY_BUCKETS = (
    0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1,
    0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0,
)

# prometheus_client appends the _total suffix of counters itself.
REQUESTS = Counter(
    "app_http_requests",
    "HTTP requests served, by backend, method, route template and status code.",
    ["backend", "method", "route", "status"],
)
REQUEST_DURATION = Histogram(
    "app_http_request_duration_seconds",
    "Time spent serving HTTP requests, by backend, method and route template.",
    ["backend", "method", "route"],
    buckets=LATENCY_BUCKETS,
)


def route_template(scope: Scope, status: int) -> str:
    """The matched route's path with its parameters, e.g. /api/users/{user_id} (no convertors)."""
    # On 405 Starlette still records the route whose path matched; for Flask no route matched.
    route = scope.get("route") if status != 405 else None
    return getattr(route, "path_format", None) or UNMATCHED_ROUTE


class RequestObservability:
    """Pure ASGI middleware (no response buffering) wrapped around the whole application.

    It is also the error boundary: an exception no handler took becomes the legacy JSON 500 here,
    inside the middleware, so that response too carries the backend header and is counted.
    """

    def __init__(self, app: ASGIApp, backend_name: str) -> None:
        self.app = app
        self.backend_name = backend_name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_backend_header(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                MutableHeaders(scope=message).append(BACKEND_HEADER, self.backend_name)
            await send(message)

        try:
            await self.app(scope, receive, send_with_backend_header)
        except Exception:
            log.exception("Unhandled error while serving %s %s", scope["method"], scope["path"])
            if response_started:
                raise
            await error_response(500)(scope, receive, send_with_backend_header)
        finally:
            route = route_template(scope, status)
            REQUESTS.labels(self.backend_name, scope["method"], route, str(status)).inc()
            REQUEST_DURATION.labels(self.backend_name, scope["method"], route).observe(
                time.perf_counter() - started
            )


def metrics_response() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
