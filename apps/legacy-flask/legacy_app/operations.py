"""Endpoints for the platform rather than for clients: /healthz, /healthz/database and /metrics."""
from __future__ import absolute_import, unicode_literals

import logging

import psycopg2
from flask import Blueprint, jsonify

from .database import database
from .metrics import metrics_response

log = logging.getLogger(__name__)

operations = Blueprint("operations", __name__)


@operations.route("/healthz", methods=["GET"])
def healthz():
    """The process can serve: what the ingress routes by. It does not ask the database, which both
    apps share, so a database that blinks takes neither backend out of the routing and neither
    has to be found healthy again before it serves."""
    return jsonify(status="ok")


@operations.route("/healthz/database", methods=["GET"])
def database_health():
    """Whether this instance reaches the database, for people and monitoring."""
    try:
        with database().transaction() as cursor:
            cursor.execute("SELECT 1")
    except psycopg2.Error as error:
        log.warning("Database health check failed: %s", error)
        return jsonify(status="unavailable", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@operations.route("/metrics", methods=["GET"])
def metrics():
    return metrics_response()
