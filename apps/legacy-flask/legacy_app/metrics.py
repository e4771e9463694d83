"""Prometheus request metrics and the X-App-Backend header, shared by every route.

The metric names, labels and route templates are identical in the FastAPI port, so one dashboard
query compares the two backends: e.g. route="/api/users/{user_id}" on both.
"""
from __future__ import absolute_import, unicode_literals

import re
import timeit

from flask import Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

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

# Flask writes converters into its rules ("<int:user_id>"); dashboards see "{user_id}" from both
# backends.
RULE_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def route_template():
    if request.url_rule is None:
        return UNMATCHED_ROUTE
    return RULE_VARIABLE.sub(r"{\1}", request.url_rule.rule)


def install_request_metrics(app, backend_name):
    # timeit.default_timer is time.perf_counter on Python 3 and time.time on Python 2, which has no
    # monotonic clock.
    @app.before_request
    def start_timer():
        g.request_started = timeit.default_timer()

    @app.after_request
    def record_request(response):
        elapsed = timeit.default_timer() - g.request_started
        route = route_template()
        REQUESTS.labels(backend_name, request.method, route, str(response.status_code)).inc()
        REQUEST_DURATION.labels(backend_name, request.method, route).observe(elapsed)
        response.headers[BACKEND_HEADER] = backend_name
        return response


def metrics_response():
    return Response(generate_latest(), content_type=CONTENT_TYPE_LATEST)
