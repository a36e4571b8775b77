"""The main working screen: article list, reader and entity sidebar, plus the status line.

The screen owns the flow of data. Widgets post messages up (a new cursor
position, an entity picked); the screen starts thread workers for anything
that touches SQLite, the sources or the entity engine, and calls down into
the widgets when the workers' messages come back.

Navigation by entity starts here: ``v`` opens the entity view
(:mod:`newsreader.ui.screens.entity`) and ``e`` narrows the list to the
articles that mention an entity (an :class:`EntityFilter`, shown in the
status line; ``e`` again or Esc from the list clears it).
"""

from __future__ import annotations

import gc
import threading
import webbrowser
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Label
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader.store import StoreError
from newsreader.store.entity_queries import EntityFilter
from newsreader.store.names import entity_identity
from newsreader.ui.messages import (
    ArticleLoaded,
    EntitiesLoaded,
    EntitiesUnavailable,
    EntityProgress,
    HeadersLoaded,
    LoadingSources,
    RelatedLoaded,
    SourcesLoaded,
)
from newsreader.ui.screens.feeds_actions import FeedsActions, StartupRefresh, view_headers
from newsreader.ui.screens.reader_keys import READER_BINDINGS, ReaderKeys
from newsreader.ui.text import failure_reason, safe_line, web_link
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.entity_sidebar import EntityOption, EntitySidebar, RelatedOption
from newsreader.ui.widgets.feeds_pane import FeedsPane, FeedView
from newsreader.ui.widgets.footer import Footer
from newsreader.ui.widgets.reader import Reader
from newsreader.ui.widgets.refresh_status import RefreshStatus

if TYPE_CHECKING:
    from newsreader.store import ArticleHeader, Store
    from newsreader.ui.app import NewsReaderApp

EntityKey = tuple[str, str]  # (label, name)

#: Below this width list and reader take turns at full width (Enter / Esc) and
#: the sidebars open as overlays.
NARROW_WIDTH = 100
#: Below this width (and from NARROW_WIDTH) the feeds pane folds away and the
#: sidebar gets narrower; from here every pane shows together.
MEDIUM_WIDTH = 160
#: Below this width (in the medium layout) the sidebar and the list get narrower.
COMPACT_WIDTH = 110
#: Background extraction reports progress to the status line every this many articles.
PROGRESS_EVERY = 10
#: How many related articles the sidebar lists.
RELATED_LIMIT = 8
#: Start-up paints this many rows (more than any terminal shows) before the
#: whole list is read: ~10 ms instead of ~0.5 s at 100k articles.
FIRST_PAGE = 200
#: The longest the bulk start-up work (whole list, entity model) waits for
#: the first article's frame; only a safety net, the frame normally comes first.
FIRST_FRAME_WAIT = 2.0
#: The list shows its loading spinner only if the first rows take longer than this (s).
SPINNER_AFTER = 0.3
#: The longest entity extraction waits for an article's text to be drawn.
ARTICLE_FRAME_WAIT = 0.3
#: The longest a cursor move waits to be painted together with its article.
HOLD_FRAME_MAX = 0.05
#: From this many rows the list is worth keeping out of full garbage collections
#: (see MainScreen._settle_heap); below it they are a few ms.
SETTLE_HEAP_ROWS = 20_000
#: A full collection is run after an article's frame once this many of the
#: ten generation-1 collections that trigger one by themselves have happened.
GC_FULL_DUE = 5

EMPTY_HINT = (
    "No articles yet.\n\n"
    "Start newsreader with a feed URL, a feed file, an article file or a folder:\n\n"
    "    newsreader https://example.org/feed.xml ~/Downloads/articles/"
)


@dataclass
class FirstPage(Message):
    """The first screenful of the list, sent at start-up before the whole list."""

    headers: list[ArticleHeader]
    bookmarked_only: bool


class MainScreen(ReaderKeys, FeedsActions):
    """List on the left, reader in the centre, entities on the right."""

    #: (help heading, selector) pairs: the ``?`` screen lists these panes' keys.
    HELP_SECTIONS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Feeds", "#feeds"),
        ("Article list", "#articles"),
        ("Reader", "#reader"),
        ("Entities", "#entities"),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "toggle_bookmark", "Bookmark", id="bookmark",
                tooltip="Bookmark or un-bookmark this article (saved at once)"),
        Binding("B", "toggle_bookmarks_view", "Bookmarks only", show=False, id="bookmarks_view",
                tooltip="Show only bookmarked articles, or everything again"),
        Binding("ctrl+b,M", "bookmarks_screen", "Bookmarks", id="bookmarks_screen",
                tooltip="Bookmarks view: notes, tags, remove, export"),
        Binding("o", "open_link", "Open in browser", show=False, id="open_link",
                tooltip="Open the article's web page in your browser"),
        Binding("j", "next_article", "Next article", show=False, id="next_article",
                tooltip="Show the next article (from any pane)"),
        Binding("k", "previous_article", "Previous article", show=False, id="previous_article",
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
        Binding("v", "view_entity", "Entity view", show=False, id="view_entity",
                tooltip="Open the entity view: all its articles, a timeline, its company"),
        Binding("e", "filter_entity", "Filter by entity", show=False, id="filter_entity",
                tooltip="List only articles that mention the entity; again to list all"),
        Binding("escape", "clear_entity", "Back", show=False, id="clear_entity",
                tooltip="Stop emphasising, else back to the list, else clear the filter"),
        Binding("slash", "search", "Search", key_display="/", id="search",
                tooltip="Search every stored article as you type"),
        *READER_BINDINGS,
        Binding("tab", "next_pane", "Next pane", show=False, id="focus_next",
                tooltip="Move focus to the next pane"),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False,
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
        self.entity_filter: EntityFilter | None = None
        # An article to move to once the list holds it, and the entity to
        # emphasise in it (set when the entity view opens an article).
        self._pending_key: int | None = None
        self._pending_entity: tuple[int, EntityKey] | None = None
        # Set once the first article has been framed: bulk work at start-up
        # (the whole list, the entity model) waits for it so it does not
        # compete with that frame for the store and the GIL.
        self._first_frame = threading.Event()
        # The article the reader worker last posted, set once its text is on screen:
        # entity extraction waits for it rather than compete with that frame.
        self._article_framed: tuple[int, threading.Event] | None = None
        # The article whose entities the sidebar shows (None: another's, or none).
        self._entities_key: int | None = None
        # Painting held back from a cursor move until its article is shown.
        self._held_frame: ExitStack | None = None
        # The last big header list the heap was settled for (see _settle_heap).
        self._heap_settled_for: list[ArticleHeader] | None = None

    @property
    def news_app(self) -> NewsReaderApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="status"):
            yield Label("newsreader", id="status-brand")
            yield Label("All articles", id="status-view")
            yield Label("", id="status-activity")
            yield RefreshStatus(id="status-refresh")
            yield Label("", id="status-counts")
        with Horizontal(id="panes"):
            feeds = FeedsPane(id="feeds")
            feeds.border_title = "Feeds"
            yield feeds
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
        # Before the list's own repaint of the cursor is queued: see _hold_frame.
        self.watch(self.articles, "cursor", self._hold_frame, init=False)
        # The layout classes before the first frame: the first Resize comes
        # after it, and changing them then relaid and repainted every pane.
        self._apply_layout(self.app.size.width)
        self.articles.focus()
        self.reader.show_message("Loading…")
        self.feeds_pane.hold()  # its rows after the first article's frame
        self.set_timer(FIRST_FRAME_WAIT, self._first_frame_shown)  # at the latest
        # The list's spinner only when the first rows are slow: mounting it
        # and animating it cost the first frames ~10 ms when they are not.
        self.set_timer(SPINNER_AFTER, self._spin_if_empty)
        self.startup()

    def _first_frame_shown(self) -> None:
        """The first article (or why there is none) is on screen: let start-up's
        deferred work go (the whole list, the entity model, the feeds pane's rows)."""
        self._first_frame.set()
        self.feeds_pane.release()

    def _spin_if_empty(self) -> None:
        if not self.articles.row_count and not self._sources_done:
            self.articles.loading = True

    def update_node_styles(self, animate: bool = True) -> None:
        """Restyle after a class change, except before the screen is first shown.

        The first ScreenResume restyles every node anyway; before it, each
        class set at mount (layout, feeds pane) restyled the whole screen for
        nothing (~10 ms each on the start-up path).
        """
        if self.stack_updates:
            super().update_node_styles(animate)

    def on_resize(self) -> None:
        self._apply_layout(self.size.width)

    def _apply_layout(self, width: int) -> None:
        layout = str(self.news_app.config.get("ui", "layout"))
        if layout not in ("wide", "medium", "narrow"):
            layout = ("narrow" if width < NARROW_WIDTH
                      else "medium" if width < MEDIUM_WIDTH else "wide")
        self.set_class(layout == "narrow", "-narrow")
        self.set_class(layout == "medium", "-medium")
        self.set_class(layout == "wide", "-wide")
        self.set_class(layout == "medium" and width < COMPACT_WIDTH, "-compact")

    # ------------------------------------------------------------------ workers
    @work(thread=True, exclusive=True, group="sources", exit_on_error=False,
          description="Load cached headers, then read the sources")
    def startup(self) -> None:
        """Paint what the store has, then read every source and store it."""
        worker = get_current_worker()
        store = self.news_app.store
        only, chosen, view = self._view
        headers = None
        if chosen is None and view is None:
            first = store.headers(bookmarked_only=only, limit=FIRST_PAGE)
            if len(first) < FIRST_PAGE:
                headers = first  # that is the whole list
            else:
                self.post_message(FirstPage(first, only))
                self._first_frame.wait(FIRST_FRAME_WAIT)
                if worker.is_cancelled:
                    return
                only, chosen, view = self._view
        if headers is None:
            headers = _headers(store, only, chosen, view)
        self.post_message(HeadersLoaded(headers, only, chosen, feed_view=view))
        if not self.news_app.sources and store.subscriptions():
            # Subscriptions: the stored articles are the list; the feeds that
            # are due are fetched in the background (FeedsActions).
            self.post_message(SourcesLoaded(headers, only, [], entity_filter=chosen,
                                            feed_view=view))
            self.post_message(StartupRefresh())
            return
        specs = self.news_app.resolve_sources()
        if worker.is_cancelled:
            return
        if not specs:
            self.post_message(SourcesLoaded(headers, only, [], entity_filter=chosen,
                                            feed_view=view))
            return
        self.post_message(LoadingSources(specs))
        from newsreader.sources import load_sources

        result = load_sources(specs)
        if worker.is_cancelled:
            return
        keys = store.add_articles(result.articles) if result.articles else []
        if result.articles or (only, chosen, view) != self._view:
            # Nothing added and the same view: the list just read still holds
            # (reading it again cost 0.5 s and a second copy at 100k).
            only, chosen, view = self._view
            headers = _headers(store, only, chosen, view)
        self.post_message(
            SourcesLoaded(
                headers, only, keys, list(result.errors), len(result.articles),
                list(result.warnings), entity_filter=chosen, feed_view=view,
            )
        )

    @work(thread=True, exclusive=True, group="headers", exit_on_error=False,
          description="Reload the article list")
    def reload_headers(self, bookmarked_only: bool,
                       entity_filter: EntityFilter | None = None) -> None:
        view = self.feed_view
        headers = _headers(self.news_app.store, bookmarked_only, entity_filter, view)
        self.post_message(HeadersLoaded(headers, bookmarked_only, entity_filter, feed_view=view))

    @work(thread=True, exclusive=True, group="related", exit_on_error=False,
          description="Find related articles")
    def load_related(self, key: int) -> None:
        """Stored articles sharing this one's entities (rarer shared names weigh more)."""
        headers = self.news_app.store.related(key, limit=RELATED_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(RelatedLoaded(key, headers))

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
        cached = None
        if article is not None and self._first_frame.is_set():
            # Saved entities come with the text, so one key press paints once.
            extractor = app.extractor()
            if extractor is not None:
                cached = store.entities(key, app.engine_key(extractor))
        framed = threading.Event()
        self._article_framed = (key, framed)
        self.post_message(ArticleLoaded(key, article))
        if cached is not None:
            self.post_message(EntitiesLoaded(key, list(cached)))
        if article is None:
            return
        if self.mark_read_on_open:
            store.set_read(key, True)
        if cached is not None:
            return
        if not self._first_frame.is_set():
            # Loading the entity model takes ~0.5 s of CPU: show the text first.
            self._first_frame.wait(FIRST_FRAME_WAIT)
        else:
            # Extraction holds the GIL for 5-30 ms: let the text be drawn first.
            framed.wait(ARTICLE_FRAME_WAIT)
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
        if self.entity_filter is not None and total:
            # Newly found mentions may add articles to the filtered list.
            self.post_message(HeadersLoaded(
                _headers(app.store, self.bookmarked_only, self.entity_filter, self.feed_view),
                self.bookmarked_only, self.entity_filter, feed_view=self.feed_view,
            ))
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
        what = event.worker.description or event.worker.name
        reason = failure_reason(event.worker.error)
        self.notify(f"{safe_line(what)}: {reason}", severity="error", markup=False, timeout=8)
        if event.worker.group == "article":
            self._release_frame()
        if event.worker.group == "sources":
            self._first_frame_shown()
            self._sources_done = True
            self.articles.loading = False
            self._loading_message = ""
            self._update_status()
            if self.articles.row_count == 0:
                self.reader.show_message(f"Could not load articles.\n\n{reason}")

    # ------------------------------------------------------------------ worker results
    def on_first_page(self, message: FirstPage) -> None:
        """Show the newest rows (and so the first article) while the rest is read.

        Counts stay blank until the whole list arrives: they would be wrong.
        """
        if (message.bookmarked_only, None, None) != self._view or self.articles.row_count:
            self._first_frame_shown()
            return
        self.articles.loading = False
        self.articles.set_rows(message.headers)

    def on_headers_loaded(self, message: HeadersLoaded) -> None:
        if (message.bookmarked_only, message.entity_filter, message.feed_view) != self._view:
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
        if (message.bookmarked_only, message.entity_filter, message.feed_view) == self._view:
            self._apply_headers(message.headers)
        else:
            self._update_status()
        if message.keys:
            self.extract_in_background(list(message.keys))
            if self.feeds_shown:
                self.load_feeds_pane()  # the counts read at mount are behind now

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        if not self._first_frame.is_set():
            # Once the reader has drawn it, not after the next refresh: that
            # could come first (a held frame), and the bulk start-up work this
            # releases (at 100k the whole list, 0.5 s) then slowed the frame.
            self.reader.call_when_drawn(self._first_frame_shown)
        if message.key != self.articles.current_key:
            return  # the cursor moved on: hold the frame for that article
        if message.article is None:
            self.reader.show_message("This article is no longer in the store.")
            self.sidebar.clear()
            self._release_frame()
            return
        had_entities = message.key == self.reader.article_key and bool(self.reader.entities)
        self.reader.show_article(message.key, message.article)
        framed = self._article_framed
        if framed is not None and framed[0] == message.key:
            self.reader.call_when_drawn(framed[1].set)
        self.reader.call_when_drawn(_collect_if_due)
        if not had_entities:
            self._entities_key = None
            if self.news_app.entities_enabled:
                # After the text is drawn: repainting the sidebar in the same
                # frame made the text ~6 ms later on every key press.
                key = message.key
                self.reader.call_when_drawn(lambda: self._sidebar_loading(key))
            else:
                self.sidebar.clear()
        row = self.articles.current
        if row is not None and not row.read and self.mark_read_on_open:
            self.show_read_marks([message.key], True)
            articles, unread, bookmarked = self._counts
            self._counts = (articles, max(0, unread - 1), bookmarked)
            self._update_status()
        # Through the reader's queue and back: its repaint request reaches this
        # screen before the release, so the text is in the frame the release starts.
        self.reader.call_later(self.call_later, self._release_frame)

    def _sidebar_loading(self, key: int) -> None:
        """Say the sidebar is waiting for article ``key``'s entities, unless they came."""
        if key == self.reader.article_key and key != self._entities_key:
            self.sidebar.show_loading()

    def on_entities_loaded(self, message: EntitiesLoaded) -> None:
        if message.key != self.reader.article_key:
            return
        if message.key != self._entities_key:
            # The sidebar may still list the last article's related ones (its
            # "loading" state, which drops them, waits for the text's frame).
            self.sidebar.show_related([])
        self._entities_key = message.key
        article = self.reader.article
        self.reader.set_entities(message.entities)
        self.sidebar.show_entities(
            message.entities, self.reader.text, article.title if article else ""
        )
        self.sidebar.set_active(self.reader.active_entity)
        self.load_related(message.key)
        self._apply_pending_entity()

    def on_related_loaded(self, message: RelatedLoaded) -> None:
        if message.key == self.reader.article_key:
            self.sidebar.show_related(message.headers)

    def on_entity_progress(self, message: EntityProgress) -> None:
        done = message.done >= message.total
        self._entity_message = "" if done else f"Finding entities {message.done}/{message.total}"
        self._update_status()
        key = self.reader.article_key
        if done and key is not None and self.reader.entities:
            # Related was asked before the other articles had their entities.
            self.load_related(key)

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
        if self._pending_entity is not None and self._pending_entity[0] != message.key:
            self._pending_entity = None  # the user moved on before it arrived
        self._hold_frame()
        self.load_article(message.key)

    def _hold_frame(self) -> None:
        """Paint the cursor move together with its article: one frame per key, not two.

        The article is read in a worker and is usually back within a few ms,
        but a frame for the cursor alone puts the article's frame one to two
        refresh periods (17-33 ms) later. Released when the article is shown,
        or after :data:`HOLD_FRAME_MAX` at the latest.
        """
        if self._held_frame is None:
            held = ExitStack()
            held.enter_context(self.app.batch_update())
            self._held_frame = held
            self.set_timer(HOLD_FRAME_MAX, self._release_frame, name="hold-frame")

    def _release_frame(self) -> None:
        held, self._held_frame = self._held_frame, None
        if held is not None:
            held.close()
            self.check_idle()  # whatever is dirty is painted now

    @on(ArticleList.Opened)
    def _article_opened(self, message: ArticleList.Opened) -> None:
        self.reader.focus()

    @on(EntitySidebar.OptionSelected)
    def _entity_selected(self, message: EntitySidebar.OptionSelected) -> None:
        option = message.option
        if isinstance(option, RelatedOption):
            self.open_article(option.key)
            return
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
        """Bookmark the article under the cursor (saved at once), or remove its bookmark.

        Removal is undoable (``u``) for a few seconds, so the store forgets the
        bookmark (its copy, note and tags) only when that window closes; until
        then the row just shows no star. ``b`` again in the window is an undo.
        """
        row = self.articles.current
        if row is None:
            return
        pending = self.undo_slot.pending
        if pending is not None and pending.key == ("unbookmark", row.key):
            self.undo_slot.undo()
            return
        if row.bookmarked:
            key, store = row.key, self.news_app.store
            self._show_bookmark(key, False)
            title = safe_line(row.title) or "(untitled)"
            self.offer_undo(f"Removed the bookmark on {title}",
                            lambda: self._show_bookmark(key, True),
                            lambda: store.set_bookmark(key, False), key=("unbookmark", key))
            return
        try:
            on = self.news_app.store.toggle_bookmark(row.key)
        except StoreError as exc:  # busy for too long, or the file went bad: say so, keep going
            self.notify(f"The bookmark was not saved: {exc}", severity="error", markup=False)
            return
        self._show_bookmark(row.key, on)
        self.notify("Bookmarked." if on else "Bookmark removed.", timeout=2)

    def _show_bookmark(self, key: int, on: bool) -> None:
        """The row's star and the bookmark count follow ``on``."""
        index = self.articles.index_of(key)
        if index is None:
            return
        was = self.articles.rows[index].bookmarked
        self.articles.update_row(key, bookmarked=on)
        if was != on:
            articles, unread, bookmarked = self._counts
            self._counts = (articles, unread, max(0, bookmarked + (1 if on else -1)))
            self._update_status()

    def _without_pending_removal(self, headers: list[ArticleHeader]) -> list[ArticleHeader]:
        """Rows read while a bookmark removal waits out its undo window: no star on it."""
        pending = self.undo_slot.pending
        if pending is None or not isinstance(pending.key, tuple) or pending.key[0] != "unbookmark":
            return headers
        key = pending.key[1]
        return [replace(h, bookmarked=False) if h.key == key else h for h in headers]

    def action_toggle_bookmarks_view(self) -> None:
        self.bookmarked_only = not self.bookmarked_only
        self._update_status()
        self.reload_headers(self.bookmarked_only, self.entity_filter)

    def action_bookmarks_screen(self) -> None:
        """Open the bookmarks view; the bookmark chosen there opens here."""
        self.undo_slot.commit()  # a removal still undoable here would be listed there
        from newsreader.ui.screens.bookmarks import BookmarksScreen

        screen = BookmarksScreen()

        def chosen(key: int | None) -> None:
            if screen.changed:  # stars and counts in the list
                self.reload_headers(self.bookmarked_only, self.entity_filter)
            if key is not None:
                self.open_bookmark(key)

        self.app.push_screen(screen, chosen)

    def open_bookmark(self, key: int) -> None:
        """Show a bookmark chosen in the bookmarks view.

        Like :meth:`open_article`, but when the list does not hold it, the list
        switches to the bookmarks rather than to everything: only they hold the
        copy of an article its feed has dropped.
        """
        if self.articles.index_of(key) is not None:
            self.open_article(key)
            return
        self._pending_key = key
        self._pending_entity = None
        self.entity_filter = None
        self.bookmarked_only = True
        if self.feed_view is not None:
            self.choose_view(None)  # reloads the list
        else:
            self._update_status()
            self.reload_headers(True, None)

    def _chosen_entity(self) -> EntityKey | None:
        """What ``v`` and ``e`` act on: the sidebar's cursor when it has focus, else the
        emphasised entity."""
        if self.sidebar.has_focus and self.sidebar.highlighted_entity is not None:
            return self.sidebar.highlighted_entity
        return self.reader.active_entity

    def action_view_entity(self) -> None:
        entity = self._chosen_entity()
        if entity is None:
            self.notify("Pick an entity in the sidebar first.", timeout=3)
            return
        from newsreader.ui.screens.entity import EntityScreen

        self.app.push_screen(EntityScreen(*entity))

    def action_filter_entity(self) -> None:
        """Filter the list by the chosen entity; with the same one (or none), clear it."""
        entity = self._chosen_entity()
        current = self.entity_filter
        if entity is None or (
            current is not None and current.label is not None
            and entity_identity(*entity) == entity_identity(current.label, current.name)
        ):
            if current is not None:
                self.set_entity_filter(None)
            else:
                self.notify("Pick an entity in the sidebar first.", timeout=3)
            return
        self.set_entity_filter(entity)

    def set_entity_filter(self, entity: EntityKey | None) -> None:
        """List only the articles that mention ``entity`` (None: all of them again)."""
        self.entity_filter = None if entity is None else EntityFilter(*entity)
        self._update_status()
        self.articles.loading = True
        self.reload_headers(self.bookmarked_only, self.entity_filter)

    def open_article(self, key: int, entity: EntityKey | None = None) -> None:
        """Show article ``key`` (from the entity view or Related), emphasising ``entity``.

        When the list does not hold it (a filter or the bookmarks view hides
        it), the list goes back to showing everything first.
        """
        self._pending_entity = None if entity is None else (key, entity)
        index = self.articles.index_of(key)
        if index is not None:
            self._pending_key = None
            if index == self.articles.cursor and self.reader.article_key == key:
                self._apply_pending_entity()
            else:
                self.articles.move_to(index)
            self.reader.focus()
            return
        self._pending_key = key
        self.entity_filter = None
        self.bookmarked_only = False
        self._update_status()
        self.reload_headers(False, None)

    def _apply_pending_entity(self) -> None:
        """Emphasise the pending entity in the article already shown."""
        pending, self._pending_entity = self._pending_entity, None
        if pending is None or pending[0] != self.reader.article_key:
            return
        wanted = entity_identity(*pending[1])
        for entity in self.reader.entities:
            if entity_identity(entity.label, entity.name) == wanted:
                self._set_active_entity((entity.label, entity.name))
                self.action_next_mention()
                return

    def action_search(self) -> None:
        """Open the search screen; the chosen result opens here, Esc changes nothing."""
        from newsreader.ui.screens.search import SearchScreen

        def chosen(key: int | None) -> None:
            if key is not None:
                self.open_article(key)

        self.app.push_screen(SearchScreen(), chosen)

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
        """Escape moves closer to home: drop the emphasis, return to the list, drop the filter."""
        if self.reader.active_entity is not None:
            self._set_active_entity(None)
        elif not self.articles.has_focus:
            self.articles.focus()
        elif self.entity_filter is not None:
            self.set_entity_filter(None)
        elif self.feed_view is not None:
            self.choose_view(None)

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
    @property
    def _view(self) -> tuple[bool, EntityFilter | None, FeedView | None]:
        """What the list is meant to show: bookmarks only or not, the entity filter, and
        the feed, tag or saved query chosen in the feeds pane."""
        return self.bookmarked_only, self.entity_filter, self.feed_view

    def _apply_headers(self, headers: list[ArticleHeader]) -> None:
        if len(headers) >= SETTLE_HEAP_ROWS and headers is not self._heap_settled_for:
            self._heap_settled_for = headers
            self.call_after_refresh(_settle_heap)  # once the list is on screen
        headers = self.with_read_marks(self._without_pending_removal(headers))
        articles = self.articles
        if headers or self._sources_done or self.entity_filter is not None:
            articles.loading = False
        pending = self._pending_key
        if pending is not None and any(h.key == pending for h in headers):
            self._pending_key = None
            articles.set_rows(headers, keep_key=pending)
            self.reader.focus()
            if self.reader.article_key == pending:
                self._apply_pending_entity()
            else:  # set_rows reports no move when the cursor lands on keep_key
                self._mention_index = -1
                self.load_article(pending)
        else:
            if pending is not None and self._sources_done:
                self._pending_key = None
                self.notify("That article is no longer in the list.", timeout=4)
            articles.set_rows(headers)
        unread = sum(1 for h in headers if not h.read)
        bookmarked = sum(1 for h in headers if h.bookmarked)
        self._counts = (len(headers), unread, bookmarked)
        self._update_status()
        if not headers:
            if self.entity_filter is not None:
                self.reader.show_message(
                    f"No article in this view mentions {self.entity_filter.describe()}.\n\n"
                    "Press e or Esc to list every article again."
                )
            elif self.bookmarked_only:
                self.reader.show_message("No bookmarks yet. Press b on an article to keep it.")
            elif self.feed_view is not None:
                self.reader.show_message(
                    f"Nothing in {self.feed_view.describe()} yet.\n\n"
                    "Press r to refresh it, or Esc to list every article."
                )
            elif self._sources_done:
                self.reader.show_message(EMPTY_HINT)
            self.sidebar.clear()
            if not self._first_frame.is_set():  # no article to show first
                self.call_after_refresh(self._first_frame_shown)

    def _update_status(self) -> None:
        articles, unread, bookmarked = self._counts
        # What narrows the list, most specific last; "All articles" only when
        # nothing does, so at 80 columns the entity's name is not the part cut.
        parts: list[Content] = []
        if self.bookmarked_only:
            parts.append(Content("Bookmarks"))
        if self.feed_view is not None:
            parts.append(Content.styled(safe_line(self.feed_view.describe()), "bold $text-accent"))
        if self.entity_filter is not None:
            parts.append(Content.assemble(
                "mentioning ", (safe_line(self.entity_filter.describe()), "bold $text-accent")))
        view = Content(" · ").join(parts) if parts else Content("All articles")
        self._set_status_label("#status-view", view)
        noun = "article" if articles == 1 else "articles"
        counts = f"{articles:,} {noun} · {unread:,} unread · {bookmarked:,} bookmarked"
        self._set_status_label("#status-counts", Content(counts))
        activity = self._loading_message or self._entity_message
        self._set_status_label("#status-activity", Content(activity))

    def _set_status_label(self, selector: str, content: Content) -> None:
        """Change one status label; lay out again only when its width changes.

        The unread count changes on nearly every key press while reading, its
        width rarely: a layout pass for it reflowed every pane and redrew their
        scrollbars in the frame that shows the next article.
        """
        label = self.query_one(selector, Label)
        shown = label.visual
        if isinstance(shown, Content) and shown.is_same(content):
            return
        same_width = isinstance(shown, Content) and shown.cell_length == content.cell_length
        label.update(content, layout=not same_width)


def _settle_heap() -> None:
    """One full collection now, then keep everything alive out of later ones.

    At 100k articles a full (generation 2) collection walks every header and
    takes ~80 ms; Textual's churn triggered one every ~16 key presses, and
    that key's article came ~80 ms late (the p90 of the key bench). After
    ``gc.freeze`` collections skip what was alive here: the list, the
    widgets. Unfreezing first lets this collection reclaim anything frozen
    last time that has died since, so nothing stays frozen for good; the
    headers themselves are freed by reference counting when replaced.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _collect_if_due() -> None:
    """A full collection now, just after an article is drawn, if one is half due.

    Textual leaves cyclic garbage behind every frame (~1-2k objects a key
    press); left to itself Python collected it in a full collection every
    ~15 presses, ~20 ms (80 ms before :func:`_settle_heap`) inside whichever
    key press came next. Done here, while the reader is being read, it costs
    a few ms that no key waits for.
    """
    if gc.get_count()[2] >= GC_FULL_DUE:
        gc.collect()


def _headers(
    store: Store, bookmarked_only: bool, entity_filter: EntityFilter | None,
    feed_view: FeedView | None = None,
) -> list[ArticleHeader]:
    """The list's rows for a view: everything, or only articles mentioning the entity,
    narrowed to the feed, tag or saved query chosen in the feeds pane."""
    if entity_filter is None:
        headers = store.headers(bookmarked_only=bookmarked_only)
    else:
        headers = store.headers_mentioning(
            entity_filter.label, entity_filter.name, bookmarked_only=bookmarked_only
        )
    if feed_view is None:
        return headers
    # The pane's choice is the smaller set: intersect in Python, in list order.
    chosen = {header.key for header in view_headers(store, feed_view)}
    return [header for header in headers if header.key in chosen]
