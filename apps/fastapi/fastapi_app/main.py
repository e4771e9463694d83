"""Application factory and the ASGI entry point `fastapi_app.main:app`."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .config import Settings
from .database import create_engine, create_sessionmaker, warm_pool
from .error_tracking import init_error_tracking
from .errors import ApiError, handle_api_error
from .flask_routing import AllowedMethods, handle_routing_error
from .observability import RequestObservability
from .routes import operations, orders, users
from .validation import handle_request_validation_error


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        app.state.sessionmaker = create_sessionmaker(engine)
        # In the background: the service answers (and /healthz reports the database) while it runs.
        warm_up = asyncio.create_task(warm_pool(engine))
        yield
        warm_up.cancel()
        with suppress(asyncio.CancelledError):
            await warm_up
        await engine.dispose()

    app = FastAPI(
        title="Users and orders",
        lifespan=lifespan,
        # The API must be indistinguishable from the Flask service, which has no generated docs and
        # does not redirect /api/users/ to /api/users.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        exception_handlers={
            ApiError: handle_api_error,
            StarletteHTTPException: handle_routing_error,
            RequestValidationError: handle_request_validation_error,
        },
    )
    app.add_middleware(RequestObservability, backend_name=settings.backend_name)
    routers = [module.router for module in (users, orders, operations)]
    for router in routers:
        app.include_router(router)
    app.state.allowed_methods = AllowedMethods(
        route for router in routers for route in router.routes
    )
    return app


init_error_tracking()
app = create_app(Settings.from_environ())
