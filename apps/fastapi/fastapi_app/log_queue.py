"""Logging that never makes the event loop wait for stdout.

One process serves every request on one event loop, so a log write that blocks (a full pipe to the Docker engine's
log driver, which the log agent reads from on the same cores) stalls every request in flight, not just the one that
logged: the whole tail of the latency. Records go on a queue instead, and one thread writes them out.
"""

import atexit
import logging
import queue
import sys
from logging.handlers import QueueHandler, QueueListener

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_through_queue(level: int = logging.INFO) -> None:
    """Route every logger (uvicorn's access and error loggers propagate to the root) through a queue to stdout."""
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    stdout = logging.StreamHandler(sys.stdout)
    stdout.setFormatter(logging.Formatter(FORMAT))
    writer = QueueListener(records, stdout)
    writer.start()
    # Flushes what is queued when uvicorn returns after SIGTERM.
    atexit.register(writer.stop)
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(QueueHandler(records))
