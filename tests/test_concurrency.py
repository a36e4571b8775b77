"""Two instances on one database: one refreshing, one bookmarking; both keep working.

WAL lets readers go on while a writer writes, the busy timeout makes a
second writer wait instead of failing, and the store's write transactions
are short, so a long refresh in one process never starves another
process's bookmark. Checked with real processes (``newsreader refresh``)
and the real app (run headless in this process), against the loopback
feed server of the crash tests.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loopback import FeedServer
from newsreader.store import Store, StoreError
from test_crash_kill import CLI, FEEDS, ChangingFeeds, integrity
from test_ui_app import make_app, panes, settle


@pytest.fixture
def subscribed(tmp_path: Path) -> Iterator[tuple[Path, FeedServer]]:
    srv = FeedServer()
    feeds = ChangingFeeds()
    for i in range(FEEDS):
        srv.routes[f"/feed{i}"] = feeds.route(i)
    srv.thread.start()
    db = tmp_path / "shared.db"
    with Store.open(db) as store:
        for i in range(FEEDS):
            store.add_feed(srv.url(f"/feed{i}"))
    try:
        yield db, srv
    finally:
        srv.release.set()
        srv.httpd.shutdown()
        srv.httpd.server_close()


def refresh_loop(db: Path, runs: int, results: list[subprocess.CompletedProcess[bytes]]) -> None:
    for _ in range(runs):
        results.append(subprocess.run([*CLI, "--db", str(db), "refresh"], capture_output=True,
                                      timeout=120))


def test_refreshing_processes_and_a_bookmarking_one_all_finish(
    subscribed: tuple[Path, FeedServer],
) -> None:
    db, _ = subscribed
    first: list[subprocess.CompletedProcess[bytes]] = []
    refresh_loop(db, 1, first)
    assert first[0].returncode == 0
    # Two refreshing processes at once, and this process bookmarking all the while.
    results: list[subprocess.CompletedProcess[bytes]] = []
    workers = [threading.Thread(target=refresh_loop, args=(db, 3, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    bookmarked: list[int] = []
    errors: list[StoreError] = []
    with Store.open(db) as store:
        while any(worker.is_alive() for worker in workers):
            for header in store.headers()[:40]:
                if header.bookmarked:
                    continue
                try:
                    store.set_bookmark(header.key, True)
                    bookmarked.append(header.key)
                except StoreError as exc:  # "database is locked" would land here
                    errors.append(exc)
                    break
        for worker in workers:
            worker.join()
        assert errors == []
        assert all(store.is_bookmarked(key) for key in bookmarked)
        keys = {header.key for header in store.headers()}
    assert bookmarked
    for result in results:
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        assert b"locked" not in result.stderr and b"Traceback" not in result.stderr
    assert integrity(db) == "ok"
    with contextlib.closing(sqlite3.connect(db)) as con:
        # Two refreshes of the same feeds never store an article twice.
        (dupes,) = con.execute(
            "SELECT count(*) FROM (SELECT source, article_id FROM articles "
            "GROUP BY source, article_id HAVING count(*) > 1)"
        ).fetchone()
    assert dupes == 0
    assert set(bookmarked) <= keys
    print(f"2 x 3 refreshes alongside {len(bookmarked)} bookmark writes: 0 errors, 0 lost")


async def test_the_app_bookmarks_while_another_process_refreshes(
    subscribed: tuple[Path, FeedServer], fake_extractor: Any,
) -> None:
    db, _ = subscribed
    first: list[subprocess.CompletedProcess[bytes]] = []
    refresh_loop(db, 1, first)
    assert first[0].returncode == 0
    app = make_app(db, [], fake_extractor)
    notices: list[tuple[str, str]] = []
    original_notify = app.notify

    def record(message: str, *args: Any, **kwargs: Any) -> None:
        notices.append((str(message), str(kwargs.get("severity", "information"))))
        original_notify(message, *args, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    results: list[subprocess.CompletedProcess[bytes]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        articles, _, _ = panes(app)
        background = threading.Thread(target=refresh_loop, args=(db, 3, results))
        background.start()
        pressed: list[int] = []
        while background.is_alive() or len(pressed) < 5:
            key = articles.current_key
            if key is not None and not app.store.is_bookmarked(key):
                await pilot.press("b")
                pressed.append(key)
            await pilot.press("j")
            await pilot.pause()
            if articles.cursor >= articles.row_count - 1:
                break
        background.join()
        await settle(app, pilot)
        for key in pressed:
            assert app.store.is_bookmarked(key)
    for result in results:
        assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert not [notice for notice in notices if notice[1] == "error"], notices
    with Store.open(db) as store:
        assert {b.key for b in store.bookmarks()} >= set(pressed)
    print(f"app: {len(pressed)} bookmarks during {len(results)} refreshes: 0 errors, 0 lost")
