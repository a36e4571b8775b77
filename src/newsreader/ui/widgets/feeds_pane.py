"""The feeds pane: "All articles", tags, feeds and saved queries, each with its unread count.

Choosing a row (Enter or a click) narrows the article list to it, the way
newsboat's feed list and query feeds and elfeed's saved searches do. A
subscription is a few hundred rows at most, so a stock ``OptionList`` fits
(the house-style numbers only rule it out for the 100k-row article list).
Headings are disabled options so the cursor skips them.

The pane only draws what the screen hands it (:meth:`FeedsPane.set_data`,
read by a thread worker) and says what the user chose
(:class:`FeedsPane.Chosen`); it never touches the store. Every name comes
from data, so rows are built as plain :class:`Content`, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.ui.text import safe_line

if TYPE_CHECKING:
    from newsreader.store import Feed

ViewKind = Literal["feed", "tag", "query"]


@dataclass(frozen=True, slots=True)
class FeedView:
    """What the article list is narrowed to: one feed (by URL), one tag or a saved query."""

    kind: ViewKind
    value: str
    name: str

    def describe(self) -> str:
        """The status-line words for this view."""
        what = {"feed": "Feed", "tag": "Tag", "query": "Query"}[self.kind]
        return f"{what}: {safe_line(self.name)}"


@dataclass(frozen=True, slots=True)
class QueryRow:
    """A saved query as the pane lists it: counts, or the reason it cannot run."""

    name: str
    query: str
    unread: int = 0
    total: int = 0
    error: str | None = None


class ViewOption(Option):
    """One choosable row; ``view`` None is "All articles"."""

    def __init__(self, prompt: Content, view: FeedView | None, row_id: str) -> None:
        super().__init__(prompt, id=row_id)
        self.view = view


def tag_counts(feeds: Sequence[Feed]) -> list[tuple[str, int, int]]:
    """(tag, unread, total) over the feeds carrying each tag, tags in first-seen order.

    Tags differing only in case are one tag (as ``tag:`` matches them), named
    as first seen.
    """
    counts: dict[str, list[object]] = {}
    for feed in feeds:
        for tag in dict.fromkeys(t.casefold() for t in feed.tags):
            shown = next(t for t in feed.tags if t.casefold() == tag)
            entry = counts.setdefault(tag, [shown, 0, 0])
            entry[1] = int(entry[1]) + feed.unread  # type: ignore[call-overload]
            entry[2] = int(entry[2]) + feed.total  # type: ignore[call-overload]
    return [(str(name), int(unread), int(total))  # type: ignore[call-overload]
            for name, unread, total in counts.values()]


class FeedsPane(OptionList):
    """The left-hand pane of subscriptions (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="feeds_down",
                tooltip="Next row of the feeds pane"),
        Binding("k", "cursor_up", "Up", show=False, id="feeds_up",
                tooltip="Previous row of the feeds pane"),
        Binding("d,delete", "remove", "Remove", id="remove_feed",
                tooltip="Unsubscribe from the feed (asks first; bookmarks stay), "
                        "or forget the saved query"),
        Binding("t", "edit", "Title/tags", id="edit_feed",
                tooltip="Rename the feed and change its tags, or rename the saved query"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "feeds-pane--count", "feeds-pane--error", "feeds-pane--unread",
    }

    @dataclass
    class Chosen(Message):
        """The user chose a row: narrow the list to ``view`` (None: every article)."""

        pane: FeedsPane
        view: FeedView | None

        @property
        def control(self) -> FeedsPane:
            return self.pane

    @dataclass
    class RemoveRequested(Message):
        """``d`` on a feed or a saved query."""

        pane: FeedsPane
        view: FeedView

        @property
        def control(self) -> FeedsPane:
            return self.pane

    @dataclass
    class EditRequested(Message):
        """``t`` on a feed or a saved query."""

        pane: FeedsPane
        view: FeedView

        @property
        def control(self) -> FeedsPane:
            return self.pane

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.feeds: list[Feed] = []
        self.queries: list[QueryRow] = []
        self.current_view: FeedView | None = None
        self.all_unread: int | None = None
        # While held (start-up, see hold()), set_data keeps the data but builds no rows;
        # _unshown says it was given some.
        self._held = False
        self._unshown = False

    # ------------------------------------------------------------------ start-up
    def hold(self) -> None:
        """Keep what :meth:`set_data` is given, but draw no rows until :meth:`release`.

        At start-up the first article's frame comes first: building and
        drawing a few hundred rows (~20-30 ms for 200 feeds) in front of it
        made it that much later.
        """
        self._held = True

    def release(self) -> None:
        """Draw the rows kept while held (harmless when not held)."""
        if self._held:
            self._held = False
            if self._unshown:
                self.set_data(self.feeds, self.queries)

    # ------------------------------------------------------------------ data
    def set_data(self, feeds: Sequence[Feed], queries: Sequence[QueryRow],
                 all_unread: int | None = None) -> None:
        """Redraw every row, keeping the cursor on the same feed, tag or query.

        ``all_unread`` is every unread article in the store, local files and
        unsubscribed sources included, as "All articles" shows them; without
        it the feeds' own counts are summed.
        """
        self.feeds, self.queries = list(feeds), list(queries)
        if all_unread is not None:
            self.all_unread = all_unread
        self._unshown = self._held
        if self._held:
            return
        kept = self.highlighted_view_id
        width = max(10, self.scrollable_content_region.width or 26)
        options: list[Option] = []
        unread = self.all_unread
        if unread is None:
            unread = sum(feed.unread for feed in feeds)
        options.append(self._row("All articles", unread, None, width, "view-all"))
        tags = tag_counts(feeds)
        if tags:
            options.append(Option(Content("Tags"), disabled=True))
            for n, (tag, tag_unread, _total) in enumerate(tags):
                view = FeedView("tag", tag, tag)
                options.append(self._row(tag, tag_unread, view, width, f"tag-{n}"))
        if feeds:
            options.append(Option(Content("Feeds"), disabled=True))
            for n, feed in enumerate(feeds):
                view = FeedView("feed", feed.url, feed.display_title)
                options.append(self._row(feed.display_title, feed.unread, view,
                                         width, f"feed-{n}", error=bool(feed.last_error)))
        if queries:
            options.append(Option(Content("Saved queries"), disabled=True))
            for n, query in enumerate(queries):
                view = FeedView("query", query.query, query.name)
                options.append(self._row(query.name, query.unread, view, width,
                                         f"query-{n}", error=query.error is not None))
        self.clear_options()
        self.add_options(options)
        self._restore(kept)

    @property
    def highlighted_view(self) -> FeedView | None:
        """The feed, tag or query under the cursor (None: "All articles" or nothing)."""
        option = self.highlighted_option if self.highlighted is not None else None
        return option.view if isinstance(option, ViewOption) else None

    @property
    def highlighted_view_id(self) -> tuple[str, str] | None:
        option = self.highlighted_option if self.highlighted is not None else None
        if not isinstance(option, ViewOption):
            return None
        view = option.view
        return ("all", "") if view is None else (view.kind, view.value)

    def feed_for(self, url: str) -> Feed | None:
        return next((feed for feed in self.feeds if feed.url == url), None)

    def feed_of_source(self, source: str) -> Feed | None:
        """The subscription an article source belongs to (a folder owns the files in it)."""
        for feed in self.feeds:
            if source == feed.source or (
                feed.kind == "folder" and source.startswith(feed.source.rstrip("/") + "/")
            ):
                return feed
        return None

    # ------------------------------------------------------------------ drawing
    def _row(self, name: str, unread: int, view: FeedView | None, width: int,
             row_id: str, *, error: bool = False) -> ViewOption:
        # The unread count, right-aligned; the total is in the status view (s).
        mark = "!" if error else " "
        count = f"{unread:,}" if unread else ""
        label = safe_line(name) or "(untitled)"
        room = max(1, width - len(count) - 3)
        if len(label) > room:
            label = label[: max(1, room - 1)] + "…"
        gap = " " * max(1, width - 2 - len(label) - len(count))
        name_style = "bold" if unread else ""
        prompt = Content.assemble(
            (mark, "bold $text-error" if error else ""),
            " ",
            (label, name_style),
            gap,
            (count, "$text-secondary"),
        )
        return ViewOption(prompt, view, row_id)

    def _restore(self, kept: tuple[str, str] | None) -> None:
        target = 0
        for index, option in enumerate(self.options):
            if not isinstance(option, ViewOption):
                continue
            view = option.view
            ident = ("all", "") if view is None else (view.kind, view.value)
            if kept is not None and ident == kept:
                target = index
                break
        if self.option_count:
            self.highlighted = target

    def on_resize(self) -> None:
        if self.feeds or self.queries:
            self.set_data(self.feeds, self.queries)

    # ------------------------------------------------------------------ events
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option = event.option
        if isinstance(option, ViewOption):
            self.current_view = option.view
            self.post_message(self.Chosen(self, option.view))

    def action_remove(self) -> None:
        view = self.highlighted_view
        if view is not None and view.kind in ("feed", "query"):
            self.post_message(self.RemoveRequested(self, view))
        else:
            self.notify("Pick a feed or a saved query to remove.", timeout=3)

    def action_edit(self) -> None:
        view = self.highlighted_view
        if view is not None and view.kind in ("feed", "query"):
            self.post_message(self.EditRequested(self, view))
        else:
            self.notify("Pick a feed or a saved query to change.", timeout=3)

