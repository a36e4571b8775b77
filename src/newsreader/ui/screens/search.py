"""The ``/`` screen: search every stored article as you type.

Each keystroke parses the box with ``parse_query(typing=True)``; a wrong
query shows its one-line message under the box (with the bad part marked)
and never raises. A good one starts an exclusive thread worker, so a new
keystroke cancels the stale search (``should_stop`` polls the worker) and
typing never waits on SQLite. ``Enter`` on a result dismisses the screen
with the article's key; ``Esc`` dismisses with None, and the main screen
underneath is exactly where the user left it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content, Span
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from newsreader.ui.text import safe_line

if TYPE_CHECKING:
    from newsreader.query import Query
    from newsreader.store.search import SearchHit
    from newsreader.ui.app import NewsReaderApp

#: Rows asked for per search: a screenful many times over, cheap for OptionList.
RESULT_LIMIT = 200

QUERY_HELP = (
    'words, "a phrase", word*, -exclude, title:, feed:, tag:, is:unread, '
    "entity:, type:, after:, before:"
)


class ResultOption(Option):
    """One hit: carries the store key so selecting it needs no lookup."""

    def __init__(self, prompt: Content, key: int) -> None:
        super().__init__(prompt, id=f"hit-{key}")
        self.key = key


class ResultList(OptionList):
    """The ranked hits; the list keys every other list in the app has."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="search.down",
                tooltip="Next result"),
        Binding("k", "cursor_up", "Up", show=False, id="search.up",
                tooltip="Previous result (from the first: back to the query box)"),
        Binding("g", "first", "First", show=False, id="search.first", tooltip="First result"),
        Binding("G", "last", "Last", show=False, id="search.last", tooltip="Last result"),
        Binding("enter", "select", "Read", id="search.open",
                tooltip="Read this article (in the main screen)"),
    ]

    def action_cursor_up(self) -> None:
        """Up from the first result goes back to the query box, as Down came from it."""
        if self.highlighted in (None, 0) and isinstance(self.screen, SearchScreen):
            self.screen.action_to_box()
            return
        super().action_cursor_up()


class SearchResults(Message):
    """A finished search for ``text`` (stale ones are dropped by the screen)."""

    def __init__(self, text: str, hits: list[SearchHit]) -> None:
        super().__init__()
        self.text = text
        self.hits = hits


class SearchFailed(Message):
    """The store could not run the search: one line for the status."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__()
        self.text = text
        self.reason = reason


def highlighted(text: str, marks: tuple[tuple[int, int], ...], style: str) -> Content:
    """Plain ``text`` with ``marks`` (offsets) styled; never parsed as markup."""
    length = len(text)
    spans = [Span(start, end, style) for start, end in marks if 0 <= start < end <= length]
    return Content(text, spans)


def hit_prompt(hit: SearchHit) -> Content:
    """Title (matched words marked), then source and date, then the snippet line."""
    header = hit.header
    excerpt = hit.excerpt
    # Title offsets index the stored title; safe_line may shorten it, so only
    # trust them when cleaning changed nothing.
    title = safe_line(header.title) or "(untitled)"
    marks = excerpt.title_highlights if excerpt and title == header.title else ()
    date = header.published.strftime("%Y-%m-%d") if header.published else ""
    meta = "  ".join(part for part in (safe_line(header.source_name), date) if part)
    dot = "● " if not header.read else "  "
    lines = [
        Content.assemble((dot, "$text-accent"), highlighted(title, marks, "bold reverse")),
        Content.assemble("  ", (meta, "$text-muted")),
    ]
    if excerpt is not None and excerpt.snippet:
        snippet = safe_line(excerpt.snippet)
        snippet_marks = excerpt.highlights if snippet == excerpt.snippet else ()
        lines.append(Content.assemble("  ", highlighted(snippet, snippet_marks, "reverse")))
    return Content("\n").join(lines)


class SearchScreen(Screen[int | None]):
    """A query box, an inline error line and the ranked results."""

    HELP_SECTIONS: ClassVar[tuple[tuple[str, str], ...]] = (("Results", "#search-results"),)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="search.back",
                tooltip="Close search and return to where you were"),
        Binding("ctrl+s", "save_search", "Save search", id="search.save",
                tooltip="Save this search as a query in the feeds pane"),
        Binding("down", "to_results", "Results", show=False, id="search.results",
                tooltip="Move from the query box into the results"),
        Binding("ctrl+l", "to_box", "Query", show=False, id="search.box",
                tooltip="Back to the query box"),
    ]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._initial = text
        self._shown = ""  # the text whose results are listed

    @property
    def news_app(self) -> NewsReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="search-panel") as panel:
            panel.border_title = "Search"
            yield Input(value=self._initial, placeholder="Search every article…",
                        id="search-box", select_on_focus=False)
            yield Label(Content(QUERY_HELP), id="search-message", markup=False)
            yield ResultList(id="search-results")
        yield Footer(show_command_palette=False)

    @property
    def box(self) -> Input:
        return self.query_one("#search-box", Input)

    @property
    def results(self) -> OptionList:
        return self.query_one("#search-results", OptionList)

    @property
    def message_line(self) -> Label:
        return self.query_one("#search-message", Label)

    def on_mount(self) -> None:
        self.box.focus()
        if self._initial:
            self._query_changed(self._initial)

    # ------------------------------------------------------------------ typing
    @on(Input.Changed, "#search-box")
    def _box_changed(self, event: Input.Changed) -> None:
        self._query_changed(event.value)

    def _query_changed(self, text: str) -> None:
        from newsreader.query import QueryError, parse_query

        self.box.remove_class("-error")
        if not text.strip():
            self.workers.cancel_group(self, "search")
            self._shown = ""
            self.results.clear_options()
            self._say(Content(QUERY_HELP))
            return
        try:
            query = parse_query(text, typing=True)
        except QueryError as error:
            self.workers.cancel_group(self, "search")
            self.box.add_class("-error")
            self._say(error_line(text, error.message, error.position, error.end))
            # Hits of an earlier query under this message would look like its answer.
            self._shown = ""
            self.results.clear_options()
            return
        self.run_search(text, query)

    @on(Input.Submitted, "#search-box")
    def _box_submitted(self) -> None:
        if self.results.option_count:
            self.action_to_results()

    def _say(self, content: Content) -> None:
        self.message_line.update(content)

    # ------------------------------------------------------------------ worker
    @work(thread=True, exclusive=True, group="search", exit_on_error=False,
          description="Search the articles")
    def run_search(self, text: str, query: Query) -> None:
        from newsreader.store.search import SearchCancelled
        from newsreader.store.types import StoreError

        worker = get_current_worker()
        try:
            hits = self.news_app.store.search(
                query, limit=RESULT_LIMIT, should_stop=lambda: worker.is_cancelled
            )
        except SearchCancelled:
            return
        except StoreError as exc:
            if not worker.is_cancelled:
                self.post_message(SearchFailed(text, safe_line(str(exc))))
            return
        if not worker.is_cancelled:
            self.post_message(SearchResults(text, hits))

    def on_search_results(self, message: SearchResults) -> None:
        if message.text != self.box.value:
            return  # the user typed on
        self._shown = message.text
        results = self.results
        highlighted_key = None
        if results.highlighted is not None and results.option_count:
            option = results.get_option_at_index(results.highlighted)
            highlighted_key = getattr(option, "key", None)
        results.clear_options()
        results.add_options(ResultOption(hit_prompt(hit), hit.header.key) for hit in message.hits)
        count = len(message.hits)
        if count:
            keys = [hit.header.key for hit in message.hits]
            results.highlighted = keys.index(highlighted_key) if highlighted_key in keys else 0
        more = "+" if count >= RESULT_LIMIT else ""
        noun = "match" if count == 1 else "matches"
        tail = "  ·  Enter or ↓ for the results, ctrl+s saves it" if count else ""
        self._say(Content(f"{count}{more} {noun}{tail}"))

    def on_search_failed(self, message: SearchFailed) -> None:
        if message.text == self.box.value:
            self._say(Content.styled(f"Search failed: {message.reason}", "$text-error"))

    # ------------------------------------------------------------------ actions
    @on(OptionList.OptionSelected, "#search-results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        key = getattr(event.option, "key", None)
        if isinstance(key, int):
            self.dismiss(key)

    def action_back(self) -> None:
        self.workers.cancel_group(self, "search")
        self.dismiss(None)

    def action_to_results(self) -> None:
        if self.results.option_count:
            self.results.focus()
            if self.results.highlighted is None:
                self.results.highlighted = 0

    def action_to_box(self) -> None:
        self.box.focus()

    def action_save_search(self) -> None:
        """Keep the query as a saved query (the feeds pane lists them like feeds)."""
        text = self.box.value.strip()
        if not text:
            self.notify("Type a query first.", timeout=3)
            return
        from newsreader.query import QueryError, parse_query

        try:
            parse_query(text)
        except QueryError as error:
            self.notify(f"Not saved: {error.message}", severity="warning", markup=False)
            return
        add = getattr(self.news_app.store, "add_saved_query", None)
        if add is None:
            self.notify("Saved queries are not available in this version.", severity="warning")
            return
        self.save_query(text)

    @work(thread=True, exclusive=True, group="save-search", exit_on_error=False,
          description="Save the search")
    def save_query(self, text: str) -> None:
        self.news_app.store.add_saved_query(safe_line(text)[:60], text)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._saved, text)

    def _saved(self, text: str) -> None:
        self.notify(f"Saved search: {safe_line(text)} (in the feeds pane, F)",
                    markup=False, timeout=4)
        # The feeds pane underneath lists saved queries: show the new one there too.
        main = self.app.screen_stack[0] if self.app.screen_stack else None
        reload_pane = getattr(main, "load_feeds_pane", None)
        if callable(reload_pane):
            reload_pane()


def error_line(text: str, message: str, position: int, end: int) -> Content:
    """``message`` plus the offending part of the query, marked, all plain text."""
    bad = safe_line(text[position:end]) if 0 <= position < len(text) else ""
    parts: list[tuple[str, str] | str] = [(f"✗ {safe_line(message)}", "$text-error")]
    if bad:
        parts.extend(["   at ", (bad, "bold reverse $text-error")])
    return Content.assemble(*parts)
