"""The reader's verbs on the main screen: read state, undo, links, panes and layout.

A plain mixin of :class:`~newsreader.ui.screens.main.MainScreen` (its
bindings are :data:`READER_BINDINGS`, spliced into the screen's list), kept
apart so the main screen stays about data flow. Everything that writes runs
in a thread worker; the list is updated first, so keys feel instant.

Undo: ``A`` (mark the view read) and removing a bookmark with ``b`` leave
one undo step (:class:`~newsreader.ui.undo.UndoSlot`, shared with the
bookmarks view) for a few seconds; ``u`` or ``ctrl+z`` takes it back.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding, BindingType
from textual.widget import Widget

from newsreader.ui.text import safe_line, web_link
from newsreader.ui.undo import UNDO_SECONDS, UndoSlot

if TYPE_CHECKING:
    from newsreader.store import ArticleHeader
    from newsreader.ui.app import NewsReaderApp
    from newsreader.ui.widgets.article_list import ArticleList
    from newsreader.ui.widgets.entity_sidebar import EntitySidebar
    from newsreader.ui.widgets.reader import Reader

__all__ = ["READER_BINDINGS", "UNDO_SECONDS", "ReaderKeys", "open_url"]

#: Article list width limits for ``<`` / ``>`` (cells).
LIST_MIN, LIST_STEP = 24, 6

READER_BINDINGS: list[BindingType] = [
    Binding("n", "next_unread", "Next unread", show=False, id="next_unread",
            tooltip="Show the next unread article"),
    Binding("p", "previous_unread", "Previous unread", show=False, id="previous_unread",
            tooltip="Show the previous unread article"),
    Binding("N", "toggle_read", "Read/unread", show=False, id="toggle_read",
            tooltip="Mark this article unread, or read again"),
    Binding("A", "mark_view_read", "Mark all read", show=False, id="mark_view_read",
            tooltip="Mark every article in this list read (u undoes)"),
    Binding("u,ctrl+z", "undo", "Undo", show=False, id="undo",
            tooltip="Undo the last mark-all-read or bookmark removal"),
    Binding("L", "show_links", "Links", show=False, id="show_links",
            tooltip="List the article's links; a digit opens one"),
    Binding("y", "copy_link", "Copy link", show=False, id="copy_link",
            tooltip="Copy the article's web link to the clipboard"),
    Binding("h", "pane_left", "Left pane", show=False, id="pane_left",
            tooltip="Move focus to the pane on the left"),
    Binding("l", "pane_right", "Right pane", show=False, id="pane_right",
            tooltip="Move focus to the pane on the right"),
    Binding("z", "zen", "Zen mode", show=False, id="zen",
            tooltip="Zen mode: the reader alone; again to come back"),
    Binding("less_than_sign", "list_narrower", "Narrower list", show=False, key_display="<",
            id="list_narrower", tooltip="Make the article list narrower"),
    Binding("greater_than_sign", "list_wider", "Wider list", show=False, key_display=">",
            id="list_wider", tooltip="Make the article list wider"),
    Binding("S", "toggle_sidebar", "Sidebar", show=False, id="toggle_sidebar",
            tooltip="Show or hide the entity sidebar (an overlay on narrow screens)"),
]


class ReaderKeys:
    """Actions for :data:`READER_BINDINGS` (see the module docstring)."""

    if TYPE_CHECKING:
        app: NewsReaderApp
        news_app: NewsReaderApp
        articles: ArticleList
        reader: Reader
        sidebar: EntitySidebar
        _counts: tuple[int, int, int]

        def _update_status(self) -> None: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def set_class(self, add: bool, *names: str) -> object: ...
        def has_class(self, *names: str) -> bool: ...
        def run_worker(self, work: Callable[[], object], **kwargs: object) -> object: ...
        def open_article(self, key: int, entity: tuple[str, str] | None = None) -> None: ...

    @property
    def undo_slot(self) -> UndoSlot:
        """The screen's one undo step (made on first use: this mixin has no __init__)."""
        slot: UndoSlot | None = self.__dict__.get("_undo_slot")
        if slot is None:
            slot = self.__dict__["_undo_slot"] = UndoSlot(self)  # type: ignore[arg-type]
        return slot

    # ------------------------------------------------------------------ read state
    @property
    def mark_read_on_open(self) -> bool:
        return bool(self.news_app.config.get("reading", "mark_read_on_open"))

    @property
    def _held_read_marks(self) -> dict[int, bool]:
        marks: dict[int, bool] | None = self.__dict__.get("_read_marks")
        if marks is None:
            marks = self.__dict__["_read_marks"] = {}
        return marks

    def show_read_marks(self, keys: Iterable[int], read: bool) -> None:
        """Show these rows read (or unread) now, ahead of the store's write.

        The store is written in a worker, so a list read just before that
        write (the reload after a refresh, say) can arrive just after it and
        would show the article unread again: the marks are held, and
        :meth:`with_read_marks` keeps them until a list read agrees.
        """
        marks = self._held_read_marks
        for key in keys:
            self.articles.update_row(key, read=read)
            marks[key] = read

    def with_read_marks(self, headers: list[ArticleHeader]) -> list[ArticleHeader]:
        """``headers`` with the held read marks; a mark the headers agree with is let go."""
        marks = self._held_read_marks
        if not marks:
            return headers
        changed: list[ArticleHeader] | None = None
        for index, header in enumerate(headers):
            read = marks.get(header.key)
            if read is None:
                continue
            if header.read == read:
                del marks[header.key]  # the store has it
            else:
                if changed is None:
                    changed = list(headers)
                changed[index] = replace(header, read=read)
        return headers if changed is None else changed

    def action_next_unread(self) -> None:
        self._move_unread(+1)

    def action_previous_unread(self) -> None:
        self._move_unread(-1)

    def _move_unread(self, step: int) -> None:
        rows = self.articles.rows
        index = self.articles.cursor + step
        while 0 <= index < len(rows):
            if not rows[index].read:
                self.articles.move_to(index)
                return
            index += step
        where = "below" if step > 0 else "above"
        self.notify(f"No unread article {where}.", timeout=2)

    def action_toggle_read(self) -> None:
        row = self.articles.current
        if row is None:
            return
        read = not row.read
        self.show_read_marks([row.key], read)
        self._recount()
        store = self.news_app.store
        self.run_worker(lambda: store.set_read(row.key, read), thread=True,
                        exit_on_error=False, group="read-marks",
                        description="Save the read mark")

    def action_mark_view_read(self) -> None:
        keys = [row.key for row in self.articles.rows if not row.read]
        if not keys:
            self.notify("Nothing unread here.", timeout=2)
            return
        self.show_read_marks(keys, True)
        self._recount()
        store = self.news_app.store
        self.run_worker(lambda: store.set_read_many(keys, True), thread=True,
                        exit_on_error=False, group="read-marks",
                        description="Mark the list read")

        def undo() -> None:
            self.show_read_marks(keys, False)
            self._recount()
            self.run_worker(lambda: store.set_read_many(keys, False), thread=True,
                            exit_on_error=False, group="read-marks",
                            description="Undo mark all read")

        noun = "article" if len(keys) == 1 else "articles"
        self.offer_undo(f"Marked {len(keys):,} {noun} read", undo)

    def offer_undo(self, what: str, undo: Callable[[], None],
                   commit: Callable[[], None] | None = None, *, key: object = None) -> None:
        """Keep ``undo`` as the one undo step for a while and say so; ``commit``
        is a store write deferred until the step can no longer be undone."""
        self.undo_slot.offer(what, undo, commit, key=key)

    def action_undo(self) -> None:
        self.undo_slot.undo()

    def on_unmount(self) -> None:
        # Quitting with a bookmark removal pending: it must not be lost (the
        # store closes after the screens).
        self.undo_slot.commit()

    def _recount(self) -> None:
        rows = self.articles.rows
        unread = sum(1 for row in rows if not row.read)
        self._counts = (len(rows), unread, self._counts[2])
        self._update_status()

    # ------------------------------------------------------------------ links
    def action_show_links(self) -> None:
        from newsreader.content import links_from_text
        from newsreader.ui.screens.links import LinksScreen

        article = self.reader.article
        if article is None:
            return
        links = links_from_text(article.text)
        page = web_link(article.link)
        if not links and page is None:
            self.notify("This article has no links.", timeout=3)
            return
        self.app.push_screen(LinksScreen(links, page))

    def action_open_link_ref(self, number: int) -> None:
        """A click on ``[n]`` in the reader: open link n, as the ``L`` screen's digit would."""
        from newsreader.content import links_from_text

        article = self.reader.article
        links = links_from_text(article.text) if article is not None else []
        url = links[number - 1] if 0 < number <= len(links) else ""
        if url and open_url(url):
            self.notify(f"Opening {safe_line(url)}", markup=False, timeout=3)
        else:
            self.notify(f"Link [{number}] is not a web link; not opened.",
                        severity="warning", markup=False, timeout=3)

    def action_copy_link(self) -> None:
        article = self.reader.article
        link = web_link(article.link if article else None)
        if link is None:
            self.notify("No web link to copy.", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(link)
        self.notify(f"Copied {safe_line(link)}", markup=False, timeout=3)

    # ------------------------------------------------------------------ panes and layout
    def _panes(self) -> list[Widget]:
        """The panes focus can move between, left to right, as the layout shows them.

        Narrow screens hide the list or the reader (whichever is not in use),
        so Textual's own focus chain skips them: the panes are listed here
        instead, and focusing one brings it on screen.
        """
        if self.has_class("-zen"):
            return [self.reader]
        panes: list[Widget] = []
        if self.has_class("-feeds"):
            panes.append(self.query_one("#feeds"))  # type: ignore[attr-defined]
        panes += [self.articles, self.reader]
        if self._sidebar_shown():
            panes.append(self.sidebar)
        return panes

    def _step_pane(self, step: int, *, wrap: bool = False) -> None:
        panes = self._panes()
        current = next((i for i, p in enumerate(panes) if p.has_focus_within), None)
        if current is None:
            current = panes.index(self.articles) if self.articles in panes else 0
        index = current + step
        if wrap:
            index %= len(panes)
        if 0 <= index < len(panes) and index != current:
            panes[index].focus()

    def action_next_pane(self) -> None:
        self._step_pane(+1, wrap=True)

    def action_previous_pane(self) -> None:
        self._step_pane(-1, wrap=True)

    def _sidebar_shown(self) -> bool:
        if self.has_class("-zen"):
            return False
        if self.has_class("-narrow"):
            return self.has_class("-sidebar-open")
        return not self.has_class("-sidebar-hidden")

    def action_pane_left(self) -> None:
        self._step_pane(-1)

    def action_pane_right(self) -> None:
        self._step_pane(+1)

    def action_zen(self) -> None:
        zen = not self.has_class("-zen")
        self.set_class(zen, "-zen")
        if zen:
            self.reader.focus()

    def action_toggle_sidebar(self) -> None:
        if self.has_class("-narrow"):
            opened = not self.has_class("-sidebar-open")
            self.set_class(opened, "-sidebar-open")
            if opened:
                self.sidebar.focus()
            else:
                self.reader.focus()
            return
        hidden = not self.has_class("-sidebar-hidden")
        self.set_class(hidden, "-sidebar-hidden")
        if hidden and self.sidebar.has_focus_within:
            self.reader.focus()

    def action_list_narrower(self) -> None:
        self._resize_list(-LIST_STEP)

    def action_list_wider(self) -> None:
        self._resize_list(+LIST_STEP)

    def _resize_list(self, delta: int) -> None:
        if self.has_class("-narrow") or self.has_class("-zen"):
            return
        current = self.articles.outer_size.width
        limit = max(LIST_MIN, self.app.size.width - 40)
        self.articles.styles.width = max(LIST_MIN, min(limit, current + delta))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Narrow screens show the list or the reader, whichever has focus."""
        widget = event.widget
        if _within(widget, self.articles):
            self.set_class(False, "-reading")
        elif _within(widget, self.reader):
            self.set_class(True, "-reading")
        if self.has_class("-sidebar-open") and not _within(widget, self.sidebar):
            self.set_class(False, "-sidebar-open")


def _within(widget: Widget, pane: Widget) -> bool:
    return widget is pane or pane in widget.ancestors


def open_url(url: str) -> bool:
    """Hand a checked http(s)/mailto URL to the browser; False for anything else."""
    from newsreader.sanitize import safe_link

    link = safe_link(url)
    if not link:
        return False
    webbrowser.open(link)
    return True
