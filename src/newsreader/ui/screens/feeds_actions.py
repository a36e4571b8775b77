"""The feeds side of the main screen: the feeds pane, subscriptions, refresh, feed status.

:class:`FeedsActions` is the base class of
:class:`~newsreader.ui.screens.main.MainScreen`, so these keys and handlers
live on the main screen without crowding its module. It relies on the main
screen's ``articles`` list, ``reader`` and ``reload_headers``.

Refresh runs :func:`newsreader.feeds.refresh_feeds` in one exclusive thread
worker; each finished feed posts :class:`RefreshProgress`, which moves the
progress bar and, when the feed brought something, reloads the list a little
later (coalesced). The list keeps the cursor on the article being read
(:meth:`ArticleList.set_rows` follows the key) and the reader is not
reloaded, so new articles arrive without moving anything under the user.

At start-up with subscriptions and no SOURCE arguments the stored articles
are shown at once and only feeds that are *due* are fetched: never tried,
or last tried longer ago than ``[refresh] interval_minutes`` (the engine
itself still honours each feed's ``next_attempt``). The same interval drives
the auto-refresh timer; 0 turns both off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader.ui.text import safe_line
from newsreader.ui.widgets.feeds_pane import FeedsPane, FeedView, QueryRow
from newsreader.ui.widgets.refresh_status import RefreshStatus

if TYPE_CHECKING:
    from collections.abc import Sequence

    from newsreader.feeds import AddResult, FeedReport, RefreshSummary
    from newsreader.store import ArticleHeader, Feed, Store
    from newsreader.ui.app import NewsReaderApp
    from newsreader.ui.screens.edit_feed import EditResult
    from newsreader.ui.widgets.article_list import ArticleList
    from newsreader.ui.widgets.reader import Reader

#: At or above this width the feeds pane shows without being asked for.
WIDE_WIDTH = 160
#: New articles reach the list at most this often while a refresh runs (seconds).
LIST_RELOAD_DELAY = 0.4
#: Unread counts in the pane follow reading after this pause (seconds).
PANE_RELOAD_DELAY = 1.5


# --------------------------------------------------------------------------- messages


@dataclass
class FeedsPaneLoaded(Message):
    """Feeds with counts and saved queries with counts, for the pane."""

    feeds: list[Feed]
    queries: list[QueryRow]
    all_unread: int | None = None


@dataclass
class RefreshStarted(Message):
    total: int


@dataclass
class RefreshProgress(Message):
    """One more feed is done; ``changed`` when it stored new or changed articles."""

    done: int
    total: int
    new: int
    failed: int
    changed: bool


@dataclass
class RefreshFinished(Message):
    """The refresh ended (or found nothing due: ``summary`` None)."""

    summary: RefreshSummary | None
    quiet: bool = False
    #: Stored articles still without entities: extracted next, in the background.
    keys: list[int] = field(default_factory=list)


@dataclass
class FullTextStored(Message):
    """Article ``key`` now has its page's text (and entities found again)."""

    key: int
    chars: int


@dataclass
class FullTextFailed(Message):
    key: int
    reason: str


@dataclass
class StartupRefresh(Message):
    """Posted by the start-up worker: the stored articles are shown, now fetch what is due."""


@dataclass
class FeedChanged(Message):
    """A subscription was added, removed or edited: redraw the pane (and maybe the list)."""

    note: str = ""
    reload_list: bool = False
    removed_url: str | None = None


# --------------------------------------------------------------------------- pure helpers


def due_feeds(
    feeds: Sequence[Feed], interval_minutes: float, now: datetime | None = None
) -> list[Feed]:
    """Feeds worth fetching now: never tried, or tried longer than the interval ago.

    With an interval of 0 (never refresh by itself) only never-tried feeds
    are due, so a feed added with ``--no-fetch`` still fills in.
    """
    now = now or datetime.now(UTC)
    every = timedelta(minutes=interval_minutes)
    return [
        feed for feed in feeds
        if feed.last_attempt is None or (interval_minutes > 0 and now - feed.last_attempt >= every)
    ]


def view_headers(store: Store, view: FeedView) -> list[ArticleHeader]:
    """The rows a feeds-pane choice lists (bookmarks and entity filters narrow them after)."""
    if view.kind == "feed":
        return store.headers_for_feed(view.value)
    if view.kind == "tag":
        return store.headers_for_tag(view.value)
    from newsreader.query import parse_query

    return [hit.header for hit in store.search(parse_query(view.value), limit=None, excerpts=0)]


def summary_words(summary: RefreshSummary) -> str:
    """The notification at the end of a refresh."""
    noun = "feed" if summary.total == 1 else "feeds"
    words = f"Refreshed {len(summary.reports)}/{summary.total} {noun}: {summary.new:,} new"
    if summary.updated:
        words += f", {summary.updated:,} updated"
    if summary.failed:
        words += f", {summary.failed} failed (s shows why)"
    if summary.cancelled:
        words += " (stopped)"
    return words


class FeedsActions(Screen[None]):
    """Keys, workers and handlers of the feeds side (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("F", "toggle_feeds", "Feeds", id="toggle_feeds",
                tooltip="Show or hide the feeds pane"),
        Binding("a", "add_feed", "Add feed", show=False, id="add_feed",
                tooltip="Subscribe to a feed URL, a web page, a file or a folder"),
        Binding("r", "refresh_current", "Refresh", show=False, id="refresh_feed",
                tooltip="Refresh the current feed (the chosen one, else the article's)"),
        Binding("R", "refresh_all", "Refresh all", show=False, id="refresh_all",
                tooltip="Refresh every subscription"),
        Binding("s", "feed_status", "Feed status", show=False, id="feed_status",
                tooltip="Every feed's last success, last error and next attempt"),
        Binding("f", "full_text", "Full text", show=False, id="full_text",
                tooltip="Fetch the full article page for a summary-only item"),
    ]

    #: The list gets the focus first, not the (leftmost) feeds pane.
    AUTO_FOCUS = "#articles"

    #: Parse feed bodies in worker processes (tests turn it off to stay light).
    PARSE_IN_PROCESSES: ClassVar[bool] = True

    if TYPE_CHECKING:
        articles: ArticleList
        reader: Reader
        bookmarked_only: bool

        def reload_headers(self, bookmarked_only: bool, entity_filter: Any = None) -> None: ...
        def _update_status(self) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.feed_view: FeedView | None = None
        self._feeds_shown: bool | None = None  # None: by width
        self._refreshing = False
        self._list_timer: Timer | None = None
        self._pane_timer: Timer | None = None
        self._auto_timer: Timer | None = None

    @property
    def _feeds_app(self) -> NewsReaderApp:
        return self.app  # type: ignore[return-value]

    @property
    def feeds_pane(self) -> FeedsPane:
        return self.query_one("#feeds", FeedsPane)

    @property
    def refresh_status(self) -> RefreshStatus:
        return self.query_one("#status-refresh", RefreshStatus)

    # ------------------------------------------------------------------ settings
    def refresh_setting(self, name: str) -> Any:
        """A ``[refresh]`` setting from the app's config (loaded here if the app has none)."""
        config = getattr(self.app, "config", None)
        if config is None:
            from newsreader.config import load_config

            config = load_config()
            self.app.config = config  # type: ignore[attr-defined]
        return config.get("refresh", name)

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        self._apply_feeds_display()
        self.load_feeds_pane()
        try:
            minutes = float(self.refresh_setting("interval_minutes") or 0)
        except (KeyError, TypeError, ValueError):
            minutes = 0.0
        if minutes > 0:
            self._auto_timer = self.set_interval(minutes * 60, self._auto_refresh)

    def on_resize(self) -> None:
        self._apply_feeds_display()

    @property
    def feeds_shown(self) -> bool:
        """Whether the feeds pane is meant to be on screen (the ``-feeds`` class)."""
        return self.has_class("-feeds")

    def _apply_feeds_display(self) -> None:
        """Show the pane on wide screens unless the user hid it (F), and where asked.

        The layout classes (``-wide``, ``-medium``, ``-narrow``) are set by the
        main screen's ``on_resize``, which runs before this one; without them
        the width decides.
        """
        shown = self._feeds_shown
        if shown is None:
            if self.has_class("-wide", "-medium", "-narrow"):
                shown = self.has_class("-wide")
            else:
                shown = self.size.width >= WIDE_WIDTH
        if not shown and self.feeds_pane.has_focus:
            self.articles.focus()
        self.set_class(shown, "-feeds")

    def _auto_refresh(self) -> None:
        if not self._refreshing:
            self.run_refresh(None, due_only=True, quiet=True)

    # ------------------------------------------------------------------ actions
    def action_toggle_feeds(self) -> None:
        self._feeds_shown = not self.feeds_shown
        self._apply_feeds_display()
        if self.feeds_shown:
            self.feeds_pane.focus()
            self.load_feeds_pane()  # counts moved on while it was hidden

    def action_add_feed(self) -> None:
        from newsreader.ui.screens.add_feed import AddFeedScreen

        self.app.push_screen(AddFeedScreen(), self._added)

    def _added(self, result: AddResult | None) -> None:
        if result is None:
            return
        feed = result.feed
        title = safe_line(feed.display_title)
        if not result.created:
            words = f"Already subscribed to {title}."
        elif result.found_on:
            words = f"Subscribed to {title} (found on {safe_line(result.found_on)})."
        else:
            words = f"Subscribed to {title}."
        if result.note:
            words += f" {safe_line(result.note)}"
        self.notify(words, markup=False, timeout=6)
        self.load_feeds_pane()
        if result.created:
            self.start_refresh([feed.url])

    def action_refresh_all(self) -> None:
        self.start_refresh(None)

    def action_refresh_current(self) -> None:
        urls = self._current_feed_urls()
        if urls is None:
            self.notify("This article is not from a subscription; R refreshes them all.",
                        timeout=4)
            return
        self.start_refresh(urls)

    def _current_feed_urls(self) -> list[str] | None:
        """What ``r`` refreshes: the pane's feed or tag, the chosen view, else the article's
        feed (None: the article is not from a subscription)."""
        pane = self.feeds_pane
        view = pane.highlighted_view if pane.has_focus else self.feed_view
        if view is not None and view.kind == "feed":
            return [view.value]
        if view is not None and view.kind == "tag":
            tag = view.value.casefold()
            return [f.url for f in pane.feeds if tag in (t.casefold() for t in f.tags)]
        row = self.articles.current
        feed = pane.feed_of_source(row.source) if row is not None else None
        return None if feed is None else [feed.url]

    def start_refresh(self, urls: list[str] | None, *, due_only: bool = False,
                      quiet: bool = False) -> None:
        if self._refreshing:
            self.notify("A refresh is already running.", timeout=3)
            return
        self.run_refresh(urls, due_only=due_only, quiet=quiet)

    def action_full_text(self) -> None:
        """``f``: replace a summary with the article's page text (in a worker)."""
        key, article = self.reader.article_key, self.reader.article
        if key is None or article is None:
            return
        if not article.summary_only:
            self.notify("This article already has its full text.", timeout=3)
            return
        if not article.link:
            self.notify("This article has no link to fetch.", severity="warning", timeout=3)
            return
        self.notify("Fetching the full text…", timeout=2)
        self.fetch_full_text(key, article.link, article.text)

    @work(thread=True, exclusive=True, group="full-text", exit_on_error=False,
          description="Fetch the full text")
    def fetch_full_text(self, key: int, link: str, summary: str) -> None:
        from newsreader.sources.fulltext import FullTextError, adds_text, fetch_full_text

        try:
            full = fetch_full_text(link)
        except FullTextError as exc:
            self.post_message(FullTextFailed(key, str(exc)))
            return
        if not adds_text(full, summary):
            self.post_message(FullTextFailed(key, "the page has no more text than the summary"))
            return
        store = self._feeds_app.store
        store.set_full_text(key, full.text)
        self._feeds_app.ensure_entities(key)  # the old ones were cleared with the summary
        self.post_message(FullTextStored(key, len(full.text)))

    def on_full_text_stored(self, message: FullTextStored) -> None:
        self.notify(f"Full text fetched ({message.chars:,} characters).", timeout=3)
        if self.articles.current_key == message.key:
            self.load_article(message.key)  # type: ignore[attr-defined]

    def on_full_text_failed(self, message: FullTextFailed) -> None:
        self.notify(f"No full text: {safe_line(message.reason)}", severity="warning",
                    markup=False, timeout=6)

    def action_feed_status(self) -> None:
        from newsreader.ui.screens.feed_status import FeedStatusScreen

        self.app.push_screen(FeedStatusScreen())

    def choose_view(self, view: FeedView | None) -> None:
        """Narrow the list to a feed, tag or saved query (None: every article)."""
        self.feed_view = view
        self.feeds_pane.current_view = view
        # No loading indicator: the list keeps focus (a loading widget cannot take
        # it) and a feed's rows arrive in well under a second.
        self._update_status()
        self.reload_headers(self.bookmarked_only, getattr(self, "entity_filter", None))

    # ------------------------------------------------------------------ pane messages
    @on(FeedsPane.Chosen)
    def _view_chosen(self, message: FeedsPane.Chosen) -> None:
        if self.has_class("-narrow") and self.feeds_shown:
            self._feeds_shown = False  # the overlay has done its job
            self._apply_feeds_display()
        self.articles.focus()
        self.choose_view(message.view)

    @on(FeedsPane.RemoveRequested)
    def _remove_requested(self, message: FeedsPane.RemoveRequested) -> None:
        from newsreader.ui.screens.confirm import ConfirmScreen

        view = message.view
        if view.kind == "query":
            question = f"Forget the saved query “{view.name}”?\nNo article is deleted."

            def forget(yes: bool | None) -> None:
                if yes:
                    self.change_feed("forget_query", view)

            self.app.push_screen(ConfirmScreen("Forget saved query", question, "Forget"),
                                 forget)
            return
        feed = self.feeds_pane.feed_for(view.value)
        count = feed.total if feed is not None else 0
        noun = "article" if count == 1 else "articles"
        question = (
            f"Unsubscribe from “{view.name}”?\n"
            f"Its {count:,} {noun} are deleted; bookmarks stay."
        )

        def remove(yes: bool | None) -> None:
            if yes:
                self.change_feed("remove", view)

        self.app.push_screen(ConfirmScreen("Remove feed", question, "Remove"), remove)

    @on(FeedsPane.EditRequested)
    def _edit_requested(self, message: FeedsPane.EditRequested) -> None:
        from newsreader.ui.screens.edit_feed import EditFeedScreen

        view = message.view
        if view.kind == "query":
            screen = EditFeedScreen("Rename saved query", view.name, None)
        else:
            feed = self.feeds_pane.feed_for(view.value)
            if feed is None:
                return
            screen = EditFeedScreen("Feed title and tags", feed.user_title or "", feed.tags)

        def edited(result: EditResult | None) -> None:
            if result is not None:
                self.change_feed("edit", view, result)

        self.app.push_screen(screen, edited)

    # ------------------------------------------------------------------ workers
    @work(thread=True, exclusive=True, group="feeds-pane", exit_on_error=False,
          description="Read the feeds pane")
    def load_feeds_pane(self) -> None:
        """Feeds with unread counts, and each saved query's counts (a query that no longer
        parses shows its error mark instead of failing the pane)."""
        from newsreader.query import QueryError, parse_query
        from newsreader.store import StoreError

        store = self._feeds_app.store
        feeds = store.feeds()
        rows: list[QueryRow] = []
        for saved in store.saved_queries():
            if get_current_worker().is_cancelled:
                return
            try:
                total, unread = store.count_query(parse_query(saved.query))
            except (QueryError, StoreError) as exc:
                rows.append(QueryRow(saved.name, saved.query, error=str(exc)))
                continue
            rows.append(QueryRow(saved.name, saved.query, unread, total))
        all_unread = store.count(unread_only=True)
        self.post_message(FeedsPaneLoaded(feeds, rows, all_unread))

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False,
          description="Refresh feeds")
    def run_refresh(self, urls: list[str] | None, *, due_only: bool = False,
                    quiet: bool = False) -> None:
        """Fetch feeds and store what changed, reporting each finished feed."""
        from newsreader.feeds import refresh_feeds

        worker = get_current_worker()
        store = self._feeds_app.store
        if due_only:
            minutes = float(self.refresh_setting("interval_minutes") or 0)
            urls = [feed.url for feed in due_feeds(store.feeds(), minutes)]
            if not urls:
                self.post_message(RefreshFinished(None, quiet=True))
                return
        total = len(store.feeds()) if urls is None else len(urls)
        if not total:
            if not quiet:  # "Refreshed 0/0 feeds" would say nothing useful
                self.post_message(FeedChanged(
                    "No subscriptions to refresh yet: press a to subscribe to a feed."))
            self.post_message(RefreshFinished(None, quiet=True))
            return
        self.post_message(RefreshStarted(total))
        failed = 0
        new = 0

        def progress(done: int, total: int, report: FeedReport) -> None:
            nonlocal failed, new
            failed += report.failed
            new += report.new
            changed = bool(report.new or report.updated or report.removed)
            self.post_message(RefreshProgress(done, total, new, failed, changed))

        summary = refresh_feeds(
            store, urls,
            concurrency=int(self.refresh_setting("concurrency") or 8),
            progress=progress,
            cancelled=lambda: worker.is_cancelled,
            parse_in_processes=self.PARSE_IN_PROCESSES,
        )
        keys: list[int] = []
        if not worker.is_cancelled:
            # Off the refresh's critical path: convert pending HTML and index the new
            # text for search, then hand the articles without entities to the
            # background batch. After every refresh, not only one that brought
            # articles: those a `newsreader refresh` (a cron job, say) stored are
            # still pending, and the app's first refresh is their turn.
            store.sync_search_index()
            extractor = self._feeds_app.extractor()
            if extractor is not None:
                keys = store.keys_without_entities(self._feeds_app.engine_key(extractor))
        self.post_message(RefreshFinished(summary, quiet=quiet, keys=keys))

    @work(thread=True, exclusive=True, group="feed-change", exit_on_error=False,
          description="Change a subscription")
    def change_feed(self, what: str, view: FeedView, edit: EditResult | None = None) -> None:
        store = self._feeds_app.store
        if what == "remove":
            deleted = store.remove_feed(view.value)
            note = (f"Removed {view.name}: {deleted or 0:,} articles deleted, bookmarks kept."
                    if deleted is not None else f"{view.name} was not subscribed.")
            self.post_message(FeedChanged(note, reload_list=True, removed_url=view.value))
        elif what == "forget_query":
            store.delete_saved_query(view.name)
            self.post_message(FeedChanged(f"Forgot the saved query {view.name}."))
        elif what == "edit" and edit is not None:
            if view.kind == "query":
                if edit.title and edit.title != view.name:
                    store.rename_saved_query(view.name, edit.title)
            else:
                store.rename_feed(view.value, edit.title or None)
                if edit.tags is not None:
                    store.set_feed_tags(view.value, edit.tags)
            self.post_message(FeedChanged(reload_list=True))

    # ------------------------------------------------------------------ worker results
    def on_feeds_pane_loaded(self, message: FeedsPaneLoaded) -> None:
        self.feeds_pane.set_data(message.feeds, message.queries, message.all_unread)

    def on_startup_refresh(self, message: StartupRefresh) -> None:
        self.start_refresh(None, due_only=True, quiet=True)

    def on_refresh_started(self, message: RefreshStarted) -> None:
        self._refreshing = True
        self.refresh_status.start(message.total)

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self._refreshing = True
        self.refresh_status.advance(message.done, message.total, message.new, message.failed)
        if message.changed:
            self._schedule_list_reload()

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        self._refreshing = False
        self.refresh_status.stop()
        summary = message.summary
        if summary is None:
            return
        self._reload_list()
        self.load_feeds_pane()
        if message.keys:
            self.extract_in_background(message.keys)
        if summary.failed or not message.quiet or summary.new:
            self.notify(summary_words(summary), markup=False, timeout=6,
                        severity="warning" if summary.failed else "information")

    def on_feed_changed(self, message: FeedChanged) -> None:
        if message.note:
            self.notify(message.note, markup=False, timeout=5)
        view = self.feed_view
        if message.removed_url is not None and view is not None and (
            view.kind, view.value) == ("feed", message.removed_url):
            self.choose_view(None)  # the chosen feed is gone: back to every article
        elif message.reload_list:
            self._reload_list()
        self.load_feeds_pane()

    def on_article_loaded(self, message: Message) -> None:
        """Reading marks articles read: the pane's unread counts follow, a little later."""
        if self.feeds_shown:
            if self._pane_timer is not None:
                self._pane_timer.stop()
            self._pane_timer = self.set_timer(PANE_RELOAD_DELAY, self.load_feeds_pane)

    @on(Worker.StateChanged)
    def _feeds_worker_ended(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "refresh" and event.state in (
            WorkerState.ERROR, WorkerState.CANCELLED
        ):
            self._refreshing = False
            self.refresh_status.stop()

    # ------------------------------------------------------------------ helpers
    def _schedule_list_reload(self) -> None:
        if self._list_timer is None:
            self._list_timer = self.set_timer(LIST_RELOAD_DELAY, self._reload_list)

    def _reload_list(self) -> None:
        if self._list_timer is not None:
            self._list_timer.stop()
            self._list_timer = None
        self.reload_headers(self.bookmarked_only, getattr(self, "entity_filter", None))
