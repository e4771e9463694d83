"""Application factory and the ASGI entry point `fastapi_app.main:app`."""

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .config import Settings
from .database import Database, create_pool, warm_pool
from .error_tracking import init_error_tracking
from .errors import ApiError, handle_api_error
from .flask_routing import AllowedMethods, handle_routing_error
from .observability import RequestObservability
from .routes import operations, orders, users
from .validation import handle_request_validation_error


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(settings.database_url)
        app.state.database = Database(pool)
        # In the background: the service answers (and /healthz reports the database) while it runs.
        warm_up = asyncio.create_task(warm_pool(pool))
        # What startup made lives as long as the process: keep the garbage collector from walking it again. A full
        # collection over it paused the one event loop for 20-30 ms, a few times a second under load, which every
        # request in flight waited out; now one walks what requests leave behind, about 1 ms.
        gc.collect()
        gc.freeze()
        yield
        warm_up.cancel()
        with suppress(asyncio.CancelledError):
            await warm_up
        await pool.close()

    routes = [route for module in (users, orders, operations) for route in module.router.routes]
    app = FastAPI(
        title="Users and orders",
        # The routes themselves rather than include_router, whose routers are matched on every request through a
        # wrapper of their own, and then matched again.
        routes=routes,
        lifespan=lifespan,
        # The API must be indistinguishable from the Flask service, which has no generated docs and
        # does not redirect /api/users/ to /api/users.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        # The service's metrics are Prometheus's (observability.py) and nothing here exports OpenTelemetry; FastAPI's
        # native telemetry would still ask OpenTelemetry's global providers whether to trace, on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
        exception_handlers={
            ApiError: handle_api_error,
            StarletteHTTPException: handle_routing_error,
            RequestValidationError: handle_request_validation_error,
        },
    )
    app.add_middleware(RequestObservability, backend_name=settings.backend_name)
    app.state.allowed_methods = AllowedMethods(routes)
    return app


init_error_tracking()
app = create_app(Settings.from_environ())
