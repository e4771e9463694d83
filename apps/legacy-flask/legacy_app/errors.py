"""Every error leaves the service as JSON: {"error": <HTTP status name>, "message": <why>}.

Validation failures add "fields": {<field>: <problem>}. The FastAPI port reproduces these bodies
exactly, so clients cannot tell the two backends apart.
"""
from __future__ import absolute_import, unicode_literals

import logging

from flask import jsonify
from werkzeug.exceptions import HTTPException, InternalServerError, UnprocessableEntity

log = logging.getLogger(__name__)

INVALID_BODY_MESSAGE = "The request body is invalid."


class ValidationFailed(UnprocessableEntity):
    def __init__(self, fields):
        super(ValidationFailed, self).__init__(INVALID_BODY_MESSAGE)
        self.fields = fields


def error_response(error, **extra):
    body = dict(extra, error=error.name, message=error.description)
    response = jsonify(body)
    response.status_code = error.code
    # Keep the headers the HTTP error defines, e.g. Allow on 405.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def register_error_handlers(app):
    @app.errorhandler(ValidationFailed)
    def handle_validation_failed(error):
        return error_response(error, fields=error.fields)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error):
        return error_response(error)

    @app.errorhandler(Exception)
    def handle_unexpected_exception(error):
        log.exception("Unhandled error while serving the request")
        return error_response(InternalServerError())
