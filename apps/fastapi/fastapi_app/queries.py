"""Every SQL statement the API runs, in one place.

Each is one statement, run by asyncpg as a prepared statement with $n parameters, in autocommit: one round trip to
the database per request, where the SQLAlchemy session took six (a ping in a transaction of its own, then BEGIN, the
statement and COMMIT) and Flask takes three. The tables are the ones the Alembic migrations create (models.py
describes them for Alembic).
"""

USER_COLUMNS = "id, email, name, created_at, updated_at"
ORDER_COLUMNS = "id, user_id, item, quantity, total_cents, status, created_at, updated_at"


def page_of(table: str, columns: str, where: str = "") -> str:
    """A page of rows in id order ($1 rows from offset $2), each with the number of all the rows
    that match, as `total`. One statement, so that the count and the page come from one snapshot
    in one round trip; the LEFT JOIN keeps the count on a single row of NULL columns when the page
    is past the end."""
    return f"""
        SELECT matching.total, page.*
        FROM (SELECT count(*) AS total FROM {table} {where}) AS matching
        LEFT JOIN (
            SELECT {columns} FROM {table} {where} ORDER BY id LIMIT $1 OFFSET $2
        ) AS page ON true
        ORDER BY page.id
    """


USERS_PAGE = page_of("users", USER_COLUMNS)
USER_BY_ID = f"SELECT {USER_COLUMNS} FROM users WHERE id = $1"
INSERT_USER = f"INSERT INTO users (email, name) VALUES ($1, $2) RETURNING {USER_COLUMNS}"
# An update sets the fields the client sent and keeps the others: a NULL parameter (validation never lets an explicit
# null through) keeps the stored value.
UPDATE_USER = f"""
    UPDATE users
    SET email = COALESCE($2, email), name = COALESCE($3, name), updated_at = now()
    WHERE id = $1
    RETURNING {USER_COLUMNS}
"""
# The user's orders go with it, through the foreign key's ON DELETE CASCADE.
DELETE_USER = "DELETE FROM users WHERE id = $1 RETURNING id"

ORDERS_PAGE = page_of("orders", ORDER_COLUMNS)
USER_ORDERS_PAGE = page_of("orders", ORDER_COLUMNS, where="WHERE user_id = $3")
ORDER_BY_ID = f"SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"
INSERT_ORDER = f"""
    INSERT INTO orders (user_id, item, quantity, total_cents, status)
    VALUES ($1, $2, $3, $4, $5)
    RETURNING {ORDER_COLUMNS}
"""
UPDATE_ORDER = f"""
    UPDATE orders
    SET item = COALESCE($2, item), quantity = COALESCE($3, quantity),
        total_cents = COALESCE($4, total_cents), status = COALESCE($5, status),
        updated_at = now()
    WHERE id = $1
    RETURNING {ORDER_COLUMNS}
"""
DELETE_ORDER = "DELETE FROM orders WHERE id = $1 RETURNING id"

DATABASE_ANSWERS = "SELECT 1"
