"""Articles, read state, bookmarks, subscriptions and threads in the SQLite store."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.entities import Span
from newsreader.models import Article
from newsreader.sanitize import clean_key, strip_unsafe
from newsreader.store import Store
from newsreader.store.convert import from_db_time, to_db_time

ENGINE = "test:1"


def make(
    article_id: str = "a1",
    *,
    source: str = "https://example.org/feed",
    title: str = "Title",
    text: str = "Some text.",
    published: datetime | None = datetime(2024, 5, 1, 12, tzinfo=UTC),
    **extra: object,
) -> Article:
    return Article(
        id=article_id,
        source=source,
        source_name="Example",
        title=title,
        text=text,
        published=published,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "news.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        yield opened


# --- articles -----------------------------------------------------------------


def test_add_and_read_back_every_field(store: Store) -> None:
    article = make(
        link="https://example.org/a1",
        author="Jane Doe",
        caption="A picture",
        summary_only=True,
        published=datetime(2024, 5, 1, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2))),
    )
    [key] = store.add_articles([article])
    got = store.article(key)
    assert got == article  # datetimes compare by instant
    assert got is not None and got.published is not None
    assert got.published.tzinfo is UTC
    assert got.published == datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    assert store.article(key + 1000) is None


def test_dedup_by_source_and_id(store: Store) -> None:
    first = store.add_articles([make("a"), make("b"), make("a", source="other")])
    again = store.add_articles([make("b"), make("a")])
    assert len(set(first)) == 3
    assert again == [first[1], first[0]]
    assert store.count() == 3


def test_same_id_twice_in_one_batch_keeps_the_last(store: Store) -> None:
    keys = store.add_articles([make("a", title="old"), make("a", title="new")])
    assert keys[0] == keys[1]
    article = store.article(keys[0])
    assert article is not None and article.title == "new"


def test_changed_text_updates_and_clears_entities(store: Store) -> None:
    [key] = store.add_articles([make(text="Paris is big.")])
    store.save_entities(key, ENGINE, [Span(0, 5, "GPE", "Paris")])
    store.set_read(key)
    store.set_bookmark(key, True)

    # Same content again (other metadata changed): entities stay.
    store.add_articles([make(text="Paris is big.", author="Someone")])
    assert store.entities(key, ENGINE) is not None

    assert store.add_articles([make(text="Rome is old.")]) == [key]
    article = store.article(key)
    assert article is not None and article.text == "Rome is old."
    assert store.entities(key, ENGINE) is None
    header = store.header(key)
    assert header is not None and header.read and header.bookmarked
    # the bookmark copy follows the live article
    assert store.bookmarks()[0].article.text == "Rome is old."


def test_headers_newest_first_undated_last_then_by_title(store: Store) -> None:
    day = datetime(2024, 1, 1, tzinfo=UTC)
    store.add_articles(
        [
            make("old", title="Old", published=day),
            make("u2", title="beta undated", published=None),
            make("new", title="New", published=day + timedelta(days=2)),
            make("u1", title="Alpha undated", published=None),
            make("mid-b", title="B same time", published=day + timedelta(days=1)),
            make("mid-a", title="a same time", published=day + timedelta(days=1)),
            # an earlier instant written in a zone where the clock shows a later time
            make(
                "tz",
                title="Zoned",
                published=datetime(2024, 1, 1, 5, tzinfo=timezone(timedelta(hours=9))),
            ),
        ]
    )
    titles = [h.title for h in store.headers()]
    assert titles == [
        "New",
        "a same time",
        "B same time",
        "Old",
        "Zoned",
        "Alpha undated",
        "beta undated",
    ]
    assert all(h.published is None or h.published.tzinfo is UTC for h in store.headers())


def test_naive_published_is_taken_as_utc(store: Store) -> None:
    [key] = store.add_articles([make(published=datetime(2024, 5, 1, 12))])
    header = store.header(key)
    assert header is not None
    assert header.published == datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_unrepresentable_date_becomes_none(store: Store) -> None:
    odd = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    [key] = store.add_articles([make(published=odd)])
    header = store.header(key)
    assert header is not None and header.published is None


def test_read_state(store: Store) -> None:
    a, b = store.add_articles([make("a"), make("b")])
    store.set_read(a)
    assert [(h.key, h.read) for h in store.headers() if h.key in (a, b)] == [(a, True), (b, False)]
    assert store.count(unread_only=True) == 1
    store.set_read(a, False)
    header = store.header(a)
    assert header is not None and not header.read
    assert store.mark_all_read("https://example.org/feed") == 2
    assert store.count(unread_only=True) == 0
    store.set_read(9999)  # unknown key: nothing happens


def test_read_state_survives_readd(store: Store) -> None:
    [key] = store.add_articles([make()])
    store.set_read(key)
    store.add_articles([make(title="Retitled")])
    header = store.header(key)
    assert header is not None and header.read and header.title == "Retitled"


def test_hostile_text_is_cleaned_but_clean_text_is_kept_exactly(store: Store) -> None:
    text = "Line one\twith tab.\n\nLine \x1b[31mtwo\x1b[0m\x07 \u202eevil\x9b.\r\n"
    title = "Bad\x1b]8;;http://x\x07title\nsplit"
    [key] = store.add_articles([make(title=title, text=text, author="[bold]me[/]")])
    article = store.article(key)
    assert article is not None
    assert article.text == "Line one\twith tab.\n\nLine two evil.\n"
    assert article.title == "Badtitle split"
    assert article.author == "[bold]me[/]"  # markup is data; the UI escapes it
    clean = "Plain\ttext\n\nwith ünïcode — and “quotes”."
    [key2] = store.add_articles([make("b", text=clean)])
    stored = store.article(key2)
    assert stored is not None and stored.text == clean


def test_lone_surrogates_do_not_break_storage(store: Store) -> None:
    source = "/news/caf\udce9.txt"  # a file name that was not valid UTF-8
    [key] = store.add_articles([make(source=source)])
    header = store.header(key)
    assert header is not None and header.source == "/news/caf\ufffd.txt"
    assert store.delete_source(source) == 1


BAD_CHARS = set(map(chr, [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]))
BAD_CHARS |= set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@given(st.text())
def test_cleaning_never_leaves_controls_and_is_idempotent(value: str) -> None:
    text = strip_unsafe(value)
    line = clean_key(value)
    assert not BAD_CHARS & set(text)
    assert not (BAD_CHARS | {"\n", "\t"}) & set(line)
    assert strip_unsafe(text) == text
    assert clean_key(line) == line
    text.encode()  # valid UTF-8


FIXED_ZONES = st.builds(
    timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))
)


@given(st.datetimes(timezones=FIXED_ZONES), st.datetimes(timezones=FIXED_ZONES))
def test_stored_times_round_trip_and_sort_as_text(first: datetime, second: datetime) -> None:
    stored = [to_db_time(first), to_db_time(second)]
    if None in stored:  # only at the very ends of the calendar
        return
    a, b = stored
    assert a is not None and b is not None
    back = from_db_time(a)
    assert back == first and back is not None and back.tzinfo is UTC
    assert (a < b) == (first < second)
    assert len(a) == len("2024-01-01T00:00:00.000000+00:00")


# --- bookmarks ----------------------------------------------------------------


def test_bookmark_seen_by_a_new_store_on_the_same_file(db_path: Path) -> None:
    with Store.open(db_path) as first:
        [key] = first.add_articles([make()])
        assert first.toggle_bookmark(key) is True
    with Store.open(db_path) as second:
        [bookmark] = second.bookmarks()
        assert bookmark.key == key
        assert bookmark.article == make()
        assert bookmark.bookmarked_at.tzinfo is UTC
        assert abs(bookmark.bookmarked_at - datetime.now(UTC)) < timedelta(days=1)
        assert second.bookmark_count() == 1
        assert [h.key for h in second.headers(bookmarked_only=True)] == [key]


def test_toggle_and_set_bookmark(store: Store) -> None:
    a, b = store.add_articles([make("a"), make("b")])
    assert store.toggle_bookmark(a) is True
    assert store.toggle_bookmark(a) is False
    store.set_bookmark(b, True)
    first_time = store.bookmarks()[0].bookmarked_at
    store.set_bookmark(b, True)  # already on: keeps the original time
    assert store.bookmarks()[0].bookmarked_at == first_time
    assert store.is_bookmarked(b) and not store.is_bookmarked(a)
    assert [h.key for h in store.headers() if h.bookmarked] == [b]
    store.set_bookmark(b, False)
    assert store.bookmarks() == []
    assert store.toggle_bookmark(12345) is False  # unknown key
    assert store.bookmark_count() == 0


def test_bookmarks_newest_bookmark_first(store: Store) -> None:
    keys = store.add_articles([make(str(i)) for i in range(5)])
    for key in (keys[2], keys[0], keys[4]):
        store.set_bookmark(key, True)
    assert [b.key for b in store.bookmarks()] == [keys[4], keys[0], keys[2]]


def test_bookmark_survives_delete_source(store: Store) -> None:
    kept, dropped = store.add_articles([make("kept", text="Berlin."), make("dropped")])
    [other] = store.add_articles([make("x", source="other")])
    store.set_bookmark(kept, True)
    store.set_read(kept)
    store.save_entities(kept, ENGINE, [Span(0, 6, "GPE", "Berlin")])
    assert store.delete_source("https://example.org/feed") == 2

    assert store.article(dropped) is None
    assert store.header(dropped) is None
    assert [h.key for h in store.headers()] == [other]
    assert store.count() == 1
    # the bookmarked one is still readable, under the same key, with its state
    article = store.article(kept)
    assert article is not None and article.id == "kept" and article.text == "Berlin."
    header = store.header(kept)
    assert header is not None and header.bookmarked and header.read
    assert [h.key for h in store.headers(bookmarked_only=True)] == [kept]
    assert [b.key for b in store.bookmarks()] == [kept]
    assert store.entities(kept, ENGINE) is not None
    assert [h.key for h in store.articles_mentioning("GPE", "berlin")] == [kept]

    # the article comes back: same key, bookmark and read state intact
    [again] = store.add_articles([make("kept", text="Berlin.")])
    assert again == kept
    header = store.header(kept)
    assert header is not None and header.bookmarked and header.read
    assert store.entities(kept, ENGINE) is not None

    # keys are never reused for new articles
    [new] = store.add_articles([make("brand-new")])
    assert new not in (kept, dropped, other)


def test_unbookmarking_an_orphan_forgets_it(store: Store) -> None:
    [key] = store.add_articles([make()])
    store.set_bookmark(key, True)
    store.save_entities(key, ENGINE, [Span(0, 4, "ORG", "Some")])
    store.delete_source("https://example.org/feed")
    store.set_bookmark(key, False)
    assert store.article(key) is None
    assert store.entities(key, ENGINE) is None
    assert store.articles_mentioning("ORG", "Some") == []


def test_delete_source_keep_ids(store: Store) -> None:
    keys = store.add_articles([make("a"), make("b"), make("c"), make("z", source="other")])
    assert store.delete_source("https://example.org/feed", keep_ids=["b", "unknown"]) == 2
    assert sorted(h.key for h in store.headers()) == [keys[1], keys[3]]
    assert store.delete_source("https://example.org/feed", keep_ids=[]) == 1


# --- subscriptions ------------------------------------------------------------


def test_subscriptions(store: Store) -> None:
    assert store.subscriptions() == []
    assert store.add_subscription("https://a.example/feed") is True
    assert store.add_subscription("https://b.example/feed", title="B") is True
    assert store.add_subscription("https://a.example/feed", title="A") is False
    assert store.subscriptions() == ["https://a.example/feed", "https://b.example/feed"]
    assert store.remove_subscription("https://a.example/feed") is True
    assert store.remove_subscription("https://a.example/feed") is False
    assert store.subscriptions() == ["https://b.example/feed"]


# --- threads ------------------------------------------------------------------


def test_two_threads_writing_concurrently(store: Store) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(source: str) -> None:
        try:
            barrier.wait()
            for i in range(50):
                [key] = store.add_articles([make(str(i), source=source)])
                store.set_read(key)
                store.toggle_bookmark(key)
                store.headers()
        except BaseException as exc:  # collected and re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count() == 100
    assert store.bookmark_count() == 100
    assert store.count(unread_only=True) == 0


def test_two_stores_on_one_file_in_threads(db_path: Path) -> None:
    errors: list[BaseException] = []

    def writer(source: str) -> None:
        try:
            with Store.open(db_path) as own:
                for i in range(30):
                    own.add_articles([make(str(i), source=source)])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("one", "two", "three")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.open(db_path) as store:
        assert store.count() == 90


def test_headers_are_dataclasses_with_plain_values(store: Store) -> None:
    store.add_articles([replace(make(), title="[red]not markup[/red]")])
    [header] = store.headers()
    assert header.title == "[red]not markup[/red]"
    assert isinstance(header.key, int) and isinstance(header.read, bool)


def test_headers_query_reads_only_the_covering_index(store: Store) -> None:
    """headers() must stay one index scan at 100k rows: no sort step, no row lookups."""
    from newsreader.store.core import _BOOKMARK_HEADERS_SQL, _HEADERS_SQL

    db = store._db
    assert db is not None
    plan = " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + _HEADERS_SQL))
    assert "SCAN a USING COVERING INDEX articles_by_date" in plan
    assert "TEMP B-TREE" not in plan
    plan = " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + _BOOKMARK_HEADERS_SQL))
    assert "TEMP B-TREE" not in plan
