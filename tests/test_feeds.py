"""The feeds service end to end: a loopback HTTP server, the refresh engine, the store.

The server runs in a thread on 127.0.0.1 and records the request headers,
so conditional GET, redirects and back-off are checked on the wire.
Parsing runs in threads (``parse_in_processes=False``) to keep tests light.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from loopback import FeedServer, Route, running_server, send
from newsreader.feeds import (
    FeedReport,
    FeedsError,
    add_feed,
    discover_feed,
    export_opml,
    find_feed,
    import_opml,
    refresh_feeds,
)
from newsreader.sources.discover import find_feed_links
from newsreader.store import Store


def rss(*ids: str, title: str = "Loopback Wire", text: str = "Body") -> bytes:
    """A small RSS 2.0 feed, one item per id; later ids are newer and listed first."""
    items = "".join(
        f"<item><title>Item {i}</title><guid>urn:test:{i}</guid>"
        f"<link>https://wire.example/{i}</link>"
        f"<pubDate>{10 + n:02d} Jan 2025 09:00:00 +0000</pubDate>"
        f"<description>{text} {i}.</description></item>"
        for n, i in reversed(list(enumerate(ids)))
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://wire.example/</link>{items}</channel></rss>"
    ).encode()


def feed_route(body: bytes, etag: str | None = None, **headers: str) -> Route:
    """Serve ``body``; answer 304 when the client sends ``etag`` back."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        if etag and handler.headers.get("If-None-Match") == etag:
            send(handler, 304, headers={"ETag": etag})
            return
        extra = {"Content-Type": "application/rss+xml", **headers}
        if etag:
            extra["ETag"] = etag
        send(handler, 200, body, extra)

    return route


def page_route(html: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, html.encode(), {"Content-Type": "text/html; charset=utf-8"})

    return route


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with running_server() as srv:
        yield srv


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "news.db") as opened:
        yield opened


def refresh(store: Store, urls: list[str] | None = None, **options: Any) -> list[FeedReport]:
    options.setdefault("parse_in_processes", False)
    return refresh_feeds(store, urls, **options).reports


def one(store: Store, url: str, **options: Any) -> FeedReport:
    (report,) = refresh(store, [url], **options)
    return report


# --------------------------------------------------------------------------- web feeds


def test_refresh_stores_articles_then_says_not_modified(
    server: FeedServer, store: Store
) -> None:
    etag = 'W/"v1 Opaque/Value=="'
    server.routes["/feed"] = feed_route(rss("a", "b"), etag=etag)
    url = server.url("/feed")
    store.add_feed(url)

    first = one(store, url)
    assert (first.status, first.new, first.updated, first.error) == ("new", 2, 0, None)
    assert first.title == "Loopback Wire"
    feed = store.feed(url)
    assert feed is not None
    assert (feed.etag, feed.total, feed.unread, feed.title) == (etag, 2, 2, "Loopback Wire")
    assert feed.last_success is not None and feed.last_error is None

    second = one(store, url)
    assert second.status == "not_modified"
    assert server.seen("/feed")[1]["If-None-Match"] == etag  # sent back byte for byte
    assert store.count() == 2


def test_new_items_and_changed_items_are_counted(server: FeedServer, store: Store) -> None:
    server.routes["/feed"] = feed_route(rss("a", "b"))
    url = server.url("/feed")
    store.add_feed(url)
    one(store, url)
    server.routes["/feed"] = feed_route(rss("a", "b", "c"))
    assert (one(store, url).status, store.count()) == ("new", 3)
    server.routes["/feed"] = feed_route(rss("a", "b", "c", text="Corrected"))
    report = one(store, url)
    assert (report.status, report.new, report.updated) == ("updated", 0, 3)


def test_identical_body_without_validators_is_not_parsed(
    server: FeedServer, store: Store
) -> None:
    server.routes["/feed"] = feed_route(rss("a"))
    url = server.url("/feed")
    store.add_feed(url)
    one(store, url)
    report = one(store, url)
    assert report.status == "unchanged"
    assert len(server.seen("/feed")) == 2


def test_permanent_redirect_moves_the_feed_without_duplicates(
    server: FeedServer, store: Store
) -> None:
    server.routes["/old"] = lambda h: send(h, 301, headers={"Location": "/new"})
    server.routes["/new"] = feed_route(rss("a", "b"))
    old, new = server.url("/old"), server.url("/new")
    store.add_feed(old)
    report = one(store, old)
    assert (report.status, report.url, report.moved_from) == ("new", new, old)
    feed = store.feed(new)
    assert feed is not None
    assert (feed.url, feed.source, feed.total) == (new, old, 2)
    assert store.subscriptions() == [new]
    # Next time the new URL is fetched directly, and articles keep their identity.
    server.routes["/new"] = feed_route(rss("a", "b", "c"))
    again = one(store, new)
    assert (again.status, again.new) == ("new", 1)
    assert server.seen("/old") == [server.seen("/old")[0]]
    assert store.count() == 3


def test_temporary_redirect_does_not_move(server: FeedServer, store: Store) -> None:
    server.routes["/tmp"] = lambda h: send(h, 302, headers={"Location": "/real"})
    server.routes["/real"] = feed_route(rss("a"))
    url = server.url("/tmp")
    store.add_feed(url)
    report = one(store, url)
    assert (report.status, report.moved_from, report.url) == ("new", None, url)


def test_max_age_defers_the_next_refresh(server: FeedServer, store: Store) -> None:
    server.routes["/feed"] = feed_route(rss("a"), **{"Cache-Control": "public, max-age=3600"})
    url = server.url("/feed")
    store.add_feed(url)
    first = one(store, url)
    assert first.next_attempt is not None
    assert first.next_attempt > datetime.now(UTC) + timedelta(minutes=59)
    second = one(store, url)
    assert second.status == "deferred"
    assert len(server.seen("/feed")) == 1
    assert one(store, url, force=True).status == "unchanged"


def test_errors_are_reported_and_kept_per_feed(server: FeedServer, store: Store) -> None:
    server.routes["/ok"] = feed_route(rss("a"))
    server.routes["/busy"] = lambda h: send(h, 503, b"busy", {"Retry-After": "120"})
    server.routes["/page"] = page_route("<html><body>no feed here</body></html>")
    for path in ("/ok", "/busy", "/missing", "/page"):
        store.add_feed(server.url(path))
    summary = refresh_feeds(store, parse_in_processes=False)
    by_url = {report.url: report for report in summary.reports}
    assert summary.total == 4 and summary.failed == 3
    assert by_url[server.url("/ok")].status == "new"
    busy = by_url[server.url("/busy")]
    assert busy.status == "error" and busy.error is not None and "503" in busy.error
    assert busy.next_attempt is not None  # Retry-After honoured
    assert "404" in (by_url[server.url("/missing")].error or "")
    assert "HTML" in (by_url[server.url("/page")].error or "")
    stored = store.feed(server.url("/busy"))
    assert stored is not None and stored.error_count == 1 and "503" in (stored.last_error or "")
    assert one(store, server.url("/busy")).status == "deferred"


def test_hostile_reason_phrase_is_cleaned(server: FeedServer, store: Store) -> None:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(599, "Evil\x9b2J\x9d52;c;aGk= phrase")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server.routes["/evil"] = route
    url = server.url("/evil")
    store.add_feed(url)
    report = one(store, url)
    stored = store.feed(url)
    assert report.status == "error" and report.error and stored and stored.last_error
    for text in (report.error, stored.last_error):
        assert "\x9b" not in text and "\x9d" not in text and "599" in text


def test_unreachable_server_is_an_error_not_an_exception(store: Store) -> None:
    url = "http://127.0.0.1:9/feed"  # discard port: nothing listens
    store.add_feed(url)
    report = one(store, url, timeout=5)
    assert report.status == "error" and report.error


def test_deleted_article_stays_deleted_across_refreshes(
    server: FeedServer, store: Store
) -> None:
    server.routes["/feed"] = feed_route(rss("a", "b"))
    url = server.url("/feed")
    store.add_feed(url)
    one(store, url)
    [victim] = [h.key for h in store.headers() if h.title == "Item a"]
    store.delete_article(victim)
    server.routes["/feed"] = feed_route(rss("a", "b", "c"))
    report = one(store, url)
    assert (report.status, report.new) == ("new", 1)
    assert sorted(h.title for h in store.headers()) == ["Item b", "Item c"]


def test_retention_is_applied_on_refresh_and_spares_bookmarks(
    server: FeedServer, store: Store
) -> None:
    server.routes["/feed"] = feed_route(rss("a", "b", "c", "d"))
    url = server.url("/feed")
    store.add_feed(url)
    one(store, url)
    [oldest] = [h.key for h in store.headers() if h.title == "Item a"]
    store.set_bookmark(oldest, True)
    store.set_feed_retention(url, max_count=2)
    server.routes["/feed"] = feed_route(rss("a", "b", "c", "d", "e"))
    report = one(store, url)
    assert (report.new, report.removed) == (1, 2)
    assert sorted(h.title for h in store.headers()) == ["Item a", "Item d", "Item e"]
    server.routes["/feed"] = feed_route(rss("a", "b", "c", "d", "e", text="Edited"))
    report = one(store, url)
    assert report.new == 0 and report.removed == 0  # dropped ones do not churn back


def test_progress_callbacks_and_cancellation(server: FeedServer, store: Store) -> None:
    for n in range(4):
        server.routes[f"/f{n}"] = feed_route(rss(f"x{n}"))
        store.add_feed(server.url(f"/f{n}"))
    seen: list[tuple[int, int, str]] = []
    summary = refresh_feeds(
        store,
        parse_in_processes=False,
        concurrency=1,
        progress=lambda done, total, report: seen.append((done, total, report.status)),
        cancelled=lambda: len(seen) >= 2,
    )
    assert summary.cancelled
    assert [(done, total) for done, total, _ in seen] == [(1, 4), (2, 4)]
    assert len(summary.reports) == 2


def test_cancelled_before_start_fetches_nothing(server: FeedServer, store: Store) -> None:
    server.routes["/feed"] = feed_route(rss("a"))
    store.add_feed(server.url("/feed"))
    summary = refresh_feeds(store, parse_in_processes=False, cancelled=lambda: True)
    assert summary.cancelled and summary.reports == []
    assert server.requests == []


def test_refreshing_an_unknown_url_is_refused(store: Store) -> None:
    with pytest.raises(FeedsError, match="not subscribed"):
        refresh_feeds(store, ["https://nope.example/feed"])


def test_refresh_from_a_thread_worker(server: FeedServer, store: Store) -> None:
    """As the app will call it: from a thread, with a loop running elsewhere."""
    server.routes["/feed"] = feed_route(rss("a"))
    store.add_feed(server.url("/feed"))
    out: list[Any] = []
    worker = threading.Thread(
        target=lambda: out.append(refresh_feeds(store, parse_in_processes=False))
    )
    worker.start()
    worker.join(30)
    assert out and out[0].reports[0].status == "new"


# --------------------------------------------------------------------------- adding


PAGE = """<!doctype html><html><head><title>Wire</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Main" href="/feed">
<link rel="alternate" type="application/atom+xml" title="Comments" href="/comments">
</head><body>hello</body></html>"""


def test_add_a_page_subscribes_to_its_feed(server: FeedServer, store: Store) -> None:
    server.routes["/"] = page_route(PAGE)
    server.routes["/feed"] = feed_route(rss("a"))
    added = add_feed(store, server.url("/"), tags=["news"])
    assert added.created
    assert added.found_on == server.url("/")
    assert added.feed.url == server.url("/feed")
    assert added.feed.tags == ("news",)
    assert discover_feed(server.url("/")) == server.url("/feed")
    assert discover_feed(server.url("/feed")) == server.url("/feed")
    again = add_feed(store, server.url("/"))
    assert not again.created and again.feed.url == server.url("/feed")


def test_add_a_feed_url_directly(server: FeedServer, store: Store) -> None:
    server.routes["/feed"] = feed_route(rss("a"))
    added = add_feed(store, server.url("/feed"), title="My wire")
    assert (added.created, added.found_on, added.feed.display_title) == (True, None, "My wire")


def test_add_refuses_pages_without_feeds_and_non_feeds(server: FeedServer, store: Store) -> None:
    server.routes["/plain"] = page_route("<html><head></head><body>x</body></html>")
    server.routes["/image"] = lambda h: send(h, 200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    server.routes["/gone"] = lambda h: send(h, 404, b"")
    for path in ("/plain", "/image", "/gone"):
        with pytest.raises(FeedsError) as info:
            add_feed(store, server.url(path))
        assert "\n" not in str(info.value)
    assert store.feeds() == []
    assert discover_feed(server.url("/plain")) is None


def test_add_subscribes_anyway_when_the_host_is_down(store: Store) -> None:
    added = add_feed(store, "http://127.0.0.1:9/feed", timeout=5)
    assert added.created and added.note and "subscribed anyway" in added.note


def test_add_refuses_bad_specs(store: Store, tmp_path: Path) -> None:
    for spec in ("", "javascript:alert(1)", "ftp://example.org/feed", str(tmp_path / "nope")):
        with pytest.raises(FeedsError):
            add_feed(store, spec)
    assert store.feeds() == []


def test_add_without_check_fetches_nothing(server: FeedServer, store: Store) -> None:
    added = add_feed(store, server.url("/feed"), check=False)
    assert added.created and server.requests == []


def test_feed_links_resolve_against_base_and_skip_junk() -> None:
    page = b"""<html><head><base href="https://cdn.example/site/">
    <link rel="Alternate home" type="application/atom+xml; charset=utf-8" href="atom.xml">
    <link rel="alternate" type="application/feed+json" href="javascript:alert(1)">
    <link rel="alternate" type="text/html" href="/other">
    <link rel="alternate" type="application/rss+xml" href="atom.xml">
    <link rel=alternate type=application/feed+json href="https://j.example/feed.json"/>"""
    links = find_feed_links(page, "https://site.example/")
    assert [link.url for link in links] == [
        "https://cdn.example/site/atom.xml",
        "https://j.example/feed.json",
    ]
    assert find_feed_links(b"\xff\xfe<<<garbage", "https://x.example/") == []


# --------------------------------------------------------------------------- local files


def test_local_file_subscription_is_reread_and_mirrored(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "wire.xml"
    path.write_bytes(rss("a", "b"))
    added = add_feed(store, str(path))
    assert added.feed.kind == "file" and added.feed.url == str(path)
    assert find_feed(store, str(path)) is not None
    first = one(store, str(path))
    assert (first.status, first.new) == ("new", 2)
    assert one(store, str(path)).status == "unchanged"  # same size and times: not re-read

    [kept] = [h.key for h in store.headers() if h.title == "Item a"]
    store.set_bookmark(kept, True)
    path.write_bytes(rss("b", "c", title="Renamed Wire"))
    os.utime(path, ns=(1, 2))
    report = one(store, str(path))
    assert (report.status, report.new, report.removed) == ("new", 1, 1)
    assert sorted(h.title for h in store.headers()) == ["Item b", "Item c"]
    assert store.is_bookmarked(kept)  # the article left the file, the bookmark stays

    path.unlink()
    report = one(store, str(path))
    assert report.status == "error" and "gone" in (report.error or "")
    assert report.removed == 2
    assert store.count() == 0
    assert store.article(kept) is not None
    feed = store.feed(str(path))
    assert feed is not None and feed.last_error


def test_local_folder_subscription(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.txt").write_text("First note\n\nBerlin is big.\n")
    (folder / "sub" / "two.md").write_text("# Second note\n\nMunich too.\n")
    added = add_feed(store, str(folder), tags=["local"])
    assert added.feed.kind == "folder"
    report = one(store, str(folder))
    assert (report.status, report.new) == ("new", 2)
    feed = store.feed(str(folder))
    assert feed is not None and (feed.total, feed.title) == (2, "notes")

    (folder / "one.txt").unlink()
    report = one(store, str(folder))
    assert report.removed == 1
    assert store.count() == 1
    assert store.remove_feed(str(folder)) == 1
    assert store.count() == 0


def test_relative_paths_become_absolute(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("wire.xml").write_bytes(rss("a"))
    added = add_feed(store, "wire.xml")
    assert added.feed.url == str(tmp_path / "wire.xml")
    assert find_feed(store, "wire.xml") == added.feed


# --------------------------------------------------------------------------- OPML


OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="News">
    <outline type="rss" text="Wire" xmlUrl="https://wire.example/feed" htmlUrl="https://wire.example/"/>
    <outline type="rss" text="Tech" xmlUrl="https://tech.example/rss" category="/Tech,/Daily"/>
  </outline>
  <outline type="rss" text="Loose" xmlUrl="https://loose.example/atom"/>
  <outline type="rss" text="Again" xmlUrl="https://wire.example/feed"/>
  <outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
</body></opml>
"""


def test_import_opml_reports_duplicates_and_bad_entries(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "subs.opml"
    path.write_bytes(OPML)
    report = import_opml(store, path)
    assert (report.feeds, report.added, report.existing, report.duplicates) == (3, 3, 0, 1)
    assert len(report.problems) == 1 and "file" in report.problems[0]
    feeds = {feed.url: feed for feed in store.feeds()}
    assert feeds["https://wire.example/feed"].tags == ("News",)
    assert feeds["https://wire.example/feed"].user_title == "Wire"
    assert feeds["https://tech.example/rss"].tags == ("News", "Tech", "Daily")
    assert feeds["https://loose.example/atom"].tags == ()
    again = import_opml(store, path)
    assert (again.added, again.existing) == (0, 3)


def test_opml_round_trip_keeps_tags_and_titles(tmp_path: Path, store: Store) -> None:
    store.add_feed("https://a.example/feed", "Alpha", ["news", "daily"])
    store.add_feed("https://b.example/feed", None, ["tech"])
    store.add_feed("https://c.example/feed")
    store.update_feed_state("https://b.example/feed", title="Beta from the feed")
    local = tmp_path / "x.xml"
    local.write_bytes(rss("a"))
    store.add_feed(str(local))
    document = export_opml(store)
    assert str(local) not in document
    path = tmp_path / "out.opml"
    path.write_text(document, encoding="utf-8")
    with Store.open(tmp_path / "other.db") as other:
        report = import_opml(other, path)
        assert (report.added, report.problems) == (3, ())
        got = {feed.url: (feed.display_title, feed.tags) for feed in other.feeds()}
    assert got == {
        "https://a.example/feed": ("Alpha", ("news", "daily")),
        "https://b.example/feed": ("Beta from the feed", ("tech",)),
        "https://c.example/feed": ("https://c.example/feed", ()),
    }


def test_import_of_a_missing_or_broken_file_reports_it(tmp_path: Path, store: Store) -> None:
    report = import_opml(store, tmp_path / "nope.opml")
    assert report.feeds == 0 and report.problems
    (tmp_path / "bad.opml").write_bytes(b"\x89PNG not xml")
    report = import_opml(store, tmp_path / "bad.opml")
    assert report.feeds == 0 and report.problems


def test_refresh_stores_html_for_later_and_readers_see_the_text(
    server: FeedServer, store: Store
) -> None:
    """A refresh leaves html_to_text for later; reading, search and the background sync
    see exactly the text an eager parse gives."""
    import sqlite3

    from newsreader.query import parse_query
    from newsreader.sources.refresh import parse_body

    body = rss("1", "2", text="&lt;p&gt;Talks in &lt;a href='/cairo'&gt;Cairo&lt;/a&gt;&lt;/p&gt;")
    server.routes["/feed"] = feed_route(body)
    url = server.url("/feed")
    store.add_feed(url)
    (report,) = refresh(store)
    assert report.new == 2
    eager = {a.id: a.text for a in parse_body(body, url, url, "application/rss+xml")[0]}
    assert all("[1]" in text for text in eager.values())
    db = sqlite3.connect(store.path)
    try:
        assert db.execute("SELECT count(*) FROM pending_text").fetchone() == (2,)
    finally:
        db.close()
    for header in store.headers():
        article = store.article(header.key)
        assert article is not None and article.text == eager[article.id]
    assert len(store.search(parse_query("cairo"))) == 2
    store.sync_search_index()
    db = sqlite3.connect(store.path)
    try:
        assert db.execute("SELECT count(*) FROM pending_text").fetchone() == (0,)
    finally:
        db.close()
    # The same body again: nothing new, nothing updated.
    server.routes["/feed"] = feed_route(body + b" ")
    (again,) = refresh(store)
    assert (again.new, again.updated) == (0, 0)


def test_many_304s_are_written_in_batches_and_each_reported(
    server: FeedServer, store: Store
) -> None:
    """More 304s than one batch: every feed reported once, every state written."""
    urls = []
    for n in range(70):
        server.routes[f"/m{n}"] = feed_route(rss(f"m{n}"), etag=f'"m{n}"')
        urls.append(server.url(f"/m{n}"))
        store.add_feed(urls[-1])
    assert {r.status for r in refresh(store)} == {"new"}
    before = {feed.url: feed.last_attempt for feed in store.feeds()}
    done: list[int] = []
    summary = refresh_feeds(
        store, parse_in_processes=False, concurrency=8,
        progress=lambda count, total, report: done.append(count),
    )
    assert sorted(r.url for r in summary.reports) == sorted(urls)
    assert {r.status for r in summary.reports} == {"not_modified"}
    assert done == list(range(1, 71))  # progress still counts one feed at a time
    for feed in store.feeds():
        assert feed.etag == f'"{feed.url.rsplit("/", 1)[1]}"'
        assert feed.last_attempt is not None and feed.last_attempt > before[feed.url]
        assert feed.last_error is None


def test_cancelling_among_waiting_304s_still_records_them(
    server: FeedServer, store: Store
) -> None:
    for n in range(6):
        server.routes[f"/c{n}"] = feed_route(rss(f"c{n}"), etag=f'"c{n}"')
        store.add_feed(server.url(f"/c{n}"))
    refresh(store)
    first_round = len(server.requests)
    seen: list[str] = []
    summary = refresh_feeds(
        store, parse_in_processes=False, concurrency=1,
        on_result=lambda report: seen.append(report.status),
        cancelled=lambda: len(server.requests) > first_round,  # once a 304 has come
    )
    assert summary.cancelled
    assert seen and set(seen) == {"not_modified"}
    assert len(summary.reports) == len(seen) < 6
