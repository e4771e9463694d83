"""One database, two services: what one writes the other reads, in both directions.

This is what lets the ingress move a route from Flask to FastAPI (and back) with no data step.
"""

import httpx
import pytest

from harness.http import create_order, create_user, error_body

DIRECTIONS = [("flask", "fastapi"), ("fastapi", "flask")]


@pytest.fixture(
    params=DIRECTIONS, ids=[f"{writer}-writes-{reader}-reads" for writer, reader in DIRECTIONS]
)
def writer_reader(
    request: pytest.FixtureRequest, clients: dict[str, httpx.Client]
) -> tuple[httpx.Client, httpx.Client]:
    writer, reader = request.param
    return clients[writer], clients[reader]


def test_created_user_reads_back_identically(
    writer_reader: tuple[httpx.Client, httpx.Client],
) -> None:
    writer, reader = writer_reader

    user = create_user(writer, "ada@example.com", "Ada Lovelace")

    assert reader.get(f"/api/users/{user['id']}").json() == user
    assert reader.get("/api/users").json() == {
        "items": [user],
        "page": 1,
        "per_page": 20,
        "total": 1,
    }


def test_created_order_reads_back_identically(
    writer_reader: tuple[httpx.Client, httpx.Client],
) -> None:
    writer, reader = writer_reader
    user = create_user(writer, "ada@example.com")

    order = create_order(
        writer, user["id"], item="Fountain pen", quantity=1, total_cents=8900, status="paid"
    )

    assert reader.get(f"/api/orders/{order['id']}").json() == order
    assert reader.get("/api/orders", params={"user_id": user["id"]}).json()["items"] == [order]


def test_updates_are_visible_to_the_other_backend(
    writer_reader: tuple[httpx.Client, httpx.Client],
) -> None:
    writer, reader = writer_reader
    user = create_user(reader, "ada@example.com")
    order = create_order(reader, user["id"])

    updated_user = writer.patch(f"/api/users/{user['id']}", json={"name": "Ada King"}).json()
    updated_order = writer.patch(f"/api/orders/{order['id']}", json={"status": "shipped"}).json()

    assert reader.get(f"/api/users/{user['id']}").json() == updated_user
    assert reader.get(f"/api/orders/{order['id']}").json() == updated_order
    assert updated_order["status"] == "shipped" and updated_user["name"] == "Ada King"


def test_deletes_are_visible_to_the_other_backend(
    writer_reader: tuple[httpx.Client, httpx.Client],
) -> None:
    writer, reader = writer_reader
    user = create_user(reader, "ada@example.com")
    order = create_order(reader, user["id"])

    assert writer.delete(f"/api/users/{user['id']}").status_code == 204

    assert reader.get(f"/api/users/{user['id']}").json() == error_body(
        "Not Found", f"User {user['id']} not found."
    )
    assert reader.get(f"/api/orders/{order['id']}").status_code == 404


def test_uniqueness_holds_across_backends(writer_reader: tuple[httpx.Client, httpx.Client]) -> None:
    writer, reader = writer_reader
    create_user(writer, "ada@example.com")

    response = reader.post("/api/users", json={"email": "ada@example.com", "name": "Ada again"})

    assert response.status_code == 409


def test_interleaved_writes_share_one_id_sequence(
    flask: httpx.Client, fastapi: httpx.Client
) -> None:
    ids = [
        create_user(client, f"user{number}@example.com")["id"]
        for number, client in enumerate([flask, fastapi, flask, fastapi])
    ]

    assert ids == [1, 2, 3, 4]
    assert flask.get("/api/users").json() == fastapi.get("/api/users").json()
