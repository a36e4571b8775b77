"""The refresh engine against a real HTTP server on 127.0.0.1 (in a thread).

Each test registers routes (path -> handler) and inspects the requests the
server saw, so conditional GET, redirects, size caps and timeouts are
checked on the wire, not through mocks.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from loopback import FeedServer, Route, running_server, send
from newsreader.sources.fetch_async import USER_AGENT
from newsreader.sources.refresh import FeedResult, FeedState, refresh

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "refresh"
RSS = (FIXTURES / "wire.rss").read_bytes()
ATOM = (FIXTURES / "wire.atom").read_bytes()




@pytest.fixture
def server() -> Iterator[FeedServer]:
    with running_server() as srv:
        yield srv


def run(feeds: list[FeedState], **options: object) -> list[FeedResult]:
    options.setdefault("parse_in_processes", False)
    return list(refresh(feeds, **options))


def one(feed: FeedState, **options: object) -> FeedResult:
    (result,) = run([feed], **options)
    return result


def rss_route(body: bytes = RSS, headers: dict[str, str] | None = None) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        base = {"Content-Type": "application/rss+xml; charset=utf-8"}
        send(handler, 200, body, {**base, **(headers or {})})

    return route


# --------------------------------------------------------------------------- basics


def test_new_feed_gives_articles_and_validators(server: FeedServer) -> None:
    etag = 'W/"abc-123"'
    modified = "Fri, 03 Jan 2025 10:00:00 GMT"
    server.routes["/feed"] = rss_route(headers={"ETag": etag, "Last-Modified": modified})
    result = one(FeedState(server.url("/feed")))
    assert result.status == "new"
    assert result.error is None
    assert result.articles[0].title == "Port of Tallinn reopens after the storm"
    assert all(a.source == server.url("/feed") for a in result.articles)
    assert result.state.etag == etag
    assert result.state.last_modified == modified
    assert result.state.body_hash
    assert result.parser == "fast"
    headers = server.seen("/feed")[0]
    assert headers["User-Agent"] == USER_AGENT
    assert headers["User-Agent"].startswith("newsreader/")
    assert "gzip" in headers["Accept-Encoding"]
    assert "If-None-Match" not in headers


def test_validators_go_back_byte_exact_and_304(server: FeedServer) -> None:
    etag = '"odd etag, with spaces;and=stuff"'
    modified = "Thu, 02 Jan 2025 18:05:00 GMT"

    def route(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == etag:
            send(handler, 304, headers={"ETag": etag})
        else:
            send(handler, 200, RSS, {"ETag": etag, "Last-Modified": modified})

    server.routes["/feed"] = route
    first = one(FeedState(server.url("/feed")))
    second = one(first.state)
    assert second.status == "not_modified"
    assert second.articles == []
    assert second.state.etag == etag
    assert second.state.last_modified == modified
    assert second.state.body_hash == first.state.body_hash
    headers = server.seen("/feed")[1]
    assert headers["If-None-Match"] == etag
    assert headers["If-Modified-Since"] == modified


def test_unchanged_body_without_validators_is_not_parsed(server: FeedServer) -> None:
    server.routes["/feed"] = rss_route()
    first = one(FeedState(server.url("/feed")))
    second = one(first.state)
    assert first.status == "new"
    assert second.status == "unchanged"
    assert second.articles == []
    assert second.parser is None
    server.routes["/feed"] = rss_route(ATOM)
    third = one(second.state)
    assert third.status == "new"
    assert third.state.body_hash != first.state.body_hash


def test_gzip_body(server: FeedServer) -> None:
    def route(handler: BaseHTTPRequestHandler) -> None:
        assert "gzip" in handler.headers.get("Accept-Encoding", "")
        send(handler, 200, gzip.compress(ATOM), {"Content-Encoding": "gzip"})

    server.routes["/feed"] = route
    result = one(FeedState(server.url("/feed")))
    assert result.status == "new"
    assert len(result.articles) == 2


def test_json_feed(server: FeedServer) -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J",'
        b' "items": [{"id": "1", "title": "Hello", "content_text": "World",'
        b' "url": "https://j.example/1", "date_published": "2025-01-03T10:00:00Z"}]}'
    )
    server.routes["/feed.json"] = rss_route(body, {"Content-Type": "application/feed+json"})
    result = one(FeedState(server.url("/feed.json")))
    assert result.status == "new", result.error
    assert result.parser == "feedparser"  # the sources package's JSON Feed reader
    assert [(a.id, a.title, a.link) for a in result.articles] == [
        ("1", "Hello", "https://j.example/1")
    ]


def test_not_a_feed_is_an_error_and_keeps_the_old_state(server: FeedServer) -> None:
    server.routes["/page"] = rss_route(b"<!DOCTYPE html><html><body>hi</body></html>")
    feed = FeedState(server.url("/page"), etag='"old"', body_hash="old")
    result = one(feed)
    assert result.status == "error"
    assert "not a feed" in (result.error or "")
    assert result.state.etag == '"old"'
    assert result.state.body_hash == "old"


def test_source_identity_is_kept(server: FeedServer) -> None:
    server.routes["/feed"] = rss_route()
    result = one(FeedState(server.url("/feed"), source="my-feed"))
    assert {a.source for a in result.articles} == {"my-feed"}


# --------------------------------------------------------------------------- redirects


def redirect(status: int, target: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, status, b"moved", {"Location": target})

    return route


def test_permanent_redirect_updates_the_url(server: FeedServer) -> None:
    server.routes["/old"] = redirect(301, "/new")
    server.routes["/new"] = rss_route()
    result = one(FeedState(server.url("/old")))
    assert result.status == "new"
    assert result.moved
    assert result.state.url == server.url("/new")
    # Articles keep the subscription's identity, not the new URL.
    assert {a.source for a in result.articles} == {server.url("/old")}


def test_temporary_redirect_keeps_the_url(server: FeedServer) -> None:
    server.routes["/old"] = redirect(302, server.url("/new"))
    server.routes["/new"] = rss_route()
    result = one(FeedState(server.url("/old")))
    assert result.status == "new"
    assert not result.moved
    assert result.state.url == server.url("/old")


def test_permanent_then_temporary_stores_the_permanent_target(server: FeedServer) -> None:
    server.routes["/a"] = redirect(308, "/b")
    server.routes["/b"] = redirect(307, "/c")
    server.routes["/c"] = rss_route()
    result = one(FeedState(server.url("/a")))
    assert result.status == "new"
    assert result.state.url == server.url("/b")


def test_too_many_redirects(server: FeedServer) -> None:
    for hop in range(7):
        server.routes[f"/r{hop}"] = redirect(302, f"/r{hop + 1}")
    server.routes["/r7"] = rss_route()
    result = one(FeedState(server.url("/r0")))
    assert result.status == "error"
    assert "too many redirects" in (result.error or "")
    assert len(server.requests) == 6  # the first request and 5 redirects, no more


def test_redirect_loop(server: FeedServer) -> None:
    server.routes["/a"] = redirect(301, "/b")
    server.routes["/b"] = redirect(301, "/a")
    result = one(FeedState(server.url("/a")))
    assert result.status == "error"
    assert "redirect loop" in (result.error or "")


def test_redirect_to_a_file_url_is_refused(server: FeedServer) -> None:
    server.routes["/a"] = redirect(302, "file:///etc/passwd")
    result = one(FeedState(server.url("/a")))
    assert result.status == "error"
    assert "only http and https" in (result.error or "")


def test_file_url_is_never_fetched() -> None:
    result = one(FeedState("file:///etc/passwd"))
    assert result.status == "error"
    assert "only http and https" in (result.error or "")


# --------------------------------------------------------------------------- failures


def test_server_error(server: FeedServer) -> None:
    server.routes["/feed"] = lambda h: send(h, 500, b"boom")
    result = one(FeedState(server.url("/feed"), etag='"keep"'))
    assert result.status == "error"
    assert result.error == "HTTP 500 Internal Server Error"
    assert result.http_status == 500
    assert result.state.etag == '"keep"'


def test_retry_after_defers_the_next_attempt(server: FeedServer) -> None:
    server.routes["/feed"] = lambda h: send(h, 503, b"busy", {"Retry-After": "120"})
    before = datetime.now(UTC)
    result = one(FeedState(server.url("/feed")))
    after = datetime.now(UTC)
    assert result.status == "error"
    next_attempt = result.state.next_attempt
    assert next_attempt is not None
    assert before + timedelta(seconds=119) <= next_attempt <= after + timedelta(seconds=121)
    # Until then the feed is not asked again, unless forced.
    again = one(result.state)
    assert again.status == "deferred"
    assert len(server.seen("/feed")) == 1
    forced = one(result.state, force=True)
    assert forced.status == "error"
    assert len(server.seen("/feed")) == 2


def test_retry_after_http_date_and_cap(server: FeedServer) -> None:
    server.routes["/date"] = lambda h: send(
        h, 429, b"", {"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"}
    )
    result = one(FeedState(server.url("/date")))
    assert result.state.next_attempt is not None
    # A far-future date is capped at a day: a feed must not silently stop updating.
    assert result.state.next_attempt <= datetime.now(UTC) + timedelta(days=1, minutes=1)


def test_cache_control_max_age(server: FeedServer) -> None:
    server.routes["/feed"] = rss_route(headers={"Cache-Control": "public, max-age=600"})
    before = datetime.now(UTC)
    result = one(FeedState(server.url("/feed")))
    assert result.status == "new"
    assert result.state.next_attempt is not None
    assert result.state.next_attempt >= before + timedelta(seconds=599)


def test_hanging_server_times_out(server: FeedServer) -> None:
    def hang(handler: BaseHTTPRequestHandler) -> None:
        server.release.wait(30)

    server.routes["/hang"] = hang
    result = one(FeedState(server.url("/hang")), timeout=0.5)
    assert result.status == "error"
    assert "timed out" in (result.error or "")


def test_trickling_server_times_out(server: FeedServer) -> None:
    def trickle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(1000):
            if server.release.wait(0.05):
                return
            handler.wfile.write(b" ")
            handler.wfile.flush()

    server.routes["/slow"] = trickle
    result = one(FeedState(server.url("/slow")), timeout=0.5)
    assert result.status == "error"
    assert "timed out" in (result.error or "")


def test_oversize_body_is_cut_off(server: FeedServer) -> None:
    sent = {"bytes": 0}

    def big(handler: BaseHTTPRequestHandler) -> None:
        # No Content-Length: the cap must work on the stream itself.
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"<!-- padding -->" * 4096
        for _ in range(200):  # up to 13 MB
            handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent["bytes"] += len(chunk)
        handler.wfile.write(b"0\r\n\r\n")

    server.routes["/big"] = big
    result = one(FeedState(server.url("/big")), max_bytes=200_000)
    assert result.status == "error"
    assert "larger than" in (result.error or "")


def test_declared_oversize_is_refused_before_reading(server: FeedServer) -> None:
    server.routes["/big"] = rss_route(RSS * 20)
    result = one(FeedState(server.url("/big")), max_bytes=len(RSS))
    assert result.status == "error"
    assert "larger than" in (result.error or "")


def test_gzip_bomb_is_capped(server: FeedServer) -> None:
    bomb = gzip.compress(b" " * 5_000_000)
    server.routes["/bomb"] = lambda h: send(h, 200, bomb, {"Content-Encoding": "gzip"})
    result = one(FeedState(server.url("/bomb")), max_bytes=1_000_000)
    assert result.status == "error"
    assert "larger than" in (result.error or "")


def test_connection_refused() -> None:
    result = one(FeedState("http://127.0.0.1:9/feed"), timeout=2)
    assert result.status == "error"
    assert result.error


# --------------------------------------------------------------------------- concurrency


def test_bounded_concurrency_and_one_result_per_feed(server: FeedServer) -> None:
    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(0.05)
        send(handler, 200, RSS)

    feeds = []
    for index in range(12):
        server.routes[f"/f{index}"] = slow
        feeds.append(FeedState(server.url(f"/f{index}")))
    results = run(feeds, concurrency=3)
    assert sorted(r.feed.url for r in results) == sorted(f.url for f in feeds)
    assert all(r.status == "new" for r in results)
    assert server.max_in_flight <= 3


def test_closing_early_stops_the_refresh(server: FeedServer) -> None:
    server.routes["/feed"] = rss_route()
    feeds = [FeedState(server.url("/feed") + f"?n={n}") for n in range(30)]
    server.routes.update({f"/feed?n={n}": rss_route() for n in range(30)})
    iterator = refresh(feeds, parse_in_processes=False, concurrency=2)
    first = next(iterator)
    iterator.close()
    assert first.status == "new"
    assert len(server.requests) < 30


def test_empty_list() -> None:
    assert run([]) == []


def test_parsing_in_processes(server: FeedServer) -> None:
    server.routes["/rss"] = rss_route()
    server.routes["/atom"] = rss_route(ATOM)
    results = run(
        [FeedState(server.url("/rss")), FeedState(server.url("/atom"))], parse_in_processes=True
    )
    assert sorted(len(r.articles) for r in results) == [2, 3]
    assert {r.parser for r in results} == {"fast"}


def test_worker_processes_send_back_the_same_articles(server: FeedServer) -> None:
    """Workers send articles as tuples (cheaper to pickle); the caller gets equal Articles."""
    from newsreader.sources.refresh import parse_body

    server.routes["/rss"] = rss_route()
    server.routes["/atom"] = rss_route(ATOM)
    urls = [server.url("/rss"), server.url("/atom")]
    in_processes = {r.feed.url: r.articles for r in run([FeedState(u) for u in urls],
                                                        parse_in_processes=True)}
    for url, body in zip(urls, (RSS, ATOM), strict=True):
        direct = parse_body(body, url, url, "application/rss+xml; charset=utf-8")[0]
        assert in_processes[url] == direct
        assert all(type(a).__name__ == "Article" for a in in_processes[url])
