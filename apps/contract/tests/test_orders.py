"""/api/orders, run once against each backend."""

import httpx
import pytest

from harness.http import TIMESTAMP, create_order, create_user, error_body, invalid_body

STATUS_CHOICES = "must be one of: pending, paid, shipped, cancelled"


@pytest.fixture
def user(api: httpx.Client) -> dict:
    return create_user(api, "ada@example.com")


def test_create_returns_the_stored_order_pending_by_default(api: httpx.Client, user: dict) -> None:
    body = {"user_id": user["id"], "item": "Notebook", "quantity": 3, "total_cents": 2997}

    response = api.post("/api/orders", json=body)

    assert response.status_code == 201
    order = response.json()
    assert set(order) == {
        "id",
        "user_id",
        "item",
        "quantity",
        "total_cents",
        "status",
        "created_at",
        "updated_at",
    }
    assert {key: order[key] for key in body} == body
    assert (order["id"], order["status"]) == (1, "pending")
    assert TIMESTAMP.match(order["created_at"]) and order["updated_at"] == order["created_at"]


def test_create_with_an_explicit_status(api: httpx.Client, user: dict) -> None:
    assert create_order(api, user["id"], status="paid")["status"] == "paid"


def test_create_for_a_missing_user_is_422(api: httpx.Client) -> None:
    response = api.post(
        "/api/orders", json={"user_id": 7, "item": "Pen", "quantity": 1, "total_cents": 0}
    )

    assert response.status_code == 422
    assert response.json() == invalid_body(user_id="does not exist")


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        (
            {"user_id": None, "item": None, "quantity": None, "total_cents": None},
            {
                "user_id": "must be an integer",
                "item": "must be a string",
                "quantity": "must be an integer",
                "total_cents": "must be an integer",
            },
        ),
        (
            {"user_id": "1", "quantity": "2"},
            {"user_id": "must be an integer", "quantity": "must be an integer"},
        ),
        (
            {"quantity": True, "total_cents": False},
            {"quantity": "must be an integer", "total_cents": "must be an integer"},
        ),
        (
            {"quantity": 2.0, "total_cents": 10.5},
            {"quantity": "must be an integer", "total_cents": "must be an integer"},
        ),
        ({"quantity": 0}, {"quantity": "must be between 1 and 1000"}),
        ({"quantity": 1001}, {"quantity": "must be between 1 and 1000"}),
        ({"total_cents": -1}, {"total_cents": "must be between 0 and 2147483647"}),
        ({"total_cents": 10**30}, {"total_cents": "must be between 0 and 2147483647"}),
        ({"user_id": 0}, {"user_id": "must be between 1 and 2147483647"}),
        (
            {"item": "", "status": "lost"},
            {"item": "must be between 1 and 200 characters", "status": STATUS_CHOICES},
        ),
        (
            {"item": "x" * 201, "status": None},
            {"item": "must be between 1 and 200 characters", "status": "must be a string"},
        ),
    ],
)
def test_create_rejects_invalid_fields(
    api: httpx.Client, user: dict, changes: dict, problems: dict
) -> None:
    body = {
        "user_id": user["id"],
        "item": "Notebook",
        "quantity": 2,
        "total_cents": 1250,
        **changes,
    }

    response = api.post("/api/orders", json=body)

    assert response.status_code == 422
    assert response.json() == invalid_body(**problems)


def test_create_reports_every_missing_field(api: httpx.Client) -> None:
    response = api.post("/api/orders", json={})

    assert response.json() == invalid_body(
        user_id="is required", item="is required", quantity="is required", total_cents="is required"
    )


def test_list_filters_by_user(api: httpx.Client) -> None:
    ada = create_user(api, "ada@example.com")
    grace = create_user(api, "grace@example.com")
    orders = [
        create_order(api, user_id) for user_id in (ada["id"], grace["id"], ada["id"], ada["id"])
    ]

    everything = api.get("/api/orders").json()
    adas_second_page = api.get(
        "/api/orders", params={"user_id": ada["id"], "per_page": 2, "page": 2}
    ).json()
    nobodys = api.get("/api/orders", params={"user_id": 99}).json()

    assert everything == {"items": orders, "page": 1, "per_page": 20, "total": 4}
    assert adas_second_page == {"items": [orders[3]], "page": 2, "per_page": 2, "total": 3}
    assert nobodys == {"items": [], "page": 1, "per_page": 20, "total": 0}


@pytest.mark.parametrize("value", ["ada", "0", "-1", "2147483648", ""])
def test_list_rejects_an_invalid_user_filter(api: httpx.Client, value: str) -> None:
    response = api.get("/api/orders", params={"user_id": value})

    assert response.status_code == 400
    assert response.json() == error_body(
        "Bad Request", "user_id must be an integer between 1 and 2147483647"
    )


def test_get_returns_the_order(api: httpx.Client, user: dict) -> None:
    order = create_order(api, user["id"])

    assert api.get(f"/api/orders/{order['id']}").json() == order


def test_get_missing_order_is_404(api: httpx.Client) -> None:
    response = api.get("/api/orders/12")

    assert response.status_code == 404
    assert response.json() == error_body("Not Found", "Order 12 not found.")


def test_patch_updates_the_given_fields_and_never_the_owner(api: httpx.Client, user: dict) -> None:
    other = create_user(api, "grace@example.com")
    order = create_order(api, user["id"])

    response = api.patch(
        f"/api/orders/{order['id']}",
        json={"status": "shipped", "quantity": 5, "user_id": other["id"]},
    )

    assert response.status_code == 200
    updated = response.json()
    assert updated == {
        **order,
        "status": "shipped",
        "quantity": 5,
        "updated_at": updated["updated_at"],
    }
    assert updated["updated_at"] > order["updated_at"]


def test_patch_rejects_invalid_fields(api: httpx.Client, user: dict) -> None:
    order = create_order(api, user["id"])

    response = api.patch(
        f"/api/orders/{order['id']}", json={"status": "refunded", "total_cents": "free"}
    )

    assert response.status_code == 422
    assert response.json() == invalid_body(status=STATUS_CHOICES, total_cents="must be an integer")
    assert api.get(f"/api/orders/{order['id']}").json() == order


def test_patch_missing_order_is_404(api: httpx.Client) -> None:
    response = api.patch("/api/orders/5", json={"status": "paid"})

    assert response.status_code == 404
    assert response.json() == error_body("Not Found", "Order 5 not found.")


def test_delete_removes_only_the_order(api: httpx.Client, user: dict) -> None:
    order = create_order(api, user["id"])

    response = api.delete(f"/api/orders/{order['id']}")

    assert response.status_code == 204
    assert api.get(f"/api/orders/{order['id']}").status_code == 404
    assert api.get(f"/api/users/{user['id']}").status_code == 200
    assert api.delete(f"/api/orders/{order['id']}").json() == error_body(
        "Not Found", f"Order {order['id']} not found."
    )
