"""WSGI entry point: `gunicorn -c gunicorn.conf.py legacy_app.wsgi:app`."""
from __future__ import absolute_import, unicode_literals

import logging

from . import create_app
from .error_tracking import init_error_tracking

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

init_error_tracking()
app = create_app()
