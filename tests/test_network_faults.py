"""Network faults end to end: every misbehaving server is one feed's error, never the refresh's.

One loopback server (127.0.0.1, in a thread) answers each feed's path with a
different fault: it hangs, resets the connection, answers 500, streams an
endless body, loops redirects, sends a gzip bomb, lies about Content-Type or
Content-Length, talks something that is not HTTP. ``feeds.refresh_feeds``
refreshes them all at once with two healthy feeds among them; the healthy
ones must be stored, each faulty one must end as an ``error`` report with a
one-line reason, and its stored state must say so. The refresh runs in a
thread joined with a generous limit, so a fault that hangs the engine fails
the test instead of hanging the suite (no wall-clock assertion beyond that).
"""

from __future__ import annotations

import gzip
import re
import socket
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from loopback import FeedServer, Route, running_server, send
from newsreader.feeds import FeedReport, RefreshSummary, refresh_feeds
from newsreader.sanitize import clean_line
from newsreader.store import Store

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TIMEOUT = 1.5  # the per-feed timeout given to refresh_feeds
GUARD = 60.0  # the whole refresh must end well before this, or the engine hangs

RSS_TEMPLATE = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}</title>'
    "<link>https://wire.example/</link>{items}</channel></rss>"
)


def rss(name: str, count: int = 2) -> bytes:
    items = "".join(
        f"<item><title>{name} story {i}</title><guid>urn:{name}:{i}</guid>"
        f"<link>https://wire.example/{name}/{i}</link>"
        f"<pubDate>0{i + 1} Jan 2025 09:00:00 +0000</pubDate>"
        f"<description>Text of {name} story {i}.</description></item>"
        for i in range(count)
    )
    return RSS_TEMPLATE.format(name=name, items=items).encode()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with running_server() as srv:
        yield srv


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "news.db") as opened:
        yield opened


# --------------------------------------------------------------------------- the faults


def faults(srv: FeedServer) -> dict[str, Route]:
    """Path -> misbehaving handler. Each is a different way for a server to go wrong."""
    release = srv.release

    def hang(h: BaseHTTPRequestHandler) -> None:
        release.wait(GUARD)

    def hang_mid_body(h: BaseHTTPRequestHandler) -> None:
        body = rss("midbody")
        send(h, 200, b"", {"Content-Type": "application/rss+xml",
                           "Content-Length": str(len(body))})
        h.wfile.write(body[:40])
        h.wfile.flush()
        release.wait(GUARD)

    def trickle(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, b"", {"Content-Type": "application/rss+xml", "Content-Length": "100000"})
        for _ in range(2000):
            if release.wait(0.05):
                return
            h.wfile.write(b" ")
            h.wfile.flush()

    def reset(h: BaseHTTPRequestHandler) -> None:
        # SO_LINGER 0: close() sends RST instead of FIN.
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h.close_connection = True

    def reset_mid_body(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, b"", {"Content-Type": "application/rss+xml", "Content-Length": "5000"})
        h.wfile.write(rss("reset")[:100])
        h.wfile.flush()
        reset(h)

    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        chunk = b"<!-- more and more and more -->" * 2048
        head = b'<?xml version="1.0"?><rss version="2.0"><channel>'
        h.wfile.write(f"{len(head):x}\r\n".encode() + head + b"\r\n")
        for _ in range(10_000):  # ~600 MB unless the client stops reading first
            if release.is_set():
                return
            h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")

    def redirect_loop(h: BaseHTTPRequestHandler) -> None:
        send(h, 302, b"", {"Location": "/loop"})

    def redirect_ping_pong(h: BaseHTTPRequestHandler) -> None:
        send(h, 301, b"", {"Location": "/pong" if h.path.startswith("/ping") else "/ping"})

    def redirect_to_file(h: BaseHTTPRequestHandler) -> None:
        send(h, 302, b"", {"Location": "file:///etc/passwd"})

    def gzip_bomb(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, BOMB, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})

    def broken_gzip(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, b"\x1f\x8b\x08\x00garbage" * 10,
             {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})

    def server_error(h: BaseHTTPRequestHandler) -> None:
        send(h, 500, b"<html>Internal Server Error</html>", {"Content-Type": "text/html"})

    def png_as_rss(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
             {"Content-Type": "application/rss+xml"})

    def html_as_rss(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, b"<!doctype html><html><head><title>Home</title></head>"
             b"<body><p>Not a feed at all.</p></body></html>",
             {"Content-Type": "application/rss+xml"})

    def short_content_length(h: BaseHTTPRequestHandler) -> None:
        # Says 100 bytes, sends 40 and closes: the body is cut mid-document.
        send(h, 200, rss("short")[:40], {"Content-Type": "application/rss+xml",
                                          "Content-Length": "100"})
        h.close_connection = True

    def negative_content_length(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, rss("negative"), {"Content-Type": "application/rss+xml",
                                        "Content-Length": "-5"})
        h.close_connection = True

    def huge_content_length(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, rss("huge"), {"Content-Type": "application/rss+xml",
                                    "Content-Length": "99999999999999999999"})
        h.close_connection = True

    def not_http(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n\x1b]52;c;aGk=\x07garbage\r\n\r\n")
        h.close_connection = True

    def empty_reply(h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True  # closes without a byte

    def huge_header(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("X-Junk", "x" * 200_000)
        h.send_header("Content-Length", "0")
        h.end_headers()

    def bad_chunking(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        h.wfile.write(b"zz\r\nnot a chunk size\r\n")
        h.close_connection = True

    def hostile_status(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(
            "HTTP/1.1 503 Busy \x1b]0;pwned\x07 \u202eslow\r\n".encode()
            + b"Retry-After: 99999999999999999999\r\nContent-Length: 0\r\n\r\n"
        )

    return {
        "/hang": hang,
        "/hang-mid-body": hang_mid_body,
        "/trickle": trickle,
        "/reset": reset,
        "/reset-mid-body": reset_mid_body,
        "/endless": endless,
        "/loop": redirect_loop,
        "/ping": redirect_ping_pong,
        "/pong": redirect_ping_pong,
        "/to-file": redirect_to_file,
        "/gzip-bomb": gzip_bomb,
        "/broken-gzip": broken_gzip,
        "/500": server_error,
        "/png-as-rss": png_as_rss,
        "/html-as-rss": html_as_rss,
        "/short-length": short_content_length,
        "/negative-length": negative_content_length,
        "/huge-length": huge_content_length,
        "/not-http": not_http,
        "/empty-reply": empty_reply,
        "/huge-header": huge_header,
        "/bad-chunking": bad_chunking,
        "/hostile-status": hostile_status,
    }


# 30 MB of spaces in ~30 KB: over the 20 MB body cap once inflated.
BOMB = gzip.compress(b" " * 30_000_000, compresslevel=9)

FAULTY = [
    "/hang", "/hang-mid-body", "/trickle", "/reset", "/reset-mid-body", "/endless", "/loop",
    "/ping", "/to-file", "/gzip-bomb", "/broken-gzip", "/500", "/png-as-rss", "/html-as-rss",
    "/short-length", "/negative-length", "/huge-length", "/not-http", "/empty-reply",
    "/huge-header", "/bad-chunking", "/hostile-status",
]


def run_refresh(store: Store, **options: object) -> RefreshSummary:
    """refresh_feeds in a thread; a refresh still running after GUARD seconds fails the test."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["summary"] = refresh_feeds(
                store, timeout=TIMEOUT, parse_in_processes=False, **options  # type: ignore[arg-type]
            )
        except BaseException as exc:  # re-raised in the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(GUARD)
    assert not thread.is_alive(), "refresh_feeds hung on a faulty server"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    summary = outcome["summary"]
    assert isinstance(summary, RefreshSummary)
    return summary


def assert_one_clean_line(text: str) -> None:
    """One line, nothing a terminal would act on (ESC, controls, bidi), no trace."""
    assert text and not UNSAFE.search(text), repr(text)
    assert clean_line(text) == " ".join(text.split()), repr(text)
    assert "Traceback" not in text


def test_every_fault_is_one_feeds_error_and_the_others_refresh(
    server: FeedServer, store: Store
) -> None:
    server.routes.update(faults(server))
    assert sorted(FAULTY) == sorted(set(server.routes) - {"/pong"})
    server.routes["/good-1"] = lambda h: send(h, 200, rss("alpha"),
                                              {"Content-Type": "application/rss+xml"})
    server.routes["/good-2"] = lambda h: send(h, 200, rss("beta", 3),
                                              {"Content-Type": "text/xml; charset=utf-8"})
    urls = [server.url(path) for path in ["/good-1", *FAULTY, "/good-2"]]
    for url in urls:
        store.add_feed(url)

    summary = run_refresh(store, concurrency=8)

    by_url: dict[str, FeedReport] = {report.url: report for report in summary.reports}
    assert sorted(by_url) == sorted(urls)  # one report per feed, none lost or doubled
    assert by_url[server.url("/good-1")].status == "new"
    assert by_url[server.url("/good-1")].new == 2
    assert by_url[server.url("/good-2")].new == 3
    assert store.count() == 5
    problems = {}
    for path in FAULTY:
        report = by_url[server.url(path)]
        if report.status != "error":
            problems[path] = (report.status, report.new)
            continue
        assert report.error is not None
        assert_one_clean_line(report.error)
        stored = store.feed(server.url(path))
        assert stored is not None and stored.error_count == 1, path
        assert stored.last_error is not None
        assert_one_clean_line(stored.last_error)
    assert problems == {}, problems
    assert summary.failed == len(FAULTY)

    reasons = {path: by_url[server.url(path)].error or "" for path in FAULTY}
    assert "timed out" in reasons["/hang"]
    assert "timed out" in reasons["/trickle"]
    assert "500" in reasons["/500"]
    assert "larger than" in reasons["/gzip-bomb"]
    assert "larger than" in reasons["/endless"]
    assert "redirect" in reasons["/loop"].lower()
    assert "pwned" not in reasons["/hostile-status"]
    assert reasons["/reset"] == "the server reset the connection"
    for path, reason in reasons.items():  # a reason, not the type of an exception
        assert "bytearray" not in reason and not reason.startswith("ReadError"), path


def test_healthy_feeds_still_refresh_next_time(server: FeedServer, store: Store) -> None:
    """A fault leaves no state behind that breaks the next refresh of anything."""
    routes = faults(server)
    server.routes.update({path: routes[path] for path in ("/reset", "/not-http", "/gzip-bomb")})
    server.routes["/good"] = lambda h: send(h, 200, rss("gamma"),
                                            {"Content-Type": "application/rss+xml"})
    for path in ("/reset", "/good", "/not-http", "/gzip-bomb"):
        store.add_feed(server.url(path))
    first = run_refresh(store)
    assert first.failed == 3
    server.routes["/good"] = lambda h: send(h, 200, rss("gamma", 4),
                                            {"Content-Type": "application/rss+xml"})
    # The server recovers: the feed that reset the connection now answers.
    server.routes["/reset"] = lambda h: send(h, 200, rss("delta"),
                                             {"Content-Type": "application/rss+xml"})
    second = run_refresh(store, force=True)
    by_url = {report.url: report for report in second.reports}
    assert by_url[server.url("/good")].new == 2
    assert by_url[server.url("/reset")].new == 2
    recovered = store.feed(server.url("/reset"))
    assert recovered is not None and recovered.error_count == 0
    assert store.count() == 6
