"""Fetching feed URLs against a loopback HTTP server (127.0.0.1 only)."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsreader.sources import load_source
from newsreader.sources.http import USER_AGENT, FetchError, fetch

RSS = (Path(__file__).resolve().parent / "fixtures" / "sources" / "relative-links.xml").read_bytes()
SEEN_AGENTS: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (timeout tests): expected
            self.wfile.write(body)

    def do_GET(self) -> None:
        SEEN_AGENTS.append(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/feed.xml":
            self._send(200, RSS, {"Content-Type": "application/rss+xml; charset=utf-8"})
        elif path == "/gzip.xml":
            self._send(200, gzip.compress(RSS), {"Content-Encoding": "gzip"})
        elif path == "/missing":
            self._send(404, b"nope")
        elif path == "/error":
            self._send(500, b"oops")
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            target = "/feed.xml" if n == 0 else f"/hop/{n - 1}"
            self._send(302, b"", {"Location": target})
        elif path == "/to-file":
            self._send(302, b"", {"Location": "file:///etc/passwd"})
        elif path == "/slow":
            time.sleep(3)
            self._send(200, RSS)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(40):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.1)
        elif path == "/big-declared":
            self._send(200, b"", {"Content-Length": str(50_000_000)})
        elif path == "/big-streamed":
            self.send_response(200)
            self.end_headers()  # no length: the client must stop counting itself
            chunk = b"<!-- filler -->" * 1000
            with contextlib.suppress(OSError):
                for _ in range(200):
                    self.wfile.write(chunk)
        elif path == "/gzip-bomb":
            body = gzip.compress(b" " * 5_000_000, compresslevel=9)
            self._send(200, body, {"Content-Encoding": "gzip"})
        elif path == "/page.html":
            self._send(200, b"<!doctype html><html><body>hi</body></html>",
                       {"Content-Type": "text/html"})
        else:
            self._send(404, b"")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_200_feed_with_relative_links_resolved(server: str) -> None:
    result = load_source(f"{server}/feed.xml")
    assert not result.errors
    article = result.articles[0]
    assert article.source == f"{server}/feed.xml"
    assert article.link == f"{server}/stories/relative-item"
    assert article.text == (
        f"See more [1] and elsewhere [2].\n\n"
        f"Links:\n[1] {server}/more\n[2] https://other.example.org/x"
    )
    assert SEEN_AGENTS[-1] == USER_AGENT
    assert USER_AGENT.startswith("newsreader/") and "(+https://github.com/newsreader)" in USER_AGENT


def test_gzip_response(server: str) -> None:
    assert fetch(f"{server}/gzip.xml").content == RSS


@pytest.mark.parametrize(("path", "reason"), [("/missing", "HTTP 404"), ("/error", "HTTP 500")])
def test_http_errors(server: str, path: str, reason: str) -> None:
    result = load_source(server + path)
    assert not result.articles
    assert [e.reason for e in result.errors] == [reason]


def test_redirects_followed_up_to_five(server: str) -> None:
    response = fetch(f"{server}/hop/3")  # /hop/3 -> 2 -> 1 -> 0 -> /feed.xml
    assert response.url == f"{server}/feed.xml"
    assert load_source(f"{server}/hop/4").articles  # five redirects: fine
    assert [e.reason for e in load_source(f"{server}/hop/5").errors] == [
        "too many redirects (more than 5)"
    ]


def test_redirect_to_file_scheme_refused(server: str) -> None:
    assert [e.reason for e in load_source(f"{server}/to-file").errors] == [
        "redirected to a URL that is not http or https"
    ]


def test_timeout(server: str) -> None:
    with pytest.raises(FetchError, match=r"^timed out after 0\.5 s$"):
        fetch(f"{server}/slow", timeout=0.5)


def test_total_deadline_not_per_read(server: str) -> None:
    # Each byte arrives well within the timeout, but the whole body does not.
    with pytest.raises(FetchError, match=r"^timed out after 1 s$"):
        fetch(f"{server}/drip", timeout=1)


def test_oversize_declared_and_streamed(server: str) -> None:
    with pytest.raises(FetchError, match=r"^response too large"):
        fetch(f"{server}/big-declared")
    with pytest.raises(FetchError, match=r"^response too large"):
        fetch(f"{server}/big-streamed", max_bytes=100_000)
    with pytest.raises(FetchError, match=r"^response too large"):
        fetch(f"{server}/gzip-bomb", max_bytes=1_000_000)


def test_html_page_is_not_a_feed(server: str) -> None:
    assert [e.reason for e in load_source(f"{server}/page.html").errors] == [
        "not a feed (an HTML page)"
    ]


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now.
    result = load_source(f"http://127.0.0.1:{port}/feed.xml")
    assert [e.reason for e in result.errors] == ["connection refused"]
