"""Pilot tests of the feeds side: the feeds pane, add/remove/edit, refresh, feed status.

Subscriptions are local copies of ``tests/fixtures/ui/wire.xml`` and feeds
served by the loopback server of ``test_feeds`` (127.0.0.1 only). Every
test waits on workers (never sleeps) and asserts state.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from loopback import FeedServer, send
from newsreader.feeds import refresh_feeds
from newsreader.models import Article
from newsreader.store import Store
from newsreader.ui.screens.add_feed import AddFeedScreen
from newsreader.ui.screens.confirm import ConfirmScreen
from newsreader.ui.screens.feed_status import FeedStatusScreen
from newsreader.ui.screens.feeds_actions import FeedsActions, due_feeds
from newsreader.ui.screens.main import MainScreen
from newsreader.ui.widgets.feeds_pane import FeedsPane, ViewOption
from newsreader.ui.widgets.refresh_status import RefreshStatus
from test_feeds import feed_route, rss
from test_ui_app import make_app, settle

WIDE = (160, 45)
BROKEN = "http://127.0.0.1:9/broken.xml"


@pytest.fixture(autouse=True)
def _light_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse in threads, not processes: UI tests stay quick and light."""
    monkeypatch.setattr(FeedsActions, "PARSE_IN_PROCESSES", False)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


@pytest.fixture
def wire_copy(tmp_path: Path, fixtures_dir: Path) -> Path:
    target = tmp_path / "wire.xml"
    shutil.copy(fixtures_dir / "ui" / "wire.xml", target)
    return target


@pytest.fixture
def subscribed(db_path: Path, wire_copy: Path) -> Path:
    """A store with the wire file (read, tagged "news") and a failing URL feed."""
    with Store.open(db_path) as store:
        store.add_feed(str(wire_copy), "Wire", ["news"], kind="file")
        store.add_feed(BROKEN, "Broken feed", ["news", "world"])
        refresh_feeds(store, [str(wire_copy)], parse_in_processes=False)
        store.update_feed_state(BROKEN, error="HTTP 500 \x1b[31mInternal\x1b[0m")
        store.add_saved_query("Merkel", "merkel")
    return db_path


def pane_rows(pane: FeedsPane) -> list[str]:
    return [str(option.prompt) for option in pane.options]


def row_index(pane: FeedsPane, kind: str, value: str) -> int:
    for index, option in enumerate(pane.options):
        if isinstance(option, ViewOption) and option.view is not None and (
            option.view.kind, option.view.value) == (kind, value):
            return index
    raise AssertionError(f"no {kind} row for {value}")


def screen_of(app) -> MainScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


async def test_pane_shows_counts_error_mark_and_saved_queries(subscribed, fake_extractor):
    app = make_app(subscribed, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        pane = screen.feeds_pane
        assert screen.feeds_shown and pane.display  # wide: shown without asking
        # Opening the first article marked it read; the pane's counts follow
        # after a short pause (a timer), asked for here directly.
        assert screen._pane_timer is not None
        screen.load_feeds_pane()
        await settle(app, pilot)
        rows = [" ".join(row.split()) for row in pane_rows(pane)]
        # 4 stored, the first one opened (read) at start-up: 3 unread.
        assert rows[0] == "All articles 3"
        assert "Tags" in rows and "Feeds" in rows and "Saved queries" in rows
        assert "news 3" in rows and "world" in rows
        assert "Wire 3" in rows
        assert "! Broken feed" in rows
        assert any(row.startswith("Merkel") for row in rows)
        assert all("\x1b" not in row for row in rows)


async def test_toggle_the_pane_and_focus(subscribed, fake_extractor):
    app = make_app(subscribed, [], fake_extractor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        assert not screen.feeds_shown  # medium width: folded away
        assert screen.articles.has_focus
        await pilot.press("F")
        await pilot.pause()
        assert screen.feeds_shown and screen.feeds_pane.has_focus
        await pilot.press("F")
        await pilot.pause()
        assert not screen.feeds_shown and screen.articles.has_focus


async def test_choosing_a_feed_tag_or_query_filters_the_list(subscribed, fake_extractor):
    app = make_app(subscribed, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        pane = screen.feeds_pane
        assert screen.articles.row_count == 4
        pane.focus()
        pane.highlighted = row_index(pane, "feed", BROKEN)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.articles.row_count == 0
        assert "Broken feed" in str(screen.query_one("#status-view").render())
        assert screen.articles.has_focus
        pane.highlighted = row_index(pane, "query", "merkel")
        pane.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert [row.title for row in screen.articles.rows] == [
            "Merkel visits Siemens plant in Berlin"]
        pane.focus()
        pane.highlighted = row_index(pane, "tag", "news")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.articles.row_count == 4
        await pilot.press("escape")  # back to every article
        await settle(app, pilot)
        assert screen.feed_view is None
        assert "All articles" in str(screen.query_one("#status-view").render())


async def test_add_dialog_subscribes_a_local_file_and_fetches_it(
    db_path, wire_copy, fake_extractor
):
    app = make_app(db_path, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddFeedScreen)
        await pilot.press("enter")  # empty: refused inline, dialog stays
        await pilot.pause()
        assert isinstance(app.screen, AddFeedScreen)
        assert "first" in str(app.screen.query_one("#add-message").render())
        app.screen.query_one("#add-source", Input).value = str(wire_copy.parent / "nope.xml")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AddFeedScreen)
        assert "no such file" in str(app.screen.query_one("#add-message").render())
        app.screen.query_one("#add-source", Input).value = str(wire_copy)
        app.screen.query_one("#add-tags", Input).value = "news, wire"
        await pilot.press("enter")
        await settle(app, pilot)
        screen = screen_of(app)
        assert app.screen is screen
        # Fetched at once (next to the samples a first launch opens).
        fetched = {h.key for h in app.store.headers_for_feed(str(wire_copy))}
        assert len(fetched) == 4
        assert fetched <= {row.key for row in screen.articles.rows}
        feed = app.store.feed(str(wire_copy))
        assert feed is not None and feed.tags == ("news", "wire")
        assert any("Wire" in " ".join(row.split()) for row in pane_rows(screen.feeds_pane))


async def test_add_dialog_finds_the_feed_of_a_page(db_path, server, fake_extractor):
    server.routes["/feed"] = feed_route(rss("a", "b"))
    server.routes["/"] = lambda h: send(
        h, 200, b'<html><head><link rel="alternate" type="application/rss+xml" '
        b'href="/feed"></head></html>', {"Content-Type": "text/html"})
    app = make_app(db_path, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#add-source", Input).value = server.url("/")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.store.subscriptions() == [server.url("/feed")]
        assert len(app.store.headers_for_feed(server.url("/feed"))) == 2


async def test_remove_asks_and_keeps_bookmarks(subscribed, wire_copy, fake_extractor):
    app = make_app(subscribed, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        await pilot.press("b")  # bookmark the first article
        await settle(app, pilot)
        pane = screen.feeds_pane
        pane.focus()
        pane.highlighted = row_index(pane, "feed", str(wire_copy))
        await pilot.press("enter")
        await settle(app, pilot)
        pane.focus()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question").render())
        assert "4 articles" in question and "bookmarks stay" in question
        await pilot.press("n")  # no: nothing happens
        await settle(app, pilot)
        assert app.store.feed(str(wire_copy)) is not None
        pane.focus()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert app.store.feed(str(wire_copy)) is None
        assert len(app.store.bookmarks()) == 1
        assert screen.feed_view is None  # the removed feed's view is left
        assert screen.articles.row_count == 0
        await pilot.press("B")  # the bookmark is still there, and readable
        await settle(app, pilot)
        assert screen.articles.row_count == 1
        assert screen.reader.article is not None


async def test_edit_renames_and_retags(subscribed, wire_copy, fake_extractor):
    app = make_app(subscribed, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        pane = screen_of(app).feeds_pane
        pane.focus()
        pane.highlighted = row_index(pane, "feed", str(wire_copy))
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#edit-title", Input).value = "My [bold]wire"
        app.screen.query_one("#edit-tags", Input).value = "a, b, a"
        app.screen.query_one("#edit-title", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        feed = app.store.feed(str(wire_copy))
        assert feed is not None and feed.user_title == "My [bold]wire"
        assert feed.tags == ("a", "b")
        assert any("My [bold]wire" in row for row in pane_rows(pane))  # never markup


async def test_refresh_shows_progress_and_keeps_the_cursor(db_path, server, fake_extractor,
                                                          monkeypatch):
    server.routes["/feed"] = feed_route(rss("a", "b"))
    with Store.open(db_path) as store:
        store.add_feed(server.url("/feed"))
        refresh_feeds(store, parse_in_processes=False)
    seen: list[tuple[int, int]] = []
    original = RefreshStatus.advance

    def advance(self, done, total, new, failed):
        seen.append((done, total))
        original(self, done, total, new, failed)

    monkeypatch.setattr(RefreshStatus, "advance", advance)
    app = make_app(db_path, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        assert screen.articles.row_count == 2
        await pilot.press("j")
        await settle(app, pilot)
        key = screen.articles.current_key
        assert screen.reader.article_key == key
        server.routes["/feed"] = feed_route(rss("a", "b", "c", "d"))
        await pilot.press("R")
        await settle(app, pilot)
        assert seen == [(1, 1)]
        assert screen.articles.row_count == 4
        assert screen.articles.current_key == key  # the cursor stayed on the article
        assert screen.reader.article_key == key
        assert not screen.refresh_status.display
        # r: the article's own feed.
        server.routes["/feed"] = feed_route(rss("a", "b", "c", "d", "e"))
        await pilot.press("r")
        await settle(app, pilot)
        assert screen.articles.row_count == 5
        assert screen.articles.current_key == key


async def test_an_app_refresh_converts_what_a_cli_refresh_left_pending(
    db_path, server, fake_extractor
):
    # `newsreader refresh` (a cron job) stores HTML pending and exits; the app's
    # next refresh converts it even when nothing new arrives, and the spool empties.
    server.routes["/feed"] = feed_route(rss("a", "b"), etag='"v1"')
    with Store.open(db_path) as store:
        store.add_feed(server.url("/feed"))
        refresh_feeds(store, parse_in_processes=False)
    spool = db_path.with_name(db_path.name + "-pending")
    assert len(list(spool.glob("*.html"))) == 1

    app = make_app(db_path, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")  # answered 304: nothing new
        await settle(app, pilot)
        assert len(server.seen("/feed")) >= 2
    assert list(spool.glob("*.html")) == []
    db = sqlite3.connect(db_path)
    try:
        assert db.execute("SELECT count(*) FROM pending_text").fetchone() == (0,)
        texts = db.execute("SELECT text FROM articles ORDER BY text").fetchall()
    finally:
        db.close()
    assert texts == [("Body a.",), ("Body b.",)]


async def test_startup_shows_stored_articles_before_the_refresh_ends(
    db_path, server, fake_extractor
):
    release = threading.Event()

    def slow(handler) -> None:
        release.wait(20)
        feed_route(rss("a", "b", "c"))(handler)

    server.routes["/feed"] = feed_route(rss("a", "b"))
    with Store.open(db_path) as store:
        store.add_feed(server.url("/feed"))
        refresh_feeds(store, parse_in_processes=False)
        # Never tried since: due at start-up.
        store.add_feed(server.url("/slow"))
    server.routes["/slow"] = slow
    app = make_app(db_path, [], fake_extractor)
    try:
        async with app.run_test(size=WIDE) as pilot:
            screen = screen_of(app)
            for _ in range(200):
                await pilot.pause()
                if screen.articles.row_count == 2 and screen.refresh_status.display:
                    break
            assert screen.articles.row_count == 2  # stored articles, refresh still running
            assert screen.refresh_status.display
            assert len(server.seen("/feed")) == 1  # not due: not fetched again
            release.set()
            await settle(app, pilot)
            assert screen.articles.row_count == 5
            assert not screen.refresh_status.display
    finally:
        release.set()


async def test_feed_status_view(subscribed, fake_extractor):
    app = make_app(subscribed, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, FeedStatusScreen)
        table = app.screen.query_one("#status-table", DataTable)
        assert table.row_count == 2
        first = [str(cell) for cell in table.get_row_at(0)]
        assert first[0] == "!" and first[1] == "Broken feed"
        assert "HTTP 500" in first[5] and "\x1b" not in first[5]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


def test_due_feeds_follow_the_interval(subscribed) -> None:
    from datetime import UTC, datetime, timedelta

    with Store.open(subscribed) as store:
        store.add_feed("https://new.example/feed")
        feeds = store.feeds()
    now = datetime.now(UTC)
    assert [f.url for f in due_feeds(feeds, 0, now)] == ["https://new.example/feed"]
    assert len(due_feeds(feeds, 30, now)) == 1
    assert len(due_feeds(feeds, 30, now + timedelta(minutes=31))) == 3


async def test_f_fetches_the_full_text_of_a_summary(db_path, server, fixtures_dir,
                                                    fake_extractor):
    page = (fixtures_dir / "fulltext" / "article-page.html").read_bytes()
    server.routes["/page"] = lambda h: send(h, 200, page,
                                            {"Content-Type": "text/html; charset=utf-8"})
    source = "http://127.0.0.1:9/summaries.xml"
    with Store.open(db_path) as store:
        store.add_feed(source, "Summaries")
        store.update_feed_state(source)  # tried just now: not due at start-up
        store.add_articles([Article(
            source=source, source_name="Summaries", id="night", title="Night trains",
            text="Night trains are back.", link=server.url("/page"), summary_only=True)])
    app = make_app(db_path, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        assert screen.reader.article is not None
        assert screen.reader.article.summary_only
        await pilot.press("f")
        await settle(app, pilot)
        article = screen.reader.article
        assert article is not None and not article.summary_only
        assert "The train leaves Berlin at 22:40" in article.text
        # Entities were found again for the new text (the fake engine knows Berlin).
        assert any(e.name == "Berlin" for e in screen.reader.entities)
        await pilot.press("f")  # now it has its full text: nothing fetched again
        await settle(app, pilot)
        assert len(server.seen("/page")) == 1


async def test_all_articles_counts_articles_outside_subscriptions(
    subscribed, fake_extractor
):
    """Local files and unsubscribed sources are in "All articles", so in its count too."""
    with Store.open(subscribed) as store:
        store.add_articles([
            Article(id=f"local-{n}", source="/notes/local.txt", source_name="notes",
                    title=f"Local {n}", text="Words.")
            for n in range(2)
        ])
    app = make_app(subscribed, [], fake_extractor)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        screen.load_feeds_pane()
        await settle(app, pilot)
        rows = [" ".join(row.split()) for row in pane_rows(screen.feeds_pane)]
        # 4 from the wire + 2 local, the first (a dated wire story) opened at
        # start-up: 5 unread; the Wire feed itself still counts only its own.
        assert rows[0] == "All articles 5"
        assert "Wire 3" in rows
