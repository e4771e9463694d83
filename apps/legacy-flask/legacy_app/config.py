"""Runtime settings, read once from the environment at startup."""
from __future__ import absolute_import, unicode_literals

import os
from collections import namedtuple

# gunicorn serves requests on this many threads in a single worker process, and the connection pool
# holds as many connections, so a request never waits for a connection. One process keeps the
# Prometheus counters in one place (no multiprocess collector needed).
REQUEST_THREADS = 8

Config = namedtuple("Config", ["database_url", "backend_name"])


def load_config(environ=None):
    environ = os.environ if environ is None else environ
    database_url = environ.get("DATABASE_URL")
    if not database_url:
        raise RuntimeError(
            "DATABASE_URL is not set; expected postgresql://user:password@host:5432/database"
        )
    return Config(
        database_url=database_url,
        backend_name=environ.get("BACKEND_NAME") or "flask",
    )
