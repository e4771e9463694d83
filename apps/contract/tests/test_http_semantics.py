"""What HTTP itself looks like from each backend: routing errors, malformed bodies, HEAD, OPTIONS,
and the X-App-Backend header. Run once against each backend."""

import httpx
import pytest

from harness.http import (
    BACKEND_HEADER,
    JSON_OBJECT_REQUIRED,
    METHOD_NOT_ALLOWED,
    NOT_FOUND_URL,
    allowed_methods,
    create_user,
)

ITEM_METHODS = {"GET", "HEAD", "PATCH", "DELETE", "OPTIONS"}
COLLECTION_METHODS = {"GET", "HEAD", "POST", "OPTIONS"}


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/api",
        "/api/users/",
        "/api/users/abc",
        "/api/users/-1",
        "/api/users/1.0",
        "/api/orders/1/items",
    ],
)
def test_unknown_path_is_404_in_json(api: httpx.Client, path: str) -> None:
    response = api.get(path)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_URL


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/users/1", ITEM_METHODS),
        ("POST", "/api/orders/1", ITEM_METHODS),
        ("DELETE", "/api/users", COLLECTION_METHODS),
        ("POST", "/healthz", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_wrong_method_is_405_listing_the_allowed_ones(
    api: httpx.Client, method: str, path: str, allowed: set
) -> None:
    response = api.request(method, path)

    assert response.status_code == 405
    assert response.json() == METHOD_NOT_ALLOWED
    assert allowed_methods(response) == allowed


@pytest.mark.parametrize(
    ("path", "allowed"), [("/api/users/1", ITEM_METHODS), ("/api/orders", COLLECTION_METHODS)]
)
def test_options_lists_the_allowed_methods(api: httpx.Client, path: str, allowed: set) -> None:
    response = api.options(path)

    assert response.status_code == 200
    assert response.content == b""
    assert allowed_methods(response) == allowed


def test_head_answers_like_get_without_a_body(api: httpx.Client) -> None:
    create_user(api, "ada@example.com")

    response = api.head("/api/users/1")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.content == b""
    assert api.head("/api/users/2").status_code == 404


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"email": "ada@example.com", "name": "Ada"}', None),
        (b'{"email": "ada@example.com", "name": "Ada"}', "text/plain"),
        (b'{"email": "ada@example.com", "name": "Ada"}', "application/x-www-form-urlencoded"),
        (b"", "application/json"),
        (b"{not json", "application/json"),
        (b"null", "application/json"),
        (b"[]", "application/json"),
        (b'"ada@example.com"', "application/json"),
        (b"42", "application/json"),
    ],
)
def test_body_must_be_a_json_object(
    api: httpx.Client, content: bytes, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}

    response = api.post("/api/users", content=content, headers=headers)

    assert response.status_code == 400
    assert response.json() == JSON_OBJECT_REQUIRED
    assert api.get("/api/users").json()["total"] == 0


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "APPLICATION/JSON", "application/merge-patch+json"],
)
def test_json_media_types_are_accepted(api: httpx.Client, content_type: str) -> None:
    response = api.post(
        "/api/users",
        content=b'{"email": "ada@example.com", "name": "Ada"}',
        headers={"Content-Type": content_type},
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/healthz"),
        ("GET", "/api/users"),
        ("GET", "/api/users/9"),
        ("PUT", "/api/users"),
        ("GET", "/nope"),
        ("POST", "/api/users"),
        ("OPTIONS", "/api/orders"),
        ("GET", "/metrics"),
    ],
)
def test_every_response_names_its_backend(
    api: httpx.Client, backend: str, method: str, path: str
) -> None:
    response = api.request(method, path)

    assert response.headers[BACKEND_HEADER] == backend
