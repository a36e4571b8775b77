"""A loopback HTTP server for tests: routes per path, recorded requests, concurrency counts.

Shared by the refresh-engine, feeds-service and UI feed tests so each checks
conditional GET, redirects and faults on the wire against the same server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # resets and aborted reads are what the fault tests are made of


class FeedServer:
    """A tiny loopback server: ``routes[path](handler)`` writes each response."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.peers: list[tuple[str, int]] = []  # the client address of each request
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.release = threading.Event()  # ends "hanging" handlers at teardown
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with server.lock:
                    server.requests.append((self.path, dict(self.headers.items())))
                    server.peers.append(self.client_address)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                route = server.routes.get(self.path) or server.routes.get(
                    self.path.split("?")[0]
                )
                try:
                    if route is None:
                        send(self, 404, b"not found")
                    else:
                        route(self)
                except OSError:  # the client gave up on us (a timeout test, a reset)
                    self.close_connection = True
                finally:
                    with server.lock:
                        server.in_flight -= 1

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def seen(self, path: str) -> list[dict[str, str]]:
        return [headers for seen_path, headers in self.requests if seen_path == path]


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    """One response; a ``Content-Length`` in ``headers`` (a lying one, say) wins."""
    handler.send_response(status)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    if status != 304 and "Content-Length" not in (headers or {}):
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if status != 304:
        handler.wfile.write(body)


@contextmanager
def running_server() -> Iterator[FeedServer]:
    """A started FeedServer, shut down (hanging handlers released) afterwards."""
    srv = FeedServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.release.set()
        srv.httpd.shutdown()
        srv.httpd.server_close()
