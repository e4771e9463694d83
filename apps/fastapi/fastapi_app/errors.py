"""Errors in the legacy service's JSON shape: {"error": <HTTP status name>, "message": <why>}.

Validation failures add "fields": {<field>: <problem>}. Names and default messages are Werkzeug's,
which is what the Flask service sends, so clients cannot tell the two backends apart.
"""

from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

# Werkzeug's status names; spelled out because Python 3.13 renamed 422's phrase.
STATUS_NAMES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    422: "Unprocessable Entity",
    500: "Internal Server Error",
}
# Werkzeug's descriptions for the errors the framework raises on its own.
DEFAULT_MESSAGES = {
    404: "The requested URL was not found on the server. If you entered the URL manually please"
    " check your spelling and try again.",
    405: "The method is not allowed for the requested URL.",
    500: "The server encountered an internal error and was unable to complete your request."
    " Either the server is overloaded or there is an error in the application.",
}
INVALID_BODY_MESSAGE = "The request body is invalid."


class ApiError(Exception):
    def __init__(self, status_code: int, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.fields = fields


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def validation_failed(fields: dict[str, str]) -> ApiError:
    return ApiError(422, INVALID_BODY_MESSAGE, fields)


def error_response(
    status_code: int,
    message: str | None = None,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "error": STATUS_NAMES.get(status_code) or HTTPStatus(status_code).phrase,
        "message": message or DEFAULT_MESSAGES.get(status_code, ""),
    }
    if fields is not None:
        body["fields"] = fields
    return JSONResponse(body, status_code=status_code, headers=headers)


async def handle_api_error(request: Request, error: ApiError) -> JSONResponse:
    return error_response(error.status_code, error.message, error.fields)
