"""Subscriptions in the store: migration from schema 1, feed CRUD, state, tombstones, retention."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.models import Article
from newsreader.store import Feed, FeedSpec, Store, StoreError, schema
from newsreader.store.connection import connect

URL = "https://example.org/feed.xml"


def make(
    article_id: str,
    *,
    source: str = URL,
    published: datetime | None = datetime(2024, 5, 1, 12, tzinfo=UTC),
    text: str = "Some text.",
) -> Article:
    return Article(
        id=article_id,
        source=source,
        source_name="Example",
        title=f"Title {article_id}",
        text=text,
        published=published,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "news.db") as opened:
        yield opened


def only(store: Store) -> Feed:
    (feed,) = store.feeds()
    return feed


# --------------------------------------------------------------------------- migration


def test_schema_1_database_is_migrated_with_data_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    folder = tmp_path / "notes"
    folder.mkdir()
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    db = connect(path)  # a schema-1 file, written as schema 1 wrote it
    monkeypatch.undo()
    now = "2024-05-01T12:00:00.000000+00:00"
    key = db.execute(
        "INSERT INTO articles (source, article_id, source_name, title, text, content_hash, "
        "first_seen, updated) VALUES (?, 'a1', 'Example', 'Title', 'Text.', x'00', ?, ?)",
        (URL, now, now),
    ).lastrowid
    db.execute(
        "INSERT INTO bookmarks (article_key, bookmarked_at, source, article_id, source_name, "
        "title, text, content_hash) VALUES (?, ?, ?, 'a1', 'Example', 'Title', 'Text.', x'00')",
        (key, now, URL),
    )
    for url, title, added in (
        (URL, "My title", "2024-01-01T00:00:00.000000+00:00"),
        (str(folder), None, "2024-01-02T00:00:00.000000+00:00"),
    ):
        db.execute(
            "INSERT INTO subscriptions (url, title, added_at) VALUES (?, ?, ?)",
            (url, title, added),
        )
    db.close()

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    with Store.open(path) as store:
        assert store.subscriptions() == [URL, str(folder)]
        web, local = store.feeds()
        assert (web.url, web.source, web.kind, web.user_title) == (URL, URL, "url", "My title")
        assert web.added_at == datetime(2024, 1, 1, tzinfo=UTC)
        assert (web.total, web.unread, web.tags) == (1, 1, ())
        assert local.kind == "folder"
        assert key is not None and store.is_bookmarked(key)
        assert store.article(key) is not None
        assert store.tombstones(URL) == []
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version()


def test_migration_2_is_appended_never_replacing_1() -> None:
    assert schema.MIGRATIONS[0].__name__ == "_create_schema_1"
    assert schema.schema_version() >= 2


def test_fresh_database_has_feed_columns(tmp_path: Path) -> None:
    db = connect(tmp_path / "fresh.db")
    columns = {row[1] for row in db.execute("PRAGMA table_info(subscriptions)")}
    db.close()
    assert {
        "url", "source", "kind", "title", "user_title", "tags", "etag", "last_modified",
        "body_hash", "next_attempt", "last_success", "last_error", "error_count", "added_at",
        "max_age_days", "max_count",
    } <= columns


# --------------------------------------------------------------------------- CRUD


def test_add_feed_and_read_it_back(store: Store) -> None:
    assert store.add_feed(URL, "Mine", ["world", " news ", "world", ""]) is True
    feed = only(store)
    assert feed.url == feed.source == URL
    assert feed.kind == "url"
    assert feed.user_title == "Mine"
    assert feed.display_title == "Mine"
    assert feed.tags == ("world", "news")
    assert feed.added_at is not None
    assert (feed.unread, feed.total, feed.error_count) == (0, 0, 0)
    assert store.feed(URL) == feed
    assert store.feed("https://other.example/") is None


def test_adding_again_merges_tags_only(store: Store) -> None:
    store.add_feed(URL, "Mine", ["a"])
    assert store.add_feed(URL, "Other", ["b", "a"]) is False
    feed = only(store)
    assert feed.tags == ("a", "b")
    assert feed.user_title == "Mine"


def test_add_feeds_in_one_go(store: Store) -> None:
    specs = [FeedSpec(URL, "A", ("x",)), FeedSpec("https://b.example/f"), FeedSpec(URL)]
    assert store.add_feeds(specs) == [True, True, False]
    assert [feed.url for feed in store.feeds()] == [URL, "https://b.example/f"]


def test_add_feed_refuses_empty_and_cleans_hostile_text(store: Store) -> None:
    with pytest.raises(StoreError):
        store.add_feed("   ")
    store.add_feed(URL, "Evil\x1b]52;c;aGk=\x07 title\u202e", ["t\x1b[2Jag"])
    feed = only(store)
    assert "\x1b" not in (feed.user_title or "") and "\u202e" not in (feed.user_title or "")
    assert feed.tags == ("tag",)


def test_rename_tag_and_retention_settings(store: Store) -> None:
    store.add_feed(URL)
    assert store.rename_feed(URL, "  New name ") is True
    assert only(store).user_title == "New name"
    assert store.rename_feed(URL, "") is True
    assert only(store).user_title is None
    assert store.set_feed_tags(URL, ["b", "a"]) is True
    assert only(store).tags == ("b", "a")
    assert store.set_feed_retention(URL, 30, 100) is True
    assert (only(store).max_age_days, only(store).max_count) == (30.0, 100)
    with pytest.raises(StoreError):
        store.set_feed_retention(URL, 0, None)
    with pytest.raises(StoreError):
        store.set_feed_retention(URL, None, 0)
    assert store.rename_feed("https://nope.example/", "x") is False


def test_tags_are_json_in_the_database(store: Store) -> None:
    store.add_feed(URL, tags=["Ünïcode", "b"])
    assert store._db is not None
    raw = store._db.execute("SELECT tags FROM subscriptions").fetchone()[0]
    assert json.loads(raw) == ["Ünïcode", "b"]


def test_unread_and_total_counts(store: Store) -> None:
    store.add_feed(URL)
    store.add_feed("https://b.example/f")
    keys = store.add_articles([make("1"), make("2"), make("3"), make("x", source="elsewhere")])
    store.set_read(keys[0])
    first, second = store.feeds()
    assert (first.unread, first.total) == (2, 3)
    assert (second.unread, second.total) == (0, 0)


def test_folder_counts_cover_its_files_but_not_neighbours(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    store.add_feed(str(folder), kind="folder")
    store.add_articles(
        [
            make("1", source=f"{folder}/a.txt"),
            make("2", source=f"{folder}/sub/b.md"),
            make("3", source=f"{folder}-other/c.txt"),  # a sibling folder with a longer name
            make("4", source=f"{folder}0/d.txt"),
        ]
    )
    feed = only(store)
    assert (feed.kind, feed.total) == ("folder", 2)
    assert sorted(store.feed_sources(str(folder))) == [f"{folder}/a.txt", f"{folder}/sub/b.md"]


def test_remove_feed_deletes_articles_but_not_bookmarks(store: Store) -> None:
    store.add_feed(URL)
    kept, dropped = store.add_articles([make("kept"), make("dropped")])
    [other] = store.add_articles([make("x", source="https://other.example/")])
    store.set_bookmark(kept, True)
    assert store.remove_feed(URL) == 2
    assert store.feeds() == []
    assert store.article(dropped) is None
    assert store.article(kept) is not None  # the bookmark's copy
    assert store.is_bookmarked(kept)
    assert store.article(other) is not None
    assert store.remove_feed(URL) is None


def test_old_subscription_api_still_works(store: Store) -> None:
    assert store.add_subscription(URL) is True
    assert store.add_subscription(URL, title="T") is False
    assert only(store).user_title == "T"
    store.add_articles([make("a")])
    assert store.remove_subscription(URL) is True
    assert store.subscriptions() == []
    assert store.count() == 1  # remove_subscription keeps articles


# --------------------------------------------------------------------------- refresh state


def test_update_feed_state_success_and_error(store: Store) -> None:
    store.add_feed(URL)
    later = datetime.now(UTC) + timedelta(hours=1)
    etag = 'W/"Opaque  Value"'
    modified = "Fri, 03 Jan 2025 10:00:00 GMT"
    assert store.update_feed_state(
        URL, etag=etag, last_modified=modified, body_hash="abc", next_attempt=later, title="Feed"
    ) == URL
    feed = only(store)
    assert (feed.etag, feed.last_modified, feed.body_hash) == (etag, modified, "abc")
    assert feed.next_attempt is not None
    assert abs(feed.next_attempt - later) < timedelta(milliseconds=1)
    assert feed.last_success is not None and feed.last_attempt == feed.last_success
    assert feed.title == "Feed" and feed.display_title == "Feed"

    store.update_feed_state(URL, etag=etag, error="HTTP 500 oops\nsecond line")
    store.update_feed_state(URL, etag=etag, error="timed out")
    feed = only(store)
    assert feed.last_error == "timed out"
    assert feed.error_count == 2
    assert feed.title == "Feed"  # a failed attempt does not forget the title
    store.update_feed_state(URL)
    assert (only(store).last_error, only(store).error_count) == (None, 0)
    assert store.update_feed_state("https://nope.example/") is None


def test_validators_with_control_characters_are_dropped_not_altered(store: Store) -> None:
    store.add_feed(URL)
    store.update_feed_state(URL, etag='"a\x9b2J"', last_modified="Mon\x1b[2J")
    feed = only(store)
    assert (feed.etag, feed.last_modified) == (None, None)


def test_permanent_move_changes_url_not_source(store: Store) -> None:
    store.add_feed(URL)
    store.add_articles([make("a")])
    moved = "https://new.example/feed"
    assert store.update_feed_state(URL, new_url=moved) == moved
    feed = only(store)
    assert (feed.url, feed.source, feed.total) == (moved, URL, 1)
    assert store.feed(URL) == feed  # the old URL still names it
    assert store.subscriptions() == [moved]
    assert store.add_feed(URL) is False  # not subscribed twice under its old URL


def test_move_onto_another_subscription_keeps_the_old_url(store: Store) -> None:
    other = "https://other.example/feed"
    store.add_feed(URL)
    store.add_feed(other)
    assert store.update_feed_state(URL, new_url=other) == URL
    assert [feed.url for feed in store.feeds()] == [URL, other]


# --------------------------------------------------------------------------- tombstones


def test_deleted_article_stays_deleted(store: Store) -> None:
    [key] = store.add_articles([make("a")])
    assert store.delete_article(key) is True
    assert store.article(key) is None
    assert store.delete_article(key) is False
    ingested = store.store_articles([make("a"), make("b")])
    assert (ingested.new, ingested.skipped, len(ingested.keys)) == (1, 1, 1)
    assert store.add_articles([make("a")]) == []
    assert store.tombstones(URL) == ["a"]
    assert store.store_articles([make("a")]).skipped == 1


def test_deleting_a_bookmarked_article_keeps_the_bookmark_copy(store: Store) -> None:
    [key] = store.add_articles([make("a")])
    store.set_bookmark(key, True)
    assert store.delete_article(key) is True
    assert store.is_bookmarked(key)
    assert store.article(key) is not None
    assert [h.key for h in store.headers()] == []
    assert [h.key for h in store.headers(bookmarked_only=True)] == [key]
    assert store.add_articles([make("a")]) == []  # still deleted from the list


def test_store_articles_counts(store: Store) -> None:
    first = store.store_articles([make("a"), make("b")])
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    again = store.store_articles([make("a"), make("b", text="Changed.")])
    assert (again.new, again.updated, again.unchanged) == (0, 1, 1)
    assert again.keys == first.keys


def test_remove_feed_clears_its_tombstones(store: Store) -> None:
    store.add_feed(URL)
    [key] = store.add_articles([make("a")])
    store.delete_article(key)
    store.remove_feed(URL)
    assert store.tombstones(URL) == []
    assert len(store.add_articles([make("a")])) == 1


def test_prune_tombstones_forgets_only_old_absent_ones(store: Store) -> None:
    keys = store.add_articles([make("old-gone"), make("old-present"), make("new-gone")])
    for key in keys:
        store.delete_article(key)
    assert store._db is not None
    store._db.execute(
        "UPDATE tombstones SET deleted_at = '2000-01-01T00:00:00.000000+00:00' "
        "WHERE article_id LIKE 'old-%'"
    )
    assert store.prune_tombstones(URL, ["old-present"]) == 1
    assert store.tombstones(URL) == ["new-gone", "old-present"]


# --------------------------------------------------------------------------- retention


def test_retention_by_count_keeps_newest_and_bookmarks(store: Store) -> None:
    base = datetime(2024, 1, 1, tzinfo=UTC)
    batch = [make(str(i), published=base + timedelta(days=i)) for i in range(6)]
    keys = store.add_articles(batch)
    store.set_bookmark(keys[0], True)  # the oldest, bookmarked
    assert store.apply_retention(URL, max_count=2) == 3
    left = sorted(int(h.title.split()[-1]) for h in store.headers())
    assert left == [0, 4, 5]
    # What retention dropped does not come back while the feed still sends it.
    again = store.store_articles(batch)
    assert again.skipped == 3 and again.new == 0
    assert store.apply_retention(URL, max_count=2) == 0


def test_retention_by_age_uses_first_seen_when_undated(store: Store) -> None:
    now = datetime.now(UTC)
    store.add_articles(
        [
            make("old", published=now - timedelta(days=40)),
            make("recent", published=now - timedelta(days=2)),
            make("undated", published=None),
        ]
    )
    assert store.apply_retention(URL, max_age_days=30) == 1
    assert sorted(h.title for h in store.headers()) == ["Title recent", "Title undated"]
    later = now + timedelta(days=100)
    [bookmarked] = [h.key for h in store.headers() if h.title == "Title recent"]
    store.set_bookmark(bookmarked, True)
    assert store.apply_retention(URL, max_age_days=30, now=later) == 1
    assert [h.title for h in store.headers()] == ["Title recent"]


def test_retention_without_limits_keeps_everything(store: Store) -> None:
    store.add_articles([make(str(i)) for i in range(3)])
    assert store.apply_retention(URL) == 0
    assert store.count() == 3


def test_retention_only_touches_its_source(store: Store) -> None:
    store.add_articles([make("a"), make("b", source="https://other.example/")])
    assert store.apply_retention(URL, max_count=1) == 0
    assert store.apply_retention("https://other.example/", max_age_days=1) == 1
    assert store.count() == 1


def test_update_feed_states_writes_many_in_one_call(tmp_path: Path) -> None:
    from newsreader.store import FeedStateUpdate

    with Store.open(tmp_path / "s.db") as store:
        store.add_feed("https://a.example/feed")
        store.add_feed("https://b.example/feed")
        stored = store.update_feed_states([
            FeedStateUpdate("https://a.example/feed", etag='"1"'),
            FeedStateUpdate("https://b.example/feed", error="HTTP 500"),
            FeedStateUpdate("https://nowhere.example/feed"),
            FeedStateUpdate("https://a.example/feed", new_url="https://a.example/moved",
                            etag='"2"'),
        ])
        assert stored == [
            "https://a.example/feed", "https://b.example/feed", None, "https://a.example/moved",
        ]
        a = store.feed("https://a.example/moved")
        b = store.feed("https://b.example/feed")
        assert a is not None and b is not None
        assert (a.etag, a.last_error, a.last_success is not None) == ('"2"', None, True)
        assert (b.last_error, b.error_count) == ("HTTP 500", 1)
