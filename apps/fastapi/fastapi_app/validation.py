"""Request-body rules with the legacy service's messages, and the translation of pydantic's errors.

Request models are strict: JSON types are not coerced ("5" is not an integer, true is not a number),
exactly as the Flask service checks them. Each rule raises ValueError with the message the Flask
service uses; missing fields and type errors get its wording too.
"""

import re
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator

from .errors import INVALID_BODY_MESSAGE, error_response

# PostgreSQL's integer type: ids and counts are stored as int4.
MAX_INT = 2147483647

# Deliberately simple: something@something.tld, no whitespace. Delivery proves the rest.
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
EMAIL_MAX_LENGTH = 254

JSON_OBJECT_REQUIRED = "The request body must be a JSON object."

# pydantic error types, in the legacy service's words.
MESSAGES_BY_ERROR_TYPE = {
    "missing": "is required",
    "string_type": "must be a string",
    "int_type": "must be an integer",
}


def text(min_length: int, max_length: int) -> AfterValidator:
    def check(value: str) -> str:
        if not min_length <= len(value) <= max_length:
            raise ValueError(f"must be between {min_length} and {max_length} characters")
        return value

    return AfterValidator(check)


def integer(minimum: int, maximum: int) -> AfterValidator:
    def check(value: int) -> int:
        if not minimum <= value <= maximum:
            raise ValueError(f"must be between {minimum} and {maximum}")
        return value

    return AfterValidator(check)


def one_of(choices: Sequence[str]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError("must be one of: " + ", ".join(choices))
        return value

    return AfterValidator(check)


def email_address() -> AfterValidator:
    def check(value: str) -> str:
        if not EMAIL_PATTERN.match(value):
            raise ValueError("must be a valid email address")
        return value

    return AfterValidator(check)


def field_problems(errors: Sequence[dict[str, Any]]) -> dict[str, str] | None:
    """{field: problem} for errors about fields of the body; None when the body itself is unusable
    (not JSON, not an object, absent)."""
    problems: dict[str, str] = {}
    for error in errors:
        location = error["loc"]
        if len(location) != 2 or location[0] != "body" or error["type"] == "json_invalid":
            return None
        field = location[1]
        if error["type"] == "value_error":
            message = str(error["ctx"]["error"])
        else:
            message = MESSAGES_BY_ERROR_TYPE.get(error["type"], "is invalid")
        # Like the Flask service, report the first problem of each field.
        problems.setdefault(field, message)
    return problems


async def handle_request_validation_error(
    request: Request, error: RequestValidationError
) -> JSONResponse:
    """FastAPI's own 422 body becomes the legacy one: 400 when the body is not a JSON object at all,
    else 422 naming each invalid field."""
    problems = field_problems(error.errors())
    if problems is None:
        return error_response(400, JSON_OBJECT_REQUIRED)
    return error_response(422, INVALID_BODY_MESSAGE, fields=problems)
