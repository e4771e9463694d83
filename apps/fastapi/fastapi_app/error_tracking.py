"""Error tracking: unexpected errors go to Sentry when SENTRY_DSN is set, and nowhere otherwise.

Every unexpected exception ends in the error boundary of observability.py, which answers the JSON
500 and logs the exception with its traceback. sentry-sdk's logging integration (on by default)
turns that ERROR record into an event carrying the traceback, and the Starlette and FastAPI
integrations add the request to it: method, URL and route, but no cookies, user or body
(send_default_pii is off, and bodies, which hold the users' email addresses, are never sent, nor
are the traceback's local variables, which hold them too). sentry-sdk reads SENTRY_ENVIRONMENT and
SENTRY_RELEASE itself. Tracing stays off.
"""

import logging
import os
from urllib.parse import urlsplit

import sentry_sdk
from sentry_sdk.integrations.fastapi import FastApiIntegration
from sentry_sdk.integrations.starlette import StarletteIntegration

log = logging.getLogger(__name__)


def init_error_tracking() -> None:
    """Report to Sentry when SENTRY_DSN is set. Call once per process, before the app is created."""
    dsn = os.environ.get("SENTRY_DSN")
    if not dsn:
        log.info("Error tracking off: SENTRY_DSN is not set")
        return
    sentry_sdk.init(
        dsn=dsn,
        integrations=[StarletteIntegration(), FastApiIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=None,
    )
    log.info("Error tracking on: unexpected errors go to Sentry %s", without_key(dsn))


def without_key(dsn: str) -> str:
    """Where a DSN points, e.g. "project 42 at o0.ingest.sentry.io": never its key, which must not
    reach the logs."""
    parts = urlsplit(dsn)
    return f"project {parts.path.rsplit('/', 1)[-1]} at {parts.hostname}"
