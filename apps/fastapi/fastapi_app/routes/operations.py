"""Endpoints for the platform rather than for clients: /healthz and /metrics."""

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
async def healthz(request: Request) -> JSONResponse:
    """Healthy only when the database answers: an instance that cannot reach it must get no
    traffic."""
    try:
        await database(request).read_row(queries.DATABASE_ANSWERS)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
        log.warning("Health check failed: database unavailable: %s", error)
        return JSONResponse({"status": "unavailable", "database": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/metrics")
async def metrics() -> Response:
    return metrics_response()
