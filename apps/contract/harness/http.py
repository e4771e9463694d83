"""HTTP helpers shared by the tests."""

import re

import httpx

BACKEND_HEADER = "X-App-Backend"
JSON = "application/json"
# ISO 8601 in UTC with microseconds, as both services render timestamps.
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\Z")


def created(response: httpx.Response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


def create_user(client: httpx.Client, email: str, name: str = "Ada Lovelace") -> dict:
    return created(client.post("/api/users", json={"email": email, "name": name}))


def create_order(client: httpx.Client, user_id: int, **fields: object) -> dict:
    body = {"user_id": user_id, "item": "Notebook", "quantity": 2, "total_cents": 1250, **fields}
    return created(client.post("/api/orders", json=body))


def error_body(error: str, message: str, **extra: object) -> dict:
    return {"error": error, "message": message, **extra}


def invalid_body(**fields: str) -> dict:
    return error_body("Unprocessable Entity", "The request body is invalid.", fields=fields)


def allowed_methods(response: httpx.Response) -> set[str]:
    return {method.strip() for method in response.headers["Allow"].split(",")}


NOT_FOUND_URL = error_body(
    "Not Found",
    "The requested URL was not found on the server. If you entered the URL manually please"
    " check your spelling and try again.",
)
METHOD_NOT_ALLOWED = error_body(
    "Method Not Allowed", "The method is not allowed for the requested URL."
)
INTERNAL_SERVER_ERROR = error_body(
    "Internal Server Error",
    "The server encountered an internal error and was unable to complete your request. Either the"
    " server is overloaded or there is an error in the application.",
)
JSON_OBJECT_REQUIRED = error_body("Bad Request", "The request body must be a JSON object.")
