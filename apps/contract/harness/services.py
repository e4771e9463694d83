"""The two services as real processes on loopback, each on a free port, logging to a file: each in a
container of its image when run.sh names them (harness/containers.py), else from the virtualenv."""

import os
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from .containers import image_of, in_container
from .database import with_driver
from .paths import FASTAPI_DIR, FLASK_DIR, VENV_BIN

BACKENDS = ("flask", "fastapi")
STARTUP_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 15
# Not passed on from the suite's own environment: its settings, error tracking (a test that wants it
# turns it on) and proxies (the services talk to loopback only).
NOT_INHERITED_PREFIXES = ("CONTRACT_", "SENTRY_")
NOT_INHERITED = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Service:
    backend: str
    base_url: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def wait_until_serving(self) -> None:
        """Poll /healthz until it answers 200: the process serves, with or without a database."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        last_seen = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.backend} exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                status = httpx.get(self.base_url + "/healthz", timeout=5).status_code
                if status == 200:
                    return
                last_seen = f"status {status}"
            except httpx.TransportError as error:
                last_seen = repr(error)
            time.sleep(0.2)
        raise RuntimeError(
            f"{self.backend} did not answer /healthz with 200 within"
            f" {STARTUP_TIMEOUT_SECONDS}s ({last_seen}):\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def flask_command() -> list[str]:
    # CONTRACT_FLASK_GUNICORN runs the legacy service under another interpreter's gunicorn,
    # e.g. one installed for Python 2.7.
    gunicorn = os.environ.get("CONTRACT_FLASK_GUNICORN") or str(VENV_BIN / "gunicorn")
    return [gunicorn, "-c", "gunicorn.conf.py", "legacy_app.wsgi:app"]


def service_command(backend: str, port: int, variables: Iterable[str]) -> list[str]:
    """How `backend` starts: its image's own command, given `variables`, or the same command from
    the virtualenv (which sees the whole environment)."""
    image = image_of(backend)
    if image:
        return in_container(image, f"{backend}-{port}", variables)
    if backend == "flask":
        return flask_command()
    return [str(VENV_BIN / "python"), "-m", "fastapi_app"]


def inherited_environment() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(NOT_INHERITED_PREFIXES) and name.lower() not in NOT_INHERITED
    }


def start_service(
    backend: str, database_url: str, log_dir: Path, extra_environment: Mapping[str, str]
) -> Service:
    """Start `backend` ("flask" or "fastapi") exactly as its image does, with its env contract:
    DATABASE_URL in its driver's form and PORT (HOST keeps it on loopback; BACKEND_NAME is left to
    its default), plus `extra_environment`."""
    if backend == "flask":
        workdir, database_url = FLASK_DIR, with_driver(database_url, "postgresql")
    else:
        workdir, database_url = FASTAPI_DIR, with_driver(database_url, "postgresql+asyncpg")
    port = free_port()
    service_environment = {
        **extra_environment,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = service_command(backend, port, service_environment)
    log_path = log_dir / f"{backend}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=workdir,
            env={**inherited_environment(), **service_environment},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return Service(backend, f"http://127.0.0.1:{port}", process, log_path)


@contextmanager
def running_services(
    database_url: str,
    log_dir: Path,
    extra_environment: Mapping[str, Mapping[str, str]] | None = None,
) -> Iterator[dict[str, Service]]:
    """Both services, started together and stopped on exit whatever happens; `extra_environment`
    adds variables per backend."""
    services: dict[str, Service] = {}
    try:
        for backend in BACKENDS:
            services[backend] = start_service(
                backend, database_url, log_dir, (extra_environment or {}).get(backend, {})
            )
        for service in services.values():
            service.wait_until_serving()
        yield services
    finally:
        for service in services.values():
            service.stop()
