"""`python -m fastapi_app`: serve the API with uvicorn on $HOST:$PORT (default 0.0.0.0:8000)."""

import logging

import uvicorn

from .config import Settings


def main() -> None:
    settings = Settings.from_environ()
    # The application's own loggers (failed health checks, unhandled errors) log next to uvicorn's.
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Named rather than "auto", so an image without them fails at start instead of serving slower.
    uvicorn.run("fastapi_app.main:app", host=settings.host, port=settings.port, loop="uvloop", http="httptools")


if __name__ == "__main__":
    main()
