"""gunicorn settings (Python 2.7 and 3): one worker process with a thread per connection slot."""
from __future__ import absolute_import, unicode_literals

import os

from legacy_app.config import REQUEST_THREADS

bind = "%s:%s" % (os.environ.get("HOST", "0.0.0.0"), os.environ.get("PORT", "5000"))
worker_class = "gthread"
workers = 1
threads = REQUEST_THREADS
# Log to stdout/stderr, where the container runtime collects them.
accesslog = "-"
errorlog = "-"
# Let in-flight requests finish when the platform stops the container.
graceful_timeout = 20
# No runtime control socket (gunicorn >= 25.1; older releases ignore settings they do not know): it
# would be created under $HOME, which the image's unprivileged user does not have.
control_socket_disable = True
