"""The refresh engine's worker path: every test of test_refresh.py again, fetching in processes.

With a process pool, the workers fetch as well as parse (no feed body
crosses a pipe). Everything the engine promises must hold there too, so
this module runs test_refresh.py's tests with ``run`` (and so ``one``)
handing the engine a shared pool; tests that call ``refresh`` directly
keep their own settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

import test_refresh as base
from loopback import FeedServer
from newsreader.sources.refresh import (
    FeedResult,
    FeedState,
    _Options,
    fetch_and_parse,
    fetch_in_workers,
    make_parse_pool,
    refresh,
)
from test_refresh import *  # noqa: F403  (the same tests, collected here again)
from test_refresh import ATOM, rss_route


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    executor = make_parse_pool(2)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(autouse=True)
def in_workers(pool: ProcessPoolExecutor, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(feeds: list[FeedState], **options: object) -> list[FeedResult]:
        options.pop("parse_in_processes", None)
        return list(refresh(feeds, executor=pool, **options))  # type: ignore[arg-type]

    monkeypatch.setattr(base, "run", run)


def test_who_fetches(pool: ProcessPoolExecutor) -> None:
    """Workers fetch with a process pool, or when a feed is new (its body will need parsing)."""
    new, known = FeedState("http://127.0.0.1/a"), FeedState("http://127.0.0.1/b", etag='"1"')
    hashed = FeedState("http://127.0.0.1/c", body_hash="ab")
    with ThreadPoolExecutor(1) as threads:
        assert not fetch_in_workers([new], threads, True)
    assert fetch_in_workers([known], pool, True)
    assert fetch_in_workers([known, new], None, True)
    assert not fetch_in_workers([known, hashed], None, True)
    assert not fetch_in_workers([new], None, False)


def test_many_feeds_in_chunks_each_once(server: FeedServer, pool: ProcessPoolExecutor) -> None:
    """More feeds than one chunk: one result per feed, requests within the concurrency."""
    urls = []
    for i in range(23):
        server.routes[f"/f{i}"] = rss_route(ATOM if i % 2 else base.RSS)
        urls.append(server.url(f"/f{i}"))
    results = list(refresh([FeedState(u) for u in urls], executor=pool, concurrency=3))
    assert sorted(r.feed.url for r in results) == sorted(urls)
    assert {r.status for r in results} == {"new"}
    assert all(r.articles and type(r.articles[0]).__name__ == "Article" for r in results)


def test_own_pool_when_feeds_are_new(server: FeedServer) -> None:
    """No pool given, a new feed: the engine starts its own pool, fetches there, shuts it."""
    server.routes["/rss"] = rss_route()
    (result,) = list(refresh([FeedState(server.url("/rss"))], defer_html=True))
    assert result.status == "new"
    assert result.articles and result.base_url == server.url("/rss")


def test_closing_early_stops_the_workers(server: FeedServer, pool: ProcessPoolExecutor) -> None:
    """Leaving early cancels the chunks not yet started: far fewer requests than feeds."""
    feeds = [FeedState(server.url("/feed") + f"?n={n}") for n in range(60)]
    server.routes.update({f"/feed?n={n}": rss_route() for n in range(60)})
    iterator = refresh(feeds, executor=pool, concurrency=2)
    first = next(iterator)
    iterator.close()
    assert first.status == "new"
    assert len(server.requests) < 60
    # The pool is still usable: the next refresh gets every feed.
    again = list(refresh(feeds[:3], executor=pool, concurrency=2))
    assert sorted(r.feed.url for r in again) == sorted(f.url for f in feeds[:3])


def test_a_broken_chunk_fails_only_its_feeds(server: FeedServer) -> None:
    """A task that cannot run (here: a pool that refuses it) is one clean error per feed."""
    from concurrent.futures import Future

    class Refusing(ProcessPoolExecutor):
        def submit(self, *args: object, **kwargs: object) -> Future[object]:
            future: Future[object] = Future()
            future.set_exception(RuntimeError("no workers"))
            return future

    refusing = Refusing(1)
    try:
        feeds = [FeedState(server.url(f"/x{n}")) for n in range(3)]
        results = list(refresh(feeds, executor=refusing))
    finally:
        refusing.shutdown()
    assert len(results) == 3
    assert {r.status for r in results} == {"error"}
    assert {r.error for r in results} == {"unexpected error (RuntimeError)"}


def test_a_worker_reuses_its_connections_across_chunks(server: FeedServer) -> None:
    """Chunks run by one worker share its client: later chunks reuse kept-alive connections."""
    for n in range(4):
        server.routes[f"/k{n}"] = rss_route()
    options = _Options(1, 10.0, 10_000_000, "test-agent", False, True)
    feeds = [FeedState(server.url(f"/k{n}")) for n in range(4)]
    first = fetch_and_parse(feeds[:2], options)  # called here as a worker process would
    second = fetch_and_parse(feeds[2:], options)
    assert len(first) == len(second) == 2
    assert len(server.peers) == 4
    assert len(set(server.peers)) == 1  # one connection slot: one connection for all four


def _start_method(pool: ProcessPoolExecutor) -> str:
    return pool._mp_context.get_start_method()  # type: ignore[attr-defined]


def test_a_pool_is_forked_only_from_a_process_without_other_threads() -> None:
    """fork_if_alone forks (warm workers, at once) only while no other thread runs."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        from newsreader.sources.refresh import make_parse_pool
        pool = make_parse_pool(1, fork_if_alone=True)
        print(pool._mp_context.get_start_method(), len(pool._processes))
        pool.shutdown()
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.split() == ["fork", "1"]  # forked before the call returned

    import threading

    other = threading.Event()
    thread = threading.Thread(target=other.wait, daemon=True)
    thread.start()
    try:
        pool = make_parse_pool(1, fork_if_alone=True)
        try:
            assert _start_method(pool) == "forkserver"
        finally:
            pool.shutdown()
    finally:
        other.set()
        thread.join()


def test_newsreader_refresh_in_its_own_process(server: FeedServer, tmp_path: Path) -> None:
    """The command, single-threaded, forks its workers, for new feeds and for 304s alike."""
    import json
    import subprocess
    import sys

    from loopback import send

    etag = '"v1"'

    def conditional(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == etag:
            send(handler, 304, headers={"ETag": etag})
        else:
            send(handler, 200, base.RSS, {"ETag": etag, "Content-Type": "application/rss+xml"})

    server.routes["/own"] = conditional
    db = tmp_path / "s.db"
    command = [sys.executable, "-m", "newsreader"]
    subprocess.run([*command, "add", "--no-fetch", server.url("/own"), "--db", str(db)],
                   check=True, capture_output=True, timeout=60)

    def refresh_line() -> dict[str, object]:
        done = subprocess.run([*command, "refresh", "--json", "--db", str(db)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        (line,) = [json.loads(text) for text in done.stdout.splitlines() if text.strip()]
        return line

    first = refresh_line()
    assert (first["status"], first["error"]) == ("new", None)
    assert isinstance(first["new"], int) and first["new"] >= 1
    second = refresh_line()
    assert (second["status"], second["new"], second["error"]) == ("not_modified", 0, None)
    assert server.seen("/own")[-1].get("If-None-Match") == etag


def test_workers_start_after_a_ui_has_taken_stderr() -> None:
    """A stderr without a descriptor (the app's, under Textual) does not stop the workers.

    Textual replaces sys.stderr with an object whose fileno() is -1; the
    resource tracker started with the first pool passed it on and failed with
    "bad value(s) in fds_to_keep", so no refresh of a new feed in the app worked.
    """
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import io, os, sys, threading
        from newsreader.sources.refresh import make_parse_pool
        class Captured(io.StringIO):
            def fileno(self):
                return -1
        real, sys.stderr = sys.stderr, Captured()
        blocker = threading.Event()
        threading.Thread(target=blocker.wait, daemon=True).start()  # as in the app
        pool = make_parse_pool(1, fork_if_alone=True)
        ok = pool.submit(os.getpid).result() > 0
        print(pool._mp_context.get_start_method(), ok, isinstance(sys.stderr, Captured))
        pool.shutdown()
        blocker.set()
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["forkserver", "True", "True"]
