"""The one working screen: article list, reader and entity sidebar, plus the status line.

The screen owns the flow of data. Widgets post messages up (a new cursor
position, an entity picked); the screen starts thread workers for anything
that touches SQLite, the sources or the entity engine, and calls down into
the widgets when the workers' messages come back.
"""

from __future__ import annotations

import webbrowser
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader.ui.messages import (
    ArticleLoaded,
    EntitiesLoaded,
    EntitiesUnavailable,
    EntityProgress,
    HeadersLoaded,
    LoadingSources,
    SourcesLoaded,
)
from newsreader.ui.text import web_link
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.entity_sidebar import EntityOption, EntitySidebar
from newsreader.ui.widgets.reader import Reader

if TYPE_CHECKING:
    from newsreader.store import ArticleHeader
    from newsreader.ui.app import NewsReaderApp

#: Below this width the sidebar is hidden so list and reader keep usable widths.
NARROW_WIDTH = 90
#: Below this width the sidebar and the list get narrower to leave the reader room.
MEDIUM_WIDTH = 110
#: Background extraction reports progress to the status line every this many articles.
PROGRESS_EVERY = 10

EMPTY_HINT = (
    "No articles yet.\n\n"
    "Start newsreader with a feed URL, a feed file, an article file or a folder:\n\n"
    "    newsreader https://example.org/feed.xml ~/Downloads/articles/"
)


class MainScreen(Screen[None]):
    """List on the left, reader in the centre, entities on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "toggle_bookmark", "Bookmark", id="bookmark",
                tooltip="Bookmark or un-bookmark this article (saved at once)"),
        Binding("B", "toggle_bookmarks_view", "Bookmarks only", id="bookmarks_view",
                tooltip="Show only bookmarked articles, or everything again"),
        Binding("o", "open_link", "Open", id="open_link",
                tooltip="Open the article's web page in your browser"),
        Binding("j", "next_article", "Next", show=False, id="next_article",
                tooltip="Show the next article (from any pane)"),
        Binding("k", "previous_article", "Previous", show=False, id="previous_article",
                tooltip="Show the previous article (from any pane)"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="page_down",
                tooltip="Scroll the article down a page"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up",
                tooltip="Scroll the article up a page"),
        Binding("right_square_bracket", "next_mention", "Next mention", show=False,
                key_display="]", id="next_mention",
                tooltip="Jump to the next mention of the highlighted entity"),
        Binding("left_square_bracket", "previous_mention", "Previous mention", show=False,
                key_display="[", id="previous_mention",
                tooltip="Jump to the previous mention of the highlighted entity"),
        Binding("escape", "clear_entity", "Back", show=False, id="clear_entity",
                tooltip="Stop emphasising the entity, else go back to the list"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="focus_next",
                tooltip="Move focus to the next pane"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False,
                id="focus_previous", tooltip="Move focus to the previous pane"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.bookmarked_only = False
        self._sources_done = False
        self._loading_message = ""
        self._entity_message = ""
        self._counts = (0, 0, 0)  # articles, unread, bookmarked
        self._mention_index = -1

    @property
    def news_app(self) -> NewsReaderApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="status"):
            yield Label("newsreader", id="status-brand")
            yield Label("All articles", id="status-view")
            yield Label("", id="status-activity")
            yield Label("", id="status-counts")
        with Horizontal(id="panes"):
            articles = ArticleList(id="articles")
            articles.border_title = "Articles"
            yield articles
            reader = Reader(id="reader")
            reader.border_title = "Reader"
            yield reader
            sidebar = EntitySidebar(id="entities")
            sidebar.border_title = "Entities"
            yield sidebar
        yield Footer(show_command_palette=False)

    @property
    def articles(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def reader(self) -> Reader:
        return self.query_one("#reader", Reader)

    @property
    def sidebar(self) -> EntitySidebar:
        return self.query_one("#entities", EntitySidebar)

    def on_mount(self) -> None:
        self.articles.focus()
        self.articles.loading = True
        self.reader.show_message("Loading…")
        self.startup()

    def on_resize(self) -> None:
        width = self.size.width
        self.set_class(width < NARROW_WIDTH, "-narrow")
        self.set_class(NARROW_WIDTH <= width < MEDIUM_WIDTH, "-medium")

    # ------------------------------------------------------------------ workers
    @work(thread=True, exclusive=True, group="sources", exit_on_error=False,
          description="Load cached headers, then read the sources")
    def startup(self) -> None:
        """Paint what the store has, then read every source and store it."""
        worker = get_current_worker()
        store = self.news_app.store
        only = self.bookmarked_only
        headers = store.headers(bookmarked_only=only)
        self.post_message(HeadersLoaded(headers, only))
        specs = self.news_app.resolve_sources()
        if worker.is_cancelled:
            return
        if not specs:
            self.post_message(SourcesLoaded(headers, only, []))
            return
        self.post_message(LoadingSources(specs))
        from newsreader.sources import load_sources

        result = load_sources(specs)
        if worker.is_cancelled:
            return
        keys = store.add_articles(result.articles) if result.articles else []
        only = self.bookmarked_only
        headers = store.headers(bookmarked_only=only)
        self.post_message(
            SourcesLoaded(
                headers, only, keys, list(result.errors), len(result.articles),
                list(result.warnings),
            )
        )

    @work(thread=True, exclusive=True, group="headers", exit_on_error=False,
          description="Reload the article list")
    def reload_headers(self, bookmarked_only: bool) -> None:
        headers = self.news_app.store.headers(bookmarked_only=bookmarked_only)
        self.post_message(HeadersLoaded(headers, bookmarked_only))

    @work(thread=True, exclusive=True, group="article", exit_on_error=False,
          description="Load one article and its entities")
    def load_article(self, key: int) -> None:
        """Fetch the body, mark it read, then find (or compute and save) its entities.

        Exclusive: holding ``j`` starts one of these per row, and each new one
        cancels the last, so only the article the cursor stops on does the work.
        """
        worker = get_current_worker()
        app = self.news_app
        store = app.store
        article = store.article(key)
        if worker.is_cancelled:
            return
        self.post_message(ArticleLoaded(key, article))
        if article is None:
            return
        store.set_read(key, True)
        if worker.is_cancelled:
            return
        entities = app.ensure_entities(key, article)
        if entities is not None and not worker.is_cancelled:
            self.post_message(EntitiesLoaded(key, entities))

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False,
          description="Find entities for new articles")
    def extract_in_background(self, keys: list[int]) -> None:
        """Extract and store entities for every new article, so the sidebar is instant later."""
        worker = get_current_worker()
        app = self.news_app
        total = len(keys)
        failed: list[str] = []
        for done, key in enumerate(keys, start=1):
            if worker.is_cancelled:
                return
            try:
                if app.ensure_entities(key) is None and app.extractor() is None:
                    return  # no engine: nothing to do for the rest either
            except Exception as exc:  # one bad article must not stop the batch
                failed.append(f"{type(exc).__name__}: {exc}")
            if done % PROGRESS_EVERY == 0 or done == total:
                self.post_message(EntityProgress(done, total))
        if failed:
            self.app.call_from_thread(
                self.notify,
                f"Entities could not be found for {len(failed)} article(s): {failed[0]}",
                severity="warning", markup=False, timeout=8,
            )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """Any worker error becomes one plain notification; the app keeps running."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        what = event.worker.description or event.worker.name
        reason = f"{type(error).__name__}: {error}" if error is not None else "failed"
        self.notify(f"{what}: {reason}", severity="error", markup=False, timeout=8)
        if event.worker.group == "sources":
            self._sources_done = True
            self.articles.loading = False
            self._loading_message = ""
            self._update_status()
            if self.articles.row_count == 0:
                self.reader.show_message(f"Could not load articles.\n\n{reason}")

    # ------------------------------------------------------------------ worker results
    def on_headers_loaded(self, message: HeadersLoaded) -> None:
        if message.bookmarked_only != self.bookmarked_only:
            return  # answer for a view the user already left
        self._apply_headers(message.headers)

    def on_loading_sources(self, message: LoadingSources) -> None:
        count = len(message.specs)
        noun = "source" if count == 1 else "sources"
        self._loading_message = f"Loading {count} {noun}…" if count else ""
        self._update_status()

    def on_sources_loaded(self, message: SourcesLoaded) -> None:
        self._sources_done = True
        self._loading_message = ""
        self.articles.loading = False
        for error in message.errors:
            self.notify(
                f"{error.source}: {error.reason}", severity="warning", markup=False, timeout=8
            )
        # Problems that did not stop a source (skipped lines, recovered XML):
        # worth knowing, not worth a toast each.
        if len(message.warnings) == 1:
            warning = message.warnings[0]
            self.notify(f"{warning.source}: {warning.reason}", markup=False, timeout=6)
        elif message.warnings:
            first = message.warnings[0]
            self.notify(
                f"{len(message.warnings)} minor problems while reading; first: "
                f"{first.source}: {first.reason}",
                markup=False, timeout=6,
            )
        if message.bookmarked_only == self.bookmarked_only:
            self._apply_headers(message.headers)
        else:
            self._update_status()
        if message.keys:
            self.extract_in_background(list(message.keys))

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        if message.key != self.articles.current_key:
            return
        if message.article is None:
            self.reader.show_message("This article is no longer in the store.")
            self.sidebar.clear()
            return
        had_entities = message.key == self.reader.article_key and bool(self.reader.entities)
        self.reader.show_article(message.key, message.article)
        if not had_entities:
            if self.news_app.entities_enabled:
                self.sidebar.show_loading()
            else:
                self.sidebar.clear()
        row = self.articles.current
        if row is not None and not row.read:
            self.articles.update_row(message.key, read=True)
            articles, unread, bookmarked = self._counts
            self._counts = (articles, max(0, unread - 1), bookmarked)
            self._update_status()

    def on_entities_loaded(self, message: EntitiesLoaded) -> None:
        if message.key != self.reader.article_key:
            return
        self.reader.set_entities(message.entities)
        self.sidebar.show_entities(message.entities)
        self.sidebar.set_active(self.reader.active_entity)

    def on_entity_progress(self, message: EntityProgress) -> None:
        done = message.done >= message.total
        self._entity_message = "" if done else f"Finding entities {message.done}/{message.total}"
        self._update_status()

    def on_entities_unavailable(self, message: EntitiesUnavailable) -> None:
        self.sidebar.clear()
        self.notify(
            f"Entity highlighting is off: {message.reason}",
            severity="warning", markup=False, timeout=8,
        )

    # ------------------------------------------------------------------ widget messages
    @on(ArticleList.Highlighted)
    def _article_highlighted(self, message: ArticleList.Highlighted) -> None:
        self._mention_index = -1
        self.load_article(message.key)

    @on(ArticleList.Opened)
    def _article_opened(self, message: ArticleList.Opened) -> None:
        self.reader.focus()

    @on(EntitySidebar.OptionSelected)
    def _entity_selected(self, message: EntitySidebar.OptionSelected) -> None:
        option = message.option
        if not isinstance(option, EntityOption):
            return
        entity = None if option.entity == self.reader.active_entity else option.entity
        self._set_active_entity(entity)
        if entity is not None:
            self.action_next_mention()

    def _set_active_entity(self, entity: tuple[str, str] | None) -> None:
        self._mention_index = -1
        self.reader.set_active(entity)
        self.sidebar.set_active(entity)

    # ------------------------------------------------------------------ actions
    def action_next_article(self) -> None:
        self.articles.action_cursor_down()

    def action_previous_article(self) -> None:
        self.articles.action_cursor_up()

    def action_page_down(self) -> None:
        self.reader.scroll_page_down()

    def action_page_up(self) -> None:
        self.reader.scroll_page_up()

    def action_toggle_bookmark(self) -> None:
        """Flip the bookmark on the article under the cursor and save it immediately."""
        row = self.articles.current
        if row is None:
            return
        on = self.news_app.store.toggle_bookmark(row.key)
        self.articles.update_row(row.key, bookmarked=on)
        articles, unread, bookmarked = self._counts
        self._counts = (articles, unread, max(0, bookmarked + (1 if on else -1)))
        self._update_status()
        self.notify("Bookmarked." if on else "Bookmark removed.", timeout=2)

    def action_toggle_bookmarks_view(self) -> None:
        self.bookmarked_only = not self.bookmarked_only
        self._update_status()
        self.reload_headers(self.bookmarked_only)

    def action_open_link(self) -> None:
        article = self.reader.article
        link = web_link(article.link if article else None)
        if link is None:
            self.notify("No web link for this article.", severity="warning", timeout=3)
            return
        webbrowser.open(link)
        self.notify(f"Opening {link}", markup=False, timeout=3)

    def action_next_mention(self) -> None:
        self._jump_mention(+1)

    def action_previous_mention(self) -> None:
        self._jump_mention(-1)

    def action_clear_entity(self) -> None:
        """Escape moves closer to home: first drop the emphasis, then return to the list."""
        if self.reader.active_entity is not None:
            self._set_active_entity(None)
        elif not self.articles.has_focus:
            self.articles.focus()

    def _jump_mention(self, step: int) -> None:
        entity = self.reader.active_entity
        if entity is None:
            self.notify("Pick an entity in the sidebar first (Enter).", timeout=3)
            return
        offsets = self.reader.mention_offsets(entity)
        if not offsets:
            return
        self._mention_index = (self._mention_index + step) % len(offsets)
        self.reader.scroll_to_offset(offsets[self._mention_index])

    # ------------------------------------------------------------------ helpers
    def _apply_headers(self, headers: list[ArticleHeader]) -> None:
        articles = self.articles
        if headers or self._sources_done:
            articles.loading = False
        articles.set_rows(headers)
        unread = sum(1 for h in headers if not h.read)
        bookmarked = sum(1 for h in headers if h.bookmarked)
        self._counts = (len(headers), unread, bookmarked)
        self._update_status()
        if not headers:
            if self.bookmarked_only:
                self.reader.show_message("No bookmarks yet. Press b on an article to keep it.")
            elif self._sources_done:
                self.reader.show_message(EMPTY_HINT)
            self.sidebar.clear()

    def _update_status(self) -> None:
        articles, unread, bookmarked = self._counts
        view = "Bookmarks" if self.bookmarked_only else "All articles"
        self.query_one("#status-view", Label).update(Content(view))
        noun = "article" if articles == 1 else "articles"
        counts = f"{articles:,} {noun} · {unread:,} unread · {bookmarked:,} bookmarked"
        self.query_one("#status-counts", Label).update(Content(counts))
        activity = self._loading_message or self._entity_message
        self.query_one("#status-activity", Label).update(Content(activity))
