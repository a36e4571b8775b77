"""The article list on its own: scale, row drawing, cursor keeping, cheap repaints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.cells import cell_len
from textual.app import App, ComposeResult

import newsreader.ui
from newsreader.store import ArticleHeader
from newsreader.ui.colors import theme_variables
from newsreader.ui.widgets.article_list import ArticleList

BASE = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def headers(n: int, start: int = 0) -> list[ArticleHeader]:
    return [
        ArticleHeader(
            key=i, source="test://feed", source_name=f"Source {i % 5}",
            title=f"Headline number {i}", published=BASE - timedelta(minutes=i),
            read=i % 2 == 1, bookmarked=i % 7 == 0,
        )
        for i in range(start, start + n)
    ]


class ListApp(App[None]):
    """Just the list, styled by the product stylesheet."""

    CSS_PATH = Path(newsreader.ui.__file__).parent / "newsreader.tcss"

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variables(self.current_theme.dark)

    def __init__(self, rows: list[ArticleHeader]) -> None:
        super().__init__()
        self.rows = rows
        self.highlighted: list[int] = []

    def compose(self) -> ComposeResult:
        yield ArticleList(id="articles")

    def on_mount(self) -> None:
        articles = self.query_one(ArticleList)
        articles.set_rows(self.rows)
        articles.focus()

    def on_article_list_highlighted(self, message: ArticleList.Highlighted) -> None:
        self.highlighted.append(message.key)


def row_text(articles: ArticleList, y: int) -> str:
    return "".join(segment.text for segment in articles.render_line(y))


async def test_hundred_thousand_rows_move_to_the_end_and_draw_only_what_is_visible():
    app = ListApp(headers(100_000))
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        assert articles.row_count == 100_000
        assert articles.virtual_size.height == 100_000
        await pilot.press("G")
        assert articles.cursor == 99_999
        assert app.highlighted[-1] == 99_999
        # The last row is on screen and drawn; rows are never materialised as widgets.
        height = articles.scrollable_content_region.height
        assert "Headline number 99999" in row_text(articles, height - 1)
        assert len(articles.children) == 0
        # The strip cache is bounded whatever the row count.
        await pilot.press("g")
        assert articles.cursor == 0
        assert len(articles._strips) <= articles._strips.maxsize


async def test_rows_show_marks_date_and_title_and_fit_the_width():
    rows = headers(3)
    rows[1] = ArticleHeader(5, "s", "Wire", "漢字のタイトル" * 10, None, False, True)
    app = ListApp(rows)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        articles = app.query_one(ArticleList)
        width = articles.scrollable_content_region.width
        first = row_text(articles, 0)
        assert "2024-03-01" in first and "Headline number 0" in first
        assert "★" in first and "●" in first  # key 0: unread and bookmarked
        wide = row_text(articles, 1)
        assert "★" in wide
        assert "2024" not in wide  # undated rows leave the date blank
        assert wide.rstrip().endswith("…")
        for y in range(3):
            assert cell_len(row_text(articles, y)) == width


async def test_set_rows_keeps_the_cursor_on_the_same_key():
    app = ListApp(headers(50))
    async with app.run_test(size=(80, 20)) as pilot:
        articles = app.query_one(ArticleList)
        for _ in range(10):
            await pilot.press("j")
        assert articles.current_key == 10
        app.highlighted.clear()
        articles.set_rows(headers(5, start=1000) + headers(50))
        await pilot.pause()
        assert articles.current_key == 10
        assert articles.cursor == 15
        assert app.highlighted == []  # same article: the reader is not reloaded
        # When the key is gone the cursor stays in place and reports the new row.
        articles.set_rows(headers(5, start=2000))
        await pilot.pause()
        assert articles.cursor == 4
        assert app.highlighted == [2004]


async def test_update_row_changes_one_row_only():
    app = ListApp(headers(10))
    async with app.run_test(size=(80, 20)) as pilot:
        articles = app.query_one(ArticleList)
        before = [row_text(articles, y) for y in range(10)]
        articles.update_row(2, bookmarked=True, read=True)
        await pilot.pause()
        after = [row_text(articles, y) for y in range(10)]
        changed = [y for y in range(10) if before[y] != after[y]]
        assert changed == [2]
        assert "★" in after[2] and "●" not in after[2]
        articles.update_row(999, read=True)  # unknown keys are ignored


async def test_empty_list_is_quiet():
    app = ListApp([])
    async with app.run_test(size=(80, 20)) as pilot:
        articles = app.query_one(ArticleList)
        await pilot.press("j", "k", "G", "g", "enter")
        assert articles.current_key is None
        assert app.highlighted == []
        assert row_text(articles, 0).strip() == ""


async def test_mouse_wheel_scrolls_without_moving_the_cursor():
    from textual import events

    app = ListApp(headers(200))
    async with app.run_test(size=(80, 20)) as pilot:
        articles = app.query_one(ArticleList)
        await pilot.hover("#articles")
        for _ in range(3):
            articles.post_message(events.MouseScrollDown(
                articles, 5, 5, 0, 1, 0, False, False, False, screen_x=5, screen_y=5))
        await pilot.pause()
        assert articles.scroll_y > 0
        assert articles.cursor == 0
        top = round(articles.scroll_y)
        assert f"Headline number {top}" in row_text(articles, 0)
