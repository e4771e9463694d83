"""Routing behaviour of the Flask service that FastAPI lacks, reproduced so that clients see
no difference:

- every GET route also answers HEAD;
- OPTIONS on a known path answers 200 with an Allow header listing the path's methods;
- 404 (unknown path) and 405 carry Werkzeug's JSON error bodies, and a 405's Allow header lists
  every method the path allows (Starlette lists only those of the first route that matched it).
"""

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from .errors import DEFAULT_MESSAGES, error_response


class FlaskCompatibleRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        # uvicorn sends no body in answer to HEAD, as Werkzeug does.
        if self.methods and "GET" in self.methods:
            self.methods.add("HEAD")


class AllowedMethods:
    """Which methods each path accepts, as Werkzeug computes them (OPTIONS is always allowed)."""

    def __init__(self, routes: Iterable[APIRoute]) -> None:
        self._routes = [(route.path_regex, route.methods or set()) for route in routes]

    def for_path(self, path: str) -> set[str]:
        allowed = {
            method for regex, methods in self._routes if regex.match(path) for method in methods
        }
        if allowed:
            allowed.add("OPTIONS")
        return allowed


async def handle_routing_error(request: Request, error: HTTPException) -> Response:
    if error.status_code != 405:
        return error_response(
            error.status_code, DEFAULT_MESSAGES.get(error.status_code, error.detail)
        )
    allowed: AllowedMethods = request.app.state.allowed_methods
    headers = {"Allow": ", ".join(sorted(allowed.for_path(request.scope["path"])))}
    if request.method == "OPTIONS":
        return Response(status_code=200, headers=headers)
    return error_response(405, headers=headers)
