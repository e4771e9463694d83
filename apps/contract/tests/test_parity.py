"""The same request to both services, answers compared directly: status, body and the API headers.

Only the X-App-Backend header may tell them apart (Date, Server and Content-Length describe the
transport, not the API). Requests here never change data, so both see the same database state.
"""

import httpx
import pytest

from harness.http import create_order, create_user

# Headers that are part of the API. Allow is compared as a set: its order carries no meaning.
API_HEADERS = ("Content-Type",)

REQUESTS = [
    ("GET", "/healthz", None),
    ("GET", "/healthz/database", None),
    ("GET", "/api/users", None),
    ("GET", "/api/users?page=2&per_page=2", None),
    ("GET", "/api/users?page=9", None),
    ("GET", "/api/users?per_page=100&page=1", None),
    ("GET", "/api/users?page=0", None),
    ("GET", "/api/users?per_page=1000", None),
    ("GET", "/api/users/1", None),
    ("GET", "/api/users/3", None),
    ("GET", "/api/users/999", None),
    ("GET", "/api/users/3000000000", None),
    ("GET", "/api/users/x", None),
    ("GET", "/api/users/", None),
    ("GET", "/api/orders", None),
    ("GET", "/api/orders?user_id=1", None),
    ("GET", "/api/orders?user_id=2&per_page=1&page=2", None),
    ("GET", "/api/orders?user_id=abc", None),
    ("GET", "/api/orders/2", None),
    ("GET", "/api/orders/77", None),
    ("HEAD", "/api/orders/2", None),
    ("OPTIONS", "/api/orders", None),
    ("OPTIONS", "/missing", None),
    ("PUT", "/api/orders/2", {"status": "paid"}),
    ("DELETE", "/api/orders", None),
    ("GET", "/", None),
    ("POST", "/api/users", {}),
    ("POST", "/api/users", {"email": "ada@example.com", "name": "Duplicate Ada"}),
    ("POST", "/api/users", {"email": ["x"], "name": 3.5}),
    ("POST", "/api/users", [{"email": "ada@example.com"}]),
    ("POST", "/api/orders", {"user_id": 999, "item": "Pen", "quantity": 1, "total_cents": 100}),
    (
        "POST",
        "/api/orders",
        {"user_id": 1, "item": "", "quantity": 0, "total_cents": -5, "status": "new"},
    ),
    ("PATCH", "/api/users/1", {"email": "grace@example.com"}),
    ("PATCH", "/api/users/1", {"name": ""}),
    ("PATCH", "/api/users/999", {"name": "Nobody"}),
    ("PATCH", "/api/orders/1", {"quantity": "many"}),
    ("PATCH", "/api/orders/999", {"status": "paid"}),
    ("DELETE", "/api/users/999", None),
    ("DELETE", "/api/orders/999", None),
]


@pytest.fixture
def shared_data(flask: httpx.Client, fastapi: httpx.Client) -> None:
    """Three users and four orders, written alternately through both services."""
    ada = create_user(flask, "ada@example.com", "Ada Lovelace")
    grace = create_user(fastapi, "grace@example.com", "Grace Hopper")
    create_user(flask, "edsger@example.com", "Edsger Dijkstra")
    create_order(fastapi, ada["id"], item="Notebook")
    create_order(flask, grace["id"], item="Compiler manual", status="paid")
    create_order(fastapi, grace["id"], item="Debugger", quantity=1, total_cents=0)
    create_order(
        flask,
        ada["id"],
        item="Analytical engine",
        quantity=1,
        total_cents=2147483647,
        status="shipped",
    )


def comparable(response: httpx.Response) -> dict:
    content_type = response.headers.get("Content-Type", "")
    return {
        "status": response.status_code,
        "body": response.json()
        if content_type == "application/json" and response.content
        else response.content,
        "headers": {name: response.headers.get(name) for name in API_HEADERS if response.content},
        "allow": {
            method.strip()
            for method in response.headers.get("Allow", "").split(",")
            if method.strip()
        },
    }


@pytest.mark.usefixtures("shared_data")
@pytest.mark.parametrize(
    ("method", "path", "body"), REQUESTS, ids=[f"{method} {path}" for method, path, _ in REQUESTS]
)
def test_both_services_answer_alike(
    flask: httpx.Client, fastapi: httpx.Client, method: str, path: str, body: object
) -> None:
    from_flask = flask.request(method, path, json=body)
    from_fastapi = fastapi.request(method, path, json=body)

    assert comparable(from_fastapi) == comparable(from_flask)
    assert (from_flask.headers["X-App-Backend"], from_fastapi.headers["X-App-Backend"]) == (
        "flask",
        "fastapi",
    )
