"""Start-up at scale: the first screenful comes before the whole list, nothing twice.

Asserts on order and on what was read, never on wall-clock time (the benches
in ``bench/`` time it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsreader.models import Article
from newsreader.store import Store
from newsreader.ui.app import NewsReaderApp
from newsreader.ui.screens.main import FIRST_PAGE, MainScreen
from test_ui_app import settle

BASE = datetime(2026, 1, 1, tzinfo=UTC)
COUNT = FIRST_PAGE * 2 + 7


def _fill(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.add_articles(
            Article(id=f"a{i}", source="https://example.org/feed.xml", source_name="Feed",
                    title=f"Story {i}", text=f"Body of story {i}.",
                    published=BASE + timedelta(minutes=i))
            for i in range(COUNT)
        )


class CountingStore:
    """Records every headers() call of the store it wraps."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.calls: list[dict[str, object]] = []

    def headers(self, **options: object):  # type: ignore[no-untyped-def]
        self.calls.append(options)
        return self._store.headers(**options)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


async def test_first_page_then_whole_list_read_once(tmp_path: Path, fake_extractor: object) -> None:
    db_path = tmp_path / "news.db"
    _fill(db_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    app = NewsReaderApp(db_path, [str(empty)])
    app.load_extractor = lambda name: fake_extractor  # type: ignore[method-assign]
    app.animation_level = "none"
    counting = CountingStore(Store.open(db_path))
    app._store = counting  # type: ignore[assignment]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.articles.row_count == COUNT
        assert screen.reader.article is not None
        assert screen.reader.article.title == f"Story {COUNT - 1}"
        # One page, then the whole list once: the empty source added nothing.
        assert counting.calls == [{"bookmarked_only": False, "limit": FIRST_PAGE}, {
            "bookmarked_only": False}]
        assert screen._counts[0] == COUNT
        await pilot.press("G")
        await settle(app, pilot)
        assert screen.reader.article is not None
        assert screen.reader.article.title == "Story 0"
