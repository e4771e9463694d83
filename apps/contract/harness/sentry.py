"""A stand-in for Sentry's ingestion API: a loopback HTTP server that records what the apps send.

sentry-sdk posts envelopes to /api/<project>/envelope/ (older releases: events to
/api/<project>/store/), with the DSN's public key in the X-Sentry-Auth header and the body
gzip-compressed or plain.
"""

import gzip
import json
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WAIT_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Received:
    path: str
    auth: str
    # The decoded body, as sent: what a real Sentry would store.
    body: bytes

    def events(self) -> list[dict]:
        if self.path.endswith("/store/"):
            return [json.loads(self.body)]
        items = envelope_items(self.body)
        return [json.loads(payload) for kind, payload in items if kind == "event"]


def envelope_items(body: bytes) -> list[tuple[str, bytes]]:
    """(type, payload) of each item of an envelope: a header line, then per item a header line and
    a payload of the header's `length`, or up to the next newline."""
    _envelope_header, _, rest = body.partition(b"\n")
    items = []
    while rest.strip():
        header_line, _, rest = rest.partition(b"\n")
        header = json.loads(header_line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"] :].removeprefix(b"\n")
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((header.get("type", ""), payload))
    return items


def decoded(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding in ("", "identity"):
        return body
    raise ValueError(f"the Sentry stand-in cannot decode Content-Encoding {encoding!r}")


class SentryStandIn:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with stand_in._lock:
                    stand_in.received.append(
                        Received(
                            path=self.path,
                            auth=self.headers.get("X-Sentry-Auth", ""),
                            body=decoded(body, self.headers.get("Content-Encoding", "")),
                        )
                    )
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "SentryStandIn":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exception: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def dsn(self, public_key: str, project: int) -> str:
        return self.url.replace("://", f"://{public_key}@") + f"/{project}"

    def requests(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def wait_for(
        self, matches: Callable[[dict], bool], timeout_seconds: float
    ) -> list[tuple[Received, dict]]:
        """Every (request, event) received so far whose event matches, waiting up to the timeout
        for the first one."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            found = [
                (request, event)
                for request in self.requests()
                for event in request.events()
                if matches(event)
            ]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(WAIT_POLL_SECONDS)

