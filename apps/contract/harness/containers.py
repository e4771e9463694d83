"""The apps' images as the services' runtime: each app on the Python it runs on in production (Flask
on 2.7), from the image the platform deploys. run.sh names the images; without them the services
run from the suite's virtualenv."""

import itertools
import os
from collections.abc import Iterable, Sequence

IMAGE_VARIABLES = {"flask": "CONTRACT_FLASK_IMAGE", "fastapi": "CONTRACT_FASTAPI_IMAGE"}
# Every container is named <prefix>-<role>-<n>: run.sh removes those of its run that outlive the
# suite (a service still running after its stop timeout is killed, its container is not).
PREFIX_VARIABLE = "CONTRACT_CONTAINER_PREFIX"
_container_numbers = itertools.count(1)


def image_of(backend: str) -> str | None:
    """The image `backend` ("flask" or "fastapi") runs from, if run.sh named one."""
    return os.environ.get(IMAGE_VARIABLES[backend]) or None


def in_container(
    image: str, role: str, variables: Iterable[str], command: Sequence[str] = ()
) -> list[str]:
    """A command line running `command` (default: the image's own) in `image`, in the foreground,
    with `variables` taken from its environment. On the host's network, the container's loopback is
    the suite's: the services listen, and reach PostgreSQL and the Sentry stand-in, as processes do.
    The docker CLI passes SIGTERM on to the container's init (--init), which passes it to the app;
    the container is removed once it exits (--rm)."""
    prefix = os.environ.get(PREFIX_VARIABLE) or f"contract-{os.getpid()}"
    return [
        "docker",
        "run",
        "--rm",
        "--init",
        "--network=host",
        f"--name={prefix}-{role}-{next(_container_numbers)}",
        *(f"--env={name}" for name in sorted(variables)),
        image,
        *command,
    ]
