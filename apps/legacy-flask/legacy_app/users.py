"""/api/users: create, list, read, update and delete users."""
from __future__ import absolute_import, unicode_literals

import psycopg2
from flask import Blueprint, jsonify, request
from psycopg2 import errorcodes
from werkzeug.exceptions import Conflict, NotFound

from .database import database, update_statement
from .pagination import page_body, page_from_query
from .representations import user_json
from .validation import MAX_INT, Rule, email, read_json_object, text, validate

users = Blueprint("users", __name__)

USER_RULES = {
    "email": Rule(email),
    "name": Rule(text(1, 100)),
}
USER_COLUMNS = "id, email, name, created_at, updated_at"
DUPLICATE_EMAIL_MESSAGE = "A user with this email already exists."


def user_not_found(user_id):
    return NotFound("User %d not found." % user_id)


@users.route("/api/users", methods=["GET"])
def list_users():
    page = page_from_query(request.args)
    with database().transaction() as cursor:
        cursor.execute("SELECT count(*) AS total FROM users")
        total = cursor.fetchone()["total"]
        cursor.execute(
            "SELECT " + USER_COLUMNS + " FROM users ORDER BY id LIMIT %s OFFSET %s",
            (page.size, page.offset),
        )
        rows = cursor.fetchall()
    return jsonify(page_body([user_json(row) for row in rows], page, total))


@users.route("/api/users", methods=["POST"])
def create_user():
    values = validate(read_json_object(), USER_RULES)
    try:
        with database().transaction() as cursor:
            cursor.execute(
                "INSERT INTO users (email, name) VALUES (%s, %s) RETURNING " + USER_COLUMNS,
                (values["email"], values["name"]),
            )
            row = cursor.fetchone()
    except psycopg2.IntegrityError as error:
        if error.pgcode == errorcodes.UNIQUE_VIOLATION:
            raise Conflict(DUPLICATE_EMAIL_MESSAGE)
        raise
    return jsonify(user_json(row)), 201


@users.route("/api/users/<int:user_id>", methods=["GET"])
def get_user(user_id):
    if user_id > MAX_INT:
        raise user_not_found(user_id)
    with database().transaction() as cursor:
        cursor.execute("SELECT " + USER_COLUMNS + " FROM users WHERE id = %s", (user_id,))
        row = cursor.fetchone()
    if row is None:
        raise user_not_found(user_id)
    return jsonify(user_json(row))


@users.route("/api/users/<int:user_id>", methods=["PATCH"])
def update_user(user_id):
    values = validate(read_json_object(), USER_RULES, partial=True)
    if user_id > MAX_INT:
        raise user_not_found(user_id)
    statement, parameters = update_statement("users", values, user_id, USER_COLUMNS)
    try:
        with database().transaction() as cursor:
            cursor.execute(statement, parameters)
            row = cursor.fetchone()
    except psycopg2.IntegrityError as error:
        if error.pgcode == errorcodes.UNIQUE_VIOLATION:
            raise Conflict(DUPLICATE_EMAIL_MESSAGE)
        raise
    if row is None:
        raise user_not_found(user_id)
    return jsonify(user_json(row))


@users.route("/api/users/<int:user_id>", methods=["DELETE"])
def delete_user(user_id):
    """Delete a user and, through the foreign key's ON DELETE CASCADE, the user's orders."""
    if user_id > MAX_INT:
        raise user_not_found(user_id)
    with database().transaction() as cursor:
        cursor.execute("DELETE FROM users WHERE id = %s RETURNING id", (user_id,))
        deleted = cursor.fetchone()
    if deleted is None:
        raise user_not_found(user_id)
    return "", 204
