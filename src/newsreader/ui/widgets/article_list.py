"""The article list: a line-API scroll view that draws only the rows on screen.

One widget for the whole list, never a widget per article: the house-style
measurements show ListView collapsing past a few hundred rows and OptionList
taking seconds to build at 100k, while a ``ScrollView`` whose ``render_line``
builds one cached ``Strip`` per visible row stays flat at any size
(toolong's ``LogLines`` shape).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.ui.text import safe_line

if TYPE_CHECKING:
    from newsreader.store import ArticleHeader

UNREAD_MARK = "●"
BOOKMARK_MARK = "★"
DATE_WIDTH = 10  # YYYY-MM-DD
SOURCE_MAX = 12
# Below these many cells the source, then the date column is dropped, so
# titles stay readable in narrow terminals (the reader shows both anyway).
SOURCE_MIN_ROW_WIDTH = 50
DATE_MIN_ROW_WIDTH = 32


class ArticleList(ScrollView, can_focus=True, inherit_bindings=False):
    """Every article header, one line each, with a cursor.

    The parent owns the data and calls :meth:`set_rows` / :meth:`update_row`;
    the list reports cursor moves with :class:`ArticleList.Highlighted`.
    ScrollView's own bindings are not inherited: page keys belong to the
    reader even while the list has focus.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next", show=False, id="list.down",
                tooltip="Move to the next article"),
        Binding("k,up", "cursor_up", "Previous", show=False, id="list.up",
                tooltip="Move to the previous article"),
        Binding("g,home", "first", "First", show=False, id="list.first",
                tooltip="Jump to the newest article"),
        Binding("G,end", "last", "Last", show=False, id="list.last",
                tooltip="Jump to the oldest article"),
        Binding("enter", "open", "Read", show=False, id="list.open",
                tooltip="Move focus to the reader"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--cursor-blurred",
        "article-list--mark",
        "article-list--unread",
        "article-list--read",
        "article-list--date",
        "article-list--source",
        "article-list--bookmark",
    }

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor moved onto the article with this store key."""

        article_list: ArticleList
        key: int

        @property
        def control(self) -> ArticleList:
            return self.article_list

    @dataclass
    class Opened(Message):
        """Enter was pressed on a row: the reader should take focus."""

        article_list: ArticleList
        key: int

        @property
        def control(self) -> ArticleList:
            return self.article_list

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: list[ArticleHeader] = []
        self._index: dict[int, int] = {}
        # Keyed by the (frozen) header itself, so a changed row misses the cache
        # without any invalidation bookkeeping.
        self._strips: LRUCache[tuple[ArticleHeader, int, bool, bool], Strip] = LRUCache(1024)

    # ------------------------------------------------------------------ data
    @property
    def rows(self) -> Sequence[ArticleHeader]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def current_key(self) -> int | None:
        """The store key under the cursor, or None when the list is empty."""
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor].key
        return None

    @property
    def current(self) -> ArticleHeader | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def index_of(self, key: int) -> int | None:
        return self._index.get(key)

    def set_rows(self, rows: Sequence[ArticleHeader], keep_key: int | None = None) -> None:
        """Replace every row, keeping the cursor on ``keep_key`` if it is still listed.

        Refreshing sources must not pull the article being read out from under
        the reader (newsboat users complain about exactly that), so the cursor
        follows the key, not the index.
        """
        previous_key = self.current_key if keep_key is None else keep_key
        self._rows = list(rows)
        self._index = {row.key: i for i, row in enumerate(self._rows)}
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))
        if previous_key is not None and previous_key in self._index:
            new_cursor = self._index[previous_key]
        else:
            new_cursor = min(self.cursor, max(0, len(self._rows) - 1))
        self.set_reactive(ArticleList.cursor, new_cursor)
        self._scroll_cursor_into_view()
        self.refresh()
        key = self.current_key
        if key is not None and key != previous_key:
            self.post_message(self.Highlighted(self, key))

    def update_row(self, key: int, **changes: object) -> None:
        """Change fields of one row (read, bookmarked) and repaint only that line."""
        index = self._index.get(key)
        if index is None:
            return
        self._rows[index] = replace(self._rows[index], **changes)  # type: ignore[arg-type]
        self._refresh_row(index)

    # ------------------------------------------------------------------ cursor
    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_cursor_into_view()
        key = self.current_key
        if key is not None:
            self.post_message(self.Highlighted(self, key))

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def move_to(self, index: int) -> None:
        self.cursor = index

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_open(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Opened(self, key))

    def _scroll_cursor_into_view(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def _refresh_row(self, index: int) -> None:
        y = index - round(self.scroll_y)
        self.refresh(Region(0, y, self.size.width, 1))

    # ------------------------------------------------------------------ events
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_y) + offset.y
        if 0 <= index < len(self._rows):
            self.cursor = index

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))
        self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    # ------------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= len(self._rows) or width <= 0:
            return Strip.blank(width, self.rich_style)
        row = self._rows[index]
        is_cursor = index == self.cursor
        cache_key = (row, width, is_cursor, self.has_focus)
        strip = self._strips.get(cache_key)
        if strip is None:
            strip = self._render_row(row, width, is_cursor)
            self._strips[cache_key] = strip
        return strip

    def _render_row(self, row: ArticleHeader, width: int, is_cursor: bool) -> Strip:
        """One row: unread mark, bookmark mark, date, source, title, cut to ``width``."""
        base = self.rich_style
        style = self.get_component_rich_style
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(" ")
        text.append(UNREAD_MARK if not row.read else " ", style("article-list--mark"))
        text.append(BOOKMARK_MARK if row.bookmarked else " ", style("article-list--bookmark"))
        text.append(" ")
        if width >= DATE_MIN_ROW_WIDTH:
            date = row.published.strftime("%Y-%m-%d") if row.published else ""
            text.append(f"{date:<{DATE_WIDTH}}", style("article-list--date"))
            text.append("  ")
        if width >= SOURCE_MIN_ROW_WIDTH:
            source = Text(safe_line(row.source_name), end="")
            source.truncate(SOURCE_MAX, overflow="ellipsis", pad=True)
            source.stylize(style("article-list--source"))
            text.append_text(source)
            text.append("  ")
        title_style = style("article-list--read" if row.read else "article-list--unread")
        text.append(safe_line(row.title), title_style)
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = list(text.render(self.app.console))
        segments = list(Segment.apply_style(segments, base))
        if is_cursor:
            cursor = style(
                "article-list--cursor" if self.has_focus else "article-list--cursor-blurred"
            )
            segments = list(Segment.apply_style(segments, post_style=_background_only(cursor)))
        return Strip(segments, width)


def _background_only(style: Style) -> Style:
    """The cursor recolours the row background and keeps each column's colour."""
    return Style(bgcolor=style.bgcolor, bold=style.bold, color=style.color)
