"""Endpoints for the platform rather than for clients: /healthz and /metrics."""
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
    """Healthy only when the database answers: an instance that cannot reach it must get no
    traffic."""
    try:
        with database().transaction() as cursor:
            cursor.execute("SELECT 1")
    except psycopg2.Error as error:
        log.warning("Health check failed: database unavailable: %s", error)
        return jsonify(status="unavailable", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@operations.route("/metrics", methods=["GET"])
def metrics():
    return metrics_response()
