"""/api/orders: create, list (optionally for one user), read, update and delete orders."""
from __future__ import absolute_import, unicode_literals

import psycopg2
from flask import Blueprint, jsonify, request
from psycopg2 import errorcodes
from werkzeug.exceptions import NotFound

from .database import database, update_statement
from .errors import ValidationFailed
from .pagination import page_body, page_from_query, query_integer
from .representations import order_json
from .validation import MAX_INT, Rule, integer, one_of, read_json_object, text, validate

orders = Blueprint("orders", __name__)

ORDER_STATUSES = ("pending", "paid", "shipped", "cancelled")
# user_id is fixed at creation: an order never moves to another user.
CREATE_RULES = {
    "user_id": Rule(integer(1, MAX_INT)),
    "item": Rule(text(1, 200)),
    "quantity": Rule(integer(1, 1000)),
    "total_cents": Rule(integer(0, MAX_INT)),
    "status": Rule(one_of(ORDER_STATUSES), required=False),
}
UPDATE_RULES = dict((field, rule) for field, rule in CREATE_RULES.items() if field != "user_id")
ORDER_COLUMNS = "id, user_id, item, quantity, total_cents, status, created_at, updated_at"


def order_not_found(order_id):
    return NotFound("Order %d not found." % order_id)


@orders.route("/api/orders", methods=["GET"])
def list_orders():
    page = page_from_query(request.args)
    user_id = query_integer(request.args, "user_id", MAX_INT)
    where, parameters = ("WHERE user_id = %s", [user_id]) if user_id is not None else ("", [])
    with database().transaction() as cursor:
        cursor.execute("SELECT count(*) AS total FROM orders " + where, parameters)
        total = cursor.fetchone()["total"]
        cursor.execute(
            "SELECT " + ORDER_COLUMNS + " FROM orders " + where + " ORDER BY id LIMIT %s OFFSET %s",
            parameters + [page.size, page.offset],
        )
        rows = cursor.fetchall()
    return jsonify(page_body([order_json(row) for row in rows], page, total))


@orders.route("/api/orders", methods=["POST"])
def create_order():
    values = validate(read_json_object(), CREATE_RULES)
    values.setdefault("status", "pending")
    try:
        with database().transaction() as cursor:
            cursor.execute(
                "INSERT INTO orders (user_id, item, quantity, total_cents, status)"
                " VALUES (%(user_id)s, %(item)s, %(quantity)s, %(total_cents)s, %(status)s)"
                " RETURNING " + ORDER_COLUMNS,
                values,
            )
            row = cursor.fetchone()
    except psycopg2.IntegrityError as error:
        if error.pgcode == errorcodes.FOREIGN_KEY_VIOLATION:
            raise ValidationFailed({"user_id": "does not exist"})
        raise
    return jsonify(order_json(row)), 201


@orders.route("/api/orders/<int:order_id>", methods=["GET"])
def get_order(order_id):
    if order_id > MAX_INT:
        raise order_not_found(order_id)
    with database().transaction() as cursor:
        cursor.execute("SELECT " + ORDER_COLUMNS + " FROM orders WHERE id = %s", (order_id,))
        row = cursor.fetchone()
    if row is None:
        raise order_not_found(order_id)
    return jsonify(order_json(row))


@orders.route("/api/orders/<int:order_id>", methods=["PATCH"])
def update_order(order_id):
    values = validate(read_json_object(), UPDATE_RULES, partial=True)
    if order_id > MAX_INT:
        raise order_not_found(order_id)
    statement, parameters = update_statement("orders", values, order_id, ORDER_COLUMNS)
    with database().transaction() as cursor:
        cursor.execute(statement, parameters)
        row = cursor.fetchone()
    if row is None:
        raise order_not_found(order_id)
    return jsonify(order_json(row))


@orders.route("/api/orders/<int:order_id>", methods=["DELETE"])
def delete_order(order_id):
    if order_id > MAX_INT:
        raise order_not_found(order_id)
    with database().transaction() as cursor:
        cursor.execute("DELETE FROM orders WHERE id = %s RETURNING id", (order_id,))
        deleted = cursor.fetchone()
    if deleted is None:
        raise order_not_found(order_id)
    return "", 204
