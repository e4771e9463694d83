"""Logging that never makes the event loop wait for stdout, and costs it as little as possible per line.

One process serves every request on one event loop, so a log write that blocks (a full pipe to the Docker engine's
log driver, which the log agent reads from on the same cores) stalls every request in flight, not just the one that
logged: the whole tail of the latency. Lines are formatted where they are logged and set aside; one thread writes
what has gathered a few times a second, in one write.

uvicorn logs an access line for every request, so the per-line cost is a per-request cost. Waking a writer thread
for each line (a queue with a listener blocked on it) made the loop and the writer trade the GIL, and the one core,
on every request: about a quarter of the loop's time under load. The writer here is never woken by a line.
"""

import logging
import signal
import sys
import threading
import traceback
from collections import deque
from types import FrameType
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
WRITE_INTERVAL_SECONDS = 0.05


class BatchedStreamHandler(logging.Handler):
    """Formats each record into a line at once, and writes the lines out from a thread of its own."""

    def __init__(self, stream: TextIO, interval: float = WRITE_INTERVAL_SECONDS) -> None:
        super().__init__()
        self.stream = stream
        self.interval = interval
        # deque.append and popleft are atomic: the loop never waits for the writer.
        self.lines: deque[str] = deque()
        self.write_lock = threading.Lock()
        self.stopping = threading.Event()
        self.writer = threading.Thread(target=self.write_until_closed, name="log-writer", daemon=True)
        self.writer.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record) + "\n")
        except Exception:
            self.handleError(record)

    def write_until_closed(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.flush()
            except Exception:
                # That batch is lost, as a line is that a StreamHandler cannot write; the next one may get through.
                if logging.raiseExceptions:
                    traceback.print_exc(file=sys.stderr)

    def flush(self) -> None:
        """Writes every line gathered so far (logging.shutdown calls it at exit, then close)."""
        with self.write_lock:
            batch = []
            while self.lines:
                batch.append(self.lines.popleft())
            if batch:
                self.stream.write("".join(batch))
                self.stream.flush()

    def close(self) -> None:
        self.stopping.set()
        self.writer.join()
        self.flush()
        super().close()


def log_in_batches(level: int = logging.INFO) -> None:
    """Route every logger (uvicorn's access and error loggers propagate to the root) to stdout in batches."""
    handler = BatchedStreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    # uvicorn ends a graceful shutdown on SIGTERM by raising the signal again, under the handler that was there
    # before it started: by default the process dies there and then, and its last lines ("Application shutdown
    # complete", "Finished server process") with it, unwritten. This handler writes them first.
    signal.signal(signal.SIGTERM, write_logs_then_terminate)


def write_logs_then_terminate(signum: int, frame: FrameType | None) -> None:
    logging.shutdown()
    signal.signal(signum, signal.SIG_DFL)
    signal.raise_signal(signum)
