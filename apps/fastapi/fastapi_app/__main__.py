"""`python -m fastapi_app`: serve the API with uvicorn on $HOST:$PORT (default 0.0.0.0:8000)."""

import uvicorn

from .config import Settings
from .log_writer import log_in_batches


def main() -> None:
    settings = Settings.from_environ()
    # The application's own loggers (failed health checks, unhandled errors) and uvicorn's (log_config=None: no
    # handlers of its own, so its access lines propagate) share one batched writer to stdout.
    log_in_batches()
    # Named rather than "auto", so an image without them fails at start instead of serving slower.
    uvicorn.run(
        "fastapi_app.main:app",
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        log_config=None,
    )


if __name__ == "__main__":
    main()
