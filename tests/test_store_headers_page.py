"""Store.headers(limit=, offset=): pages of the list order, and shared source strings.

The UI paints the first screenful from a ``limit`` page before the whole list
arrives, so a page must be exactly a slice of the full order.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.models import Article
from newsreader.store import Store

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def _article(i: int) -> Article:
    return Article(
        id=f"id-{i}",
        source=f"https://example.org/feed{i % 3}.xml",
        source_name=f"Feed {i % 3}",
        title=f"Title {i % 7}",
        text=f"Body {i}",
        # Some undated and some equal dates, so the tie-breaks count too.
        published=None if i % 5 == 0 else BASE + timedelta(hours=i // 2),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "news.db") as opened:
        opened.add_articles(_article(i) for i in range(40))
        yield opened


def test_pages_are_slices_of_the_full_order(store: Store) -> None:
    full = store.headers()
    assert len(full) == 40
    assert store.headers(limit=10) == full[:10]
    assert store.headers(limit=10, offset=10) == full[10:20]
    assert store.headers(offset=35) == full[35:]
    assert store.headers(limit=100, offset=30) == full[30:]
    assert store.headers(limit=0) == []
    assert store.headers(limit=5, offset=1000) == []


def test_negative_arguments_are_clamped(store: Store) -> None:
    full = store.headers()
    assert store.headers(limit=-3) == []
    assert store.headers(limit=4, offset=-9) == full[:4]


def test_bookmark_pages(store: Store) -> None:
    keys = [h.key for h in store.headers()]
    for key in keys[:6]:
        store.set_bookmark(key, True)
    marked = store.headers(bookmarked_only=True)
    assert len(marked) == 6
    assert store.headers(bookmarked_only=True, limit=2, offset=2) == marked[2:4]


def test_source_strings_are_shared_between_rows(store: Store) -> None:
    headers = store.headers()
    by_source: dict[str, int] = {}
    for header in headers:
        by_source.setdefault(header.source, id(header.source))
        assert id(header.source) == by_source[header.source]
    names = {id(h.source_name) for h in headers}
    assert len(names) == 3
