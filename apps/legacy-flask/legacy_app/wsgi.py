"""WSGI entry point: `gunicorn -c gunicorn.conf.py legacy_app.wsgi:app`."""
from __future__ import absolute_import, unicode_literals

import logging

from . import create_app

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

app = create_app()
