"""Saved queries and the feeds pane's per-feed / per-tag lists (store/saved_queries.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.models import Article
from newsreader.query import parse_query
from newsreader.store import Store, StoreError


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "news.db") as opened:
        yield opened


def article(source: str, ident: str, title: str) -> Article:
    return Article(source=source, source_name="Wire", id=ident, title=title,
                   text=f"{title} body text.")


def test_add_list_rename_delete(store: Store) -> None:
    first = store.add_saved_query("Merkel", "merkel is:unread")
    store.add_saved_query("News", "tag:news")
    assert [q.name for q in store.saved_queries()] == ["Merkel", "News"]
    assert first.query == "merkel is:unread"
    # Saving under a taken name replaces the text and keeps the place.
    store.add_saved_query("Merkel", "merkel")
    assert [(q.name, q.query) for q in store.saved_queries()] == [
        ("Merkel", "merkel"), ("News", "tag:news")]
    assert store.rename_saved_query("Merkel", "Angela")
    assert not store.rename_saved_query("nobody", "x")
    with pytest.raises(StoreError):
        store.rename_saved_query("Angela", "News")
    assert store.set_saved_query_text("News", "tag:world")
    assert store.delete_saved_query("Angela")
    assert not store.delete_saved_query("Angela")
    assert [(q.name, q.query) for q in store.saved_queries()] == [("News", "tag:world")]


def test_names_and_queries_are_cleaned_and_required(store: Store) -> None:
    saved = store.add_saved_query("  \x1b[31mRed\x1b[0m\u202e ", "a\x07b")
    assert "\x1b" not in saved.name and "\u202e" not in saved.name
    assert "\x07" not in saved.query
    for name, query in (("", "x"), ("x", "  "), ("x" * 500, "q")):
        with pytest.raises(StoreError):
            store.add_saved_query(name, query)


def test_reorder_and_move(store: Store) -> None:
    for name in "abcd":
        store.add_saved_query(name, name)
    store.reorder_saved_queries(["c", "a"])
    assert [q.name for q in store.saved_queries()] == ["c", "a", "b", "d"]
    assert store.move_saved_query("d", -1)
    assert [q.name for q in store.saved_queries()] == ["c", "a", "d", "b"]
    assert store.move_saved_query("c", -5)  # clamped at the top
    assert next(q.name for q in store.saved_queries()) == "c"
    assert not store.move_saved_query("zz", 1)


def test_counts_via_count_query(store: Store) -> None:
    store.add_feed("https://a.example/feed", tags=["news"])
    store.add_articles([article("https://a.example/feed", "1", "Merkel visits"),
                        article("https://a.example/feed", "2", "Weather")])
    saved = store.add_saved_query("M", "merkel")
    assert store.count_query(parse_query(saved.query)) == (1, 1)


def test_headers_for_feed_and_tag(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    store.add_feed("https://a.example/feed", tags=["News", "world"])
    store.add_feed("https://b.example/feed", tags=["sport"])
    store.add_feed(str(folder), kind="folder", tags=["news"])
    store.add_articles([
        article("https://a.example/feed", "1", "A one"),
        article("https://b.example/feed", "1", "B one"),
        article(str(folder / "x.txt"), "x", "Folder file"),
        article(str(tmp_path / "folder2" / "y.txt"), "y", "Not in folder"),
    ])
    assert [h.title for h in store.headers_for_feed("https://a.example/feed")] == ["A one"]
    assert [h.title for h in store.headers_for_feed(str(folder))] == ["Folder file"]
    assert store.headers_for_feed("https://nowhere.example/") == []
    assert sorted(h.title for h in store.headers_for_tag("news")) == ["A one", "Folder file"]
    assert [h.title for h in store.headers_for_tag("SPORT")] == ["B one"]
    assert store.headers_for_tag("nothing") == []
