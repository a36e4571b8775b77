"""Articles stored with their HTML pending (a refresh defers html_to_text): every reader
still sees converted text, exactly the text an eager parse stores, and nothing is lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.content import html_to_text
from newsreader.entities import Span
from newsreader.models import Article
from newsreader.query import parse_query
from newsreader.store import Store

BASE = "https://wire.example/feed.xml"
HTML = (
    '<p>Talks in <a href="/cairo">Cairo</a> went on.</p>'
    "<p>Second \x1b[31mparagraph</p><ul><li>one</li></ul>"
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "p.db") as opened:
        yield opened


def shell(**fields: object) -> Article:
    """An article as the deferred parser hands it over: empty text, HTML on the side."""
    values: dict[str, object] = dict(id="1", source="s", source_name="S", title="Talks", text="")
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def eager_text(html: str = HTML) -> str:
    return html_to_text(html, BASE)


def raw(store: Store, sql: str, *params: object) -> list[tuple[object, ...]]:
    db = sqlite3.connect(store.path)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def add_pending(store: Store, html: str = HTML, **fields: object) -> int:
    (key,) = store.store_articles([shell(**fields)], pending_html=[html], base_url=BASE).keys
    return key


def test_reading_a_pending_article_gives_the_eager_text(store: Store) -> None:
    key = add_pending(store)
    assert raw(store, "SELECT text FROM articles WHERE key = ?", key) == [("",)]
    article = store.article(key)
    assert article is not None
    assert article.text == eager_text()
    assert "\x1b" not in article.text and "[1]" in article.text
    # Reading does not write: the stored row is still pending.
    assert raw(store, "SELECT count(*) FROM pending_text") == [(1,)]


def test_convert_pending_stores_what_an_eager_store_would(store: Store, tmp_path: Path) -> None:
    key = add_pending(store)
    assert store.convert_pending() == 1
    assert raw(store, "SELECT count(*) FROM pending_text") == [(0,)]
    with Store.open(tmp_path / "eager.db") as eager:
        (other,) = eager.add_articles([shell(text=eager_text())])
        expected = raw(eager, "SELECT text, content_hash FROM articles WHERE key = ?", other)
    assert raw(store, "SELECT text, content_hash FROM articles WHERE key = ?", key) == expected
    assert store.convert_pending() == 0


def test_search_finds_words_of_a_pending_body(store: Store) -> None:
    key = add_pending(store)
    assert [hit.header.key for hit in store.search(parse_query("paragraph"))] == [key]
    assert store.count_query(parse_query("Cairo")) == (1, 1)


def test_bookmark_copies_converted_text(store: Store) -> None:
    key = add_pending(store)
    store.set_bookmark(key, True)
    (bookmark,) = store.bookmarks()
    assert bookmark.article.text == eager_text()


def test_entities_are_saved_against_the_converted_text(store: Store) -> None:
    key = add_pending(store)
    article = store.article(key)
    assert article is not None
    start = article.text.index("Cairo")
    assert store.save_entities(
        key, "rules:1", [Span(start, start + 5, "GPE", "Cairo")], for_text=article.text
    )
    stored = store.entities(key, "rules:1")
    assert stored is not None and stored[0].name == "Cairo"


def test_full_text_replaces_a_pending_body_for_good(store: Store) -> None:
    key = add_pending(store, summary_only=True)
    assert store.set_full_text(key, "The whole story.")
    store.convert_pending()
    article = store.article(key)
    assert article is not None and article.text == "The whole story."


def test_deleting_a_pending_article_drops_its_html(store: Store) -> None:
    key = add_pending(store)
    assert store.delete_article(key)
    assert raw(store, "SELECT count(*) FROM pending_text") == [(0,)]


def test_the_same_pending_body_again_is_unchanged(store: Store) -> None:
    add_pending(store)
    again = store.store_articles([shell()], pending_html=[HTML], base_url=BASE)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    retitled = store.store_articles([shell(title="Talks end")], pending_html=[HTML], base_url=BASE)
    assert retitled.updated == 1
    article = store.article(retitled.keys[0])
    assert article is not None and article.title == "Talks end" and article.text == eager_text()


def test_a_changed_pending_body_is_an_update(store: Store) -> None:
    key = add_pending(store)
    other = "<p>Talks ended.</p>"
    changed = store.store_articles([shell()], pending_html=[other], base_url=BASE)
    assert changed.updated == 1 and changed.keys == [key]
    article = store.article(key)
    assert article is not None and article.text == "Talks ended."


def test_a_pending_body_against_a_converted_one_compares_texts(store: Store) -> None:
    key = add_pending(store)
    store.convert_pending()
    same = store.store_articles([shell()], pending_html=[HTML], base_url=BASE)
    assert same.unchanged == 1
    assert raw(store, "SELECT count(*) FROM pending_text") == [(0,)]
    assert store.article(key).text == eager_text()  # type: ignore[union-attr]


def test_a_summary_never_replaces_pending_full_content(store: Store) -> None:
    key = add_pending(store)  # full content (summary_only False)
    summary = store.store_articles(
        [shell(summary_only=True)], pending_html=["<p>Short.</p>"], base_url=BASE
    )
    assert summary.keys == [key]
    article = store.article(key)
    assert article is not None and article.text == eager_text() and not article.summary_only


def test_pending_html_must_match_the_articles(store: Store) -> None:
    with pytest.raises(ValueError):
        store.store_articles([shell()], pending_html=[], base_url=BASE)
