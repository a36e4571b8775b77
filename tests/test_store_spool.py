"""Pending HTML in spool files beside the database (store/spool.py): written once,
read back only when intact, swept when nothing refers to it, and a lost body
costs a refetch of its feed, never a wrong text or a traceback."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.content import html_to_text
from newsreader.models import Article
from newsreader.store import FeedSpec, FeedStateUpdate, Store
from newsreader.store.spool import Spool, digest
from test_store_pending_html import raw

BASE = "https://wire.example/feed.xml"
SOURCE = "https://wire.example/feed.xml"
HTML = "<p>Talks in <b>Cairo</b> went on. Ünïcode — too.</p>"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "s.db") as opened:
        opened.add_feeds([FeedSpec(SOURCE)])
        opened.update_feed_states(
            [FeedStateUpdate(SOURCE, etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT",
                             body_hash="abc")]
        )
        yield opened


def shell(article_id: str = "0", **fields: object) -> Article:
    values: dict[str, object] = dict(
        id=article_id, source=SOURCE, source_name="Wire", title="Talks", text=""
    )
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def spool_files(store: Store) -> list[Path]:
    folder = Path(store.path).with_name(Path(store.path).name + "-pending")
    return sorted(folder.glob("*.html")) if folder.is_dir() else []


def add(store: Store, *bodies: str | bytes) -> list[int]:
    articles = [shell(str(i)) for i in range(len(bodies))]
    return store.store_articles(articles, pending_html=list(bodies), base_url=BASE).keys


def test_pending_html_goes_to_one_spool_file_not_the_database(store: Store) -> None:
    keys = add(store, HTML, HTML.encode(), "<p>Third.</p>")
    (spooled,) = spool_files(store)
    rows = raw(store, "SELECT key, html, spool, spool_offset, spool_length FROM pending_text "
                      "ORDER BY key")
    assert [row[0] for row in rows] == keys
    assert all(row[1] == "" and row[2] == spooled.name for row in rows)
    # Back to back in one write, in order.
    body = HTML.encode()
    assert [(row[3], row[4]) for row in rows] == [
        (0, len(body)), (len(body), len(body)), (2 * len(body), len(b"<p>Third.</p>"))
    ]
    assert spooled.read_bytes() == body + body + b"<p>Third.</p>"
    article = store.article(keys[0])
    assert article is not None and article.text == html_to_text(HTML, BASE)


def test_converting_everything_sweeps_the_files(store: Store) -> None:
    add(store, HTML)
    assert len(spool_files(store)) == 1
    assert store.convert_pending() == 1
    assert spool_files(store) == []
    assert raw(store, "SELECT text FROM articles") == [(html_to_text(HTML, BASE),)]


def test_a_spool_file_still_referred_to_survives_close(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        (key,) = add(store, HTML)
    with Store.open(tmp_path / "s.db") as store:
        assert len(spool_files(store)) == 1
        article = store.article(key)
        assert article is not None and article.text == html_to_text(HTML, BASE)


def test_close_sweeps_a_file_nothing_refers_to(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    (key,) = add(store, HTML)
    assert store.delete_article(key)  # its pending row goes with it
    assert len(spool_files(store)) == 1
    store.close()
    assert spool_files(store) == []


@pytest.mark.parametrize("damage", ["deleted", "truncated", "zeroed", "replaced"])
def test_lost_html_means_a_full_refetch_not_a_wrong_text(store: Store, damage: str) -> None:
    # As after a power cut before the spool reached the disk, or a folder deleted by hand.
    (key,) = add(store, HTML)
    (spooled,) = spool_files(store)
    size = spooled.stat().st_size
    if damage == "deleted":
        spooled.unlink()
    elif damage == "truncated":
        spooled.write_bytes(spooled.read_bytes()[: size // 2])
    elif damage == "zeroed":
        spooled.write_bytes(b"\0" * size)
    else:
        spooled.write_bytes(b"<p>Other words here!</p>".ljust(size, b" ")[:size])
    article = store.article(key)
    assert article is not None and article.text == ""  # never another body's text
    assert store.convert_pending() == 1
    assert raw(store, "SELECT count(*) FROM pending_text") == [(0,)]
    (feed,) = store.feeds()
    # Validators and body hash cleared: the next refresh fetches and parses in full ...
    assert (feed.etag, feed.last_modified, feed.body_hash) == (None, None, None)
    # ... and the feed's body then gives the article its text as an update.
    again = store.store_articles([shell()], pending_html=[HTML], base_url=BASE)
    assert again.updated == 1
    article = store.article(key)
    assert article is not None and article.text == html_to_text(HTML, BASE)


def test_the_same_body_again_is_unchanged_without_reading_the_file(store: Store) -> None:
    (key,) = add(store, HTML)
    (spooled,) = spool_files(store)
    spooled.unlink()  # compared by digest: the file is not needed to say "unchanged"
    again = store.store_articles([shell()], pending_html=[HTML.encode()], base_url=BASE)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    changed = store.store_articles([shell()], pending_html=["<p>Ended.</p>"], base_url=BASE)
    assert changed.updated == 1 and changed.keys == [key]
    article = store.article(key)
    assert article is not None and article.text == "Ended."


def test_a_repeat_in_one_batch_is_compared_with_the_first(store: Store) -> None:
    result = store.store_articles(
        [shell(), shell()], pending_html=[HTML, HTML], base_url=BASE
    )
    assert (result.new, result.unchanged) == (1, 1)
    assert raw(store, "SELECT count(*) FROM pending_text") == [(1,)]


def test_an_unwritable_spool_keeps_the_html_inline(store: Store) -> None:
    folder = Path(store.path).with_name(Path(store.path).name + "-pending")
    folder.write_text("not a folder")  # mkdir fails: as a full or read-only disk would
    (key,) = add(store, HTML)
    assert raw(store, "SELECT html, spool FROM pending_text") == [(HTML, None)]
    article = store.article(key)
    assert article is not None and article.text == html_to_text(HTML, BASE)
    assert store.convert_pending() == 1


def test_inline_rows_from_before_the_spool_are_still_read(store: Store) -> None:
    (key,) = store.add_articles([shell()])
    db = sqlite3.connect(store.path)
    with db:
        db.execute("UPDATE articles SET text = '' WHERE key = ?", (key,))
        db.execute(
            "INSERT INTO pending_text (key, html, base_url) VALUES (?, ?, ?)", (key, HTML, BASE)
        )
    db.close()
    article = store.article(key)
    assert article is not None and article.text == html_to_text(HTML, BASE)
    same = store.store_articles([shell()], pending_html=[HTML.encode()], base_url=BASE)
    assert same.unchanged == 1


def test_a_memory_store_keeps_pending_html_inline() -> None:
    with Store.open(":memory:") as store:
        (key,) = add(store, HTML.encode())
        article = store.article(key)
        assert article is not None and article.text == html_to_text(HTML, BASE)
        assert store.convert_pending() == 1


def test_no_sweep_falls_between_another_writers_append_and_commit(tmp_path: Path) -> None:
    # Another process appends inside its write transaction, then commits the rows
    # pointing at the bytes: while it holds the write lock, nothing is swept.
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        (key,) = store.add_articles([shell()])
        other = Spool(path)
        writer = sqlite3.connect(path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        (ref,) = other.append([b"<p>x</p>"])  # appended, not yet committed
        assert store.convert_pending() == 0  # nothing pending; its sweep gives way
        assert other.read(ref) == b"<p>x</p>"
        writer.execute(
            "INSERT INTO pending_text (key, html, spool, spool_offset, spool_length, digest) "
            "VALUES (?, '', ?, ?, ?, ?)", (key, *ref),
        )
        writer.execute("COMMIT")
        writer.close()
        assert other.read(ref) == b"<p>x</p>"
        assert store.convert_pending() == 1
        assert spool_files(store) == []
        assert not other.folder.exists()  # removed once empty; an append makes it again
        assert other.read(other.append([b"<p>y</p>"])[0]) == b"<p>y</p>"


def test_closing_while_another_process_writes_skips_the_sweep(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store.open(path)
    (key,) = add(store, HTML)
    assert store.delete_article(key)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        store.close()  # does not wait for the lock, does not fail
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert len(spool_files(store)) == 1  # left for the next sweep
    with Store.open(path) as again:
        assert again.convert_pending() == 0
        assert spool_files(again) == []


def test_spool_reads_only_its_own_names(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.db")
    (tmp_path / "secret.html").write_bytes(b"<p>x</p>")
    assert spool.read(("../secret.html", 0, 8, digest(b"<p>x</p>"))) is None
    assert spool.read(("missing.html", 0, 8, digest(b"<p>x</p>"))) is None


def test_reading_while_a_conversion_sweeps_the_file_gives_the_text(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app converts in the background right after a refresh, while the reader
    # opens new articles: the file can go between reading the row and the file.
    (key,) = add(store, HTML)
    original = Spool.read
    calls = []

    def converted_meanwhile(self: Spool, ref):  # type: ignore[no-untyped-def]
        calls.append(ref)
        if len(calls) == 1:
            assert store.convert_pending() == 1  # converts, then sweeps the file
            assert spool_files(store) == []
        return original(self, ref)

    monkeypatch.setattr(Spool, "read", converted_meanwhile)
    article = store.article(key)
    assert article is not None and article.text == html_to_text(HTML, BASE)
    (feed,) = store.feeds()
    assert feed.etag == '"v1"'  # nothing was taken for lost
