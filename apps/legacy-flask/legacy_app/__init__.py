"""The legacy users/orders service (Flask, Python 2.7 and 3)."""
from __future__ import absolute_import, unicode_literals

from flask import Flask

from .config import REQUEST_THREADS, load_config
from .database import Database
from .errors import register_error_handlers
from .metrics import install_request_metrics
from .operations import operations
from .orders import orders
from .users import users


def create_app(config=None):
    config = config or load_config()
    app = Flask(__name__)
    app.extensions["database"] = Database(config.database_url, max_connections=REQUEST_THREADS)
    install_request_metrics(app, config.backend_name)
    register_error_handlers(app)
    for blueprint in (users, orders, operations):
        app.register_blueprint(blueprint)
    return app
