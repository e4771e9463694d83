"""/api/users, run once against each backend."""

import httpx
import pytest

from harness.http import JSON, TIMESTAMP, create_order, create_user, error_body, invalid_body


def test_create_returns_the_stored_user(api: httpx.Client) -> None:
    response = api.post("/api/users", json={"email": "ada@example.com", "name": "Ada Lovelace"})

    assert response.status_code == 201
    assert response.headers["Content-Type"] == JSON
    user = response.json()
    assert set(user) == {"id", "email", "name", "created_at", "updated_at"}
    assert (user["id"], user["email"], user["name"]) == (1, "ada@example.com", "Ada Lovelace")
    assert TIMESTAMP.match(user["created_at"]) and user["updated_at"] == user["created_at"]


def test_unicode_survives_the_round_trip(api: httpx.Client) -> None:
    user = create_user(api, "zoë@example.com", "Zoë Ångström 李")

    assert api.get(f"/api/users/{user['id']}").json() == user
    assert user["name"] == "Zoë Ångström 李"


def test_get_returns_the_user(api: httpx.Client) -> None:
    user = create_user(api, "ada@example.com")

    response = api.get("/api/users/1")

    assert response.status_code == 200
    assert response.json() == user


@pytest.mark.parametrize("user_id", [404, 2147483647, 2147483648, 99999999999999999999])
def test_get_missing_user_is_404(api: httpx.Client, user_id: int) -> None:
    response = api.get(f"/api/users/{user_id}")

    assert response.status_code == 404
    assert response.json() == error_body("Not Found", f"User {user_id} not found.")


def test_list_is_ordered_by_id_and_paginated(api: httpx.Client) -> None:
    users = [create_user(api, f"user{number}@example.com") for number in range(1, 6)]

    response = api.get("/api/users", params={"page": 2, "per_page": 2})

    assert response.status_code == 200
    assert response.json() == {"items": users[2:4], "page": 2, "per_page": 2, "total": 5}


def test_list_defaults_to_the_first_page_of_twenty(api: httpx.Client) -> None:
    users = [create_user(api, f"user{number}@example.com") for number in range(1, 23)]

    assert api.get("/api/users").json() == {
        "items": users[:20],
        "page": 1,
        "per_page": 20,
        "total": 22,
    }


def test_list_past_the_last_page_is_empty(api: httpx.Client) -> None:
    create_user(api, "ada@example.com")

    response = api.get("/api/users", params={"page": 3})

    assert response.json() == {"items": [], "page": 3, "per_page": 20, "total": 1}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=0", "page must be an integer between 1 and 2147483647"),
        ("page=-1", "page must be an integer between 1 and 2147483647"),
        ("page=abc", "page must be an integer between 1 and 2147483647"),
        ("page=1.5", "page must be an integer between 1 and 2147483647"),
        ("page=", "page must be an integer between 1 and 2147483647"),
        ("page=%201", "page must be an integer between 1 and 2147483647"),
        ("page=2147483648", "page must be an integer between 1 and 2147483647"),
        ("page=" + "9" * 60, "page must be an integer between 1 and 2147483647"),
        ("per_page=0", "per_page must be an integer between 1 and 100"),
        ("per_page=101", "per_page must be an integer between 1 and 100"),
        ("page=x&per_page=0", "page must be an integer between 1 and 2147483647"),
        # A repeated parameter: the first value counts.
        ("page=x&page=1", "page must be an integer between 1 and 2147483647"),
    ],
)
def test_list_rejects_invalid_pagination(api: httpx.Client, query: str, message: str) -> None:
    response = api.get("/api/users?" + query)

    assert response.status_code == 400
    assert response.json() == error_body("Bad Request", message)


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        ({}, {"email": "is required", "name": "is required"}),
        ({"email": "ada@example.com"}, {"name": "is required"}),
        ({"email": None, "name": None}, {"email": "must be a string", "name": "must be a string"}),
        ({"email": 42, "name": ["Ada"]}, {"email": "must be a string", "name": "must be a string"}),
        (
            {"email": "not-an-email", "name": ""},
            {
                "email": "must be a valid email address",
                "name": "must be between 1 and 100 characters",
            },
        ),
        ({"email": "ada @example.com", "name": "Ada"}, {"email": "must be a valid email address"}),
        ({"email": "ada@example.com\n", "name": "Ada"}, {"email": "must be a valid email address"}),
        (
            {"email": "", "name": "x" * 101},
            {
                "email": "must be between 1 and 254 characters",
                "name": "must be between 1 and 100 characters",
            },
        ),
        (
            {"email": "a" * 250 + "@x.io", "name": "Ada"},
            {"email": "must be between 1 and 254 characters"},
        ),
    ],
)
def test_create_rejects_invalid_fields(api: httpx.Client, body: dict, problems: dict) -> None:
    response = api.post("/api/users", json=body)

    assert response.status_code == 422
    assert response.json() == invalid_body(**problems)
    assert api.get("/api/users").json()["total"] == 0


def test_unknown_fields_are_ignored(api: httpx.Client) -> None:
    response = api.post(
        "/api/users", json={"email": "ada@example.com", "name": "Ada", "id": 77, "role": "admin"}
    )

    assert response.status_code == 201
    assert response.json()["id"] == 1
    assert "role" not in response.json()


def test_duplicate_email_is_409(api: httpx.Client) -> None:
    create_user(api, "ada@example.com")

    response = api.post("/api/users", json={"email": "ada@example.com", "name": "Another Ada"})

    assert response.status_code == 409
    assert response.json() == error_body("Conflict", "A user with this email already exists.")


def test_patch_changes_only_the_given_fields(api: httpx.Client) -> None:
    user = create_user(api, "ada@example.com", "Ada")

    response = api.patch("/api/users/1", json={"name": "Ada King"})

    assert response.status_code == 200
    updated = response.json()
    assert updated == {**user, "name": "Ada King", "updated_at": updated["updated_at"]}
    assert updated["updated_at"] > user["updated_at"]
    assert api.get("/api/users/1").json() == updated


def test_patch_rejects_null_and_invalid_fields(api: httpx.Client) -> None:
    user = create_user(api, "ada@example.com")

    response = api.patch("/api/users/1", json={"name": None, "email": "nope"})

    assert response.status_code == 422
    assert response.json() == invalid_body(
        name="must be a string", email="must be a valid email address"
    )
    assert api.get("/api/users/1").json() == user


def test_patch_to_a_taken_email_is_409(api: httpx.Client) -> None:
    create_user(api, "ada@example.com")
    create_user(api, "grace@example.com")

    response = api.patch("/api/users/2", json={"email": "ada@example.com"})

    assert response.status_code == 409
    assert response.json() == error_body("Conflict", "A user with this email already exists.")


def test_patch_validates_the_body_before_looking_up_the_user(api: httpx.Client) -> None:
    assert api.patch("/api/users/9", json={"name": 1}).json() == invalid_body(
        name="must be a string"
    )
    response = api.patch("/api/users/9", json={"name": "Nobody"})

    assert response.status_code == 404
    assert response.json() == error_body("Not Found", "User 9 not found.")


def test_delete_removes_the_user_and_their_orders(api: httpx.Client) -> None:
    create_user(api, "ada@example.com")
    order = create_order(api, user_id=1)

    response = api.delete("/api/users/1")

    assert response.status_code == 204
    assert response.content == b""
    assert api.get("/api/users/1").status_code == 404
    assert api.get(f"/api/orders/{order['id']}").status_code == 404


def test_delete_missing_user_is_404(api: httpx.Client) -> None:
    response = api.delete("/api/users/3")

    assert response.status_code == 404
    assert response.json() == error_body("Not Found", "User 3 not found.")
