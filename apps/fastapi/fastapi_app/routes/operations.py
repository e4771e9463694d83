"""Endpoints for the platform rather than for clients: /healthz, /healthz/database and /metrics."""

import logging

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import queries
from ..database import database
from ..flask_routing import FlaskCompatibleRoute
from ..observability import metrics_response

log = logging.getLogger(__name__)

router = APIRouter(route_class=FlaskCompatibleRoute)


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """The process can serve: what the ingress routes by. It does not ask the database, which both
    apps share, so a database that blinks takes neither backend out of the routing and neither
    has to be found healthy again before it serves."""
    return JSONResponse({"status": "ok"})


@router.get("/healthz/database")
async def database_health(request: Request) -> JSONResponse:
    """Whether this instance reaches the database, for people and monitoring."""
    try:
        await database(request).read_row(queries.DATABASE_ANSWERS)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
        log.warning("Database health check failed: %s", error)
        return JSONResponse({"status": "unavailable", "database": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/metrics")
async def metrics() -> Response:
    return metrics_response()
