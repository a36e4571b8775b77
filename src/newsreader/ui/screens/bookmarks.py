"""The bookmarks view: every kept article with its note and tags, newest bookmark first.

Opened from the main screen (``ctrl+b`` or ``M``, or "Bookmarks" in the
palette). Enter goes back with that article open; ``n`` edits the note,
``t`` the tags, ``d`` removes the bookmark, ``x`` exports them all
(Markdown, JSON or HTML through :mod:`newsreader.export`).

Removal is undoable for a few seconds because it is *deferred* (the
:class:`~newsreader.ui.undo.UndoSlot` the main screen's ``b`` uses too): the
row leaves the list at once, but the store forgets the bookmark only when
the undo window closes, another removal takes the undo slot, or the view
closes. Deleting at once and re-bookmarking on undo would lose the copy of
an article its feed has since dropped (the copy is the only one left) and
the bookmark's place in the list.

Every store call runs in a thread worker except the final flush of a pending
removal when the view closes, which must happen before the app's store does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from newsreader.ui.text import failure_line, safe_line
from newsreader.ui.undo import UndoSlot
from newsreader.ui.widgets.list_keys import list_bindings

if TYPE_CHECKING:
    from newsreader.store.bookmark_notes import NotedBookmark
    from newsreader.ui.app import NewsReaderApp

#: Where the export goes unless the user types another path.
DEFAULT_EXPORT = "~/newsreader-bookmarks.md"
#: Export formats in the order the dialog offers them, with their file suffix.
EXPORT_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("md", ".md", "Markdown"),
    ("json", ".json", "JSON"),
    ("html", ".html", "HTML"),
)
#: The note preview in a row is cut to this many characters.
NOTE_PREVIEW = 200


def format_day(item: NotedBookmark) -> str:
    """The article's own date, absolute (never "2 days ago", so it never drifts)."""
    published = item.bookmark.article.published
    return published.strftime("%d %b %Y") if published else ""


def bookmark_prompt(item: NotedBookmark) -> Content:
    """A row: title, then source and date, then tags, then the note's first line.

    Built from plain strings with styles attached, never markup: titles,
    notes and tags are data.
    """
    article = item.bookmark.article
    lines = [Content.assemble(("★ ", "$text-warning"),
                              (safe_line(article.title) or "(untitled)", "bold"))]
    meta = [part for part in (safe_line(article.source_name), format_day(item)) if part]
    if meta:
        lines.append(Content.styled("  " + " · ".join(meta), "$text-muted"))
    if item.tags:
        tags = "  ".join("#" + safe_line(tag) for tag in item.tags)
        lines.append(Content.styled("  " + tags, "$text-secondary"))
    note = safe_line(item.note)
    if note:
        if len(note) > NOTE_PREVIEW:
            note = note[: NOTE_PREVIEW - 1] + "…"
        lines.append(Content.styled("  “" + note + "”", "italic"))
    return Content("\n").join(lines)


class BookmarkOption(Option):
    """A bookmark row; carries what the row was built from."""

    def __init__(self, item: NotedBookmark) -> None:
        super().__init__(bookmark_prompt(item), id=f"bookmark-{item.bookmark.key}")
        self.item = item

    @property
    def key(self) -> int:
        return self.item.bookmark.key


class BookmarkList(OptionList):
    """The bookmarks, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *list_bindings("bookmarks", "bookmark", first="newest", last="oldest"),
        Binding("enter", "select", "Read", id="bookmarks.open",
                tooltip="Read this article (in the main screen)"),
    ]


class BookmarksScreen(Screen[int | None]):
    """Bookmarks with notes and tags; dismisses with the article key to open, or None."""

    HELP_SECTIONS: ClassVar[tuple[tuple[str, str], ...]] = (("Bookmark list", "#bookmarks"),)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="bookmarks.back",
                tooltip="Back to the articles"),
        Binding("n", "edit_note", "Note", id="bookmarks.note",
                tooltip="Write or change this bookmark's note"),
        Binding("t", "edit_tags", "Tags", id="bookmarks.tags",
                tooltip="Change this bookmark's tags (comma-separated)"),
        Binding("d,delete", "remove", "Remove", id="bookmarks.remove",
                tooltip="Remove this bookmark (u undoes for a few seconds)"),
        Binding("u,ctrl+z", "undo", "Undo", show=False, id="bookmarks.undo",
                tooltip="Put back the bookmark just removed"),
        Binding("x", "export", "Export", id="bookmarks.export",
                tooltip="Export every bookmark to a Markdown, JSON or HTML file"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[NotedBookmark] = []
        self.changed = False  # the main list's stars and counts need a reload
        self.undo_slot = UndoSlot(self)
        self._loaded = False

    @property
    def news_app(self) -> NewsReaderApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="status"):
            yield Label("newsreader", id="status-brand")
            yield Label("Bookmarks", id="status-view")
            yield Label("", id="status-activity")
            yield Label("", id="status-counts")
        bookmarks = BookmarkList(id="bookmarks")
        bookmarks.border_title = "Bookmarks"
        bookmarks.border_subtitle = "Enter reads · n note · t tags · d removes · x exports"
        yield bookmarks
        yield Footer(show_command_palette=False)

    @property
    def bookmark_list(self) -> BookmarkList:
        return self.query_one("#bookmarks", BookmarkList)

    def on_mount(self) -> None:
        self.bookmark_list.loading = True
        self.bookmark_list.focus()
        self.load()

    # ------------------------------------------------------------------ data
    @work(thread=True, exclusive=True, group="bookmarks", exit_on_error=False,
          description="Read the bookmarks")
    def load(self) -> None:
        items = self.news_app.store.noted_bookmarks()
        self.app.call_from_thread(self._show, items)

    def _show(self, items: list[NotedBookmark], keep_key: int | None = None) -> None:
        step = self.undo_slot.pending
        pending = step.key if step else None  # removed, still undoable: not listed
        self.items = [item for item in items if item.bookmark.key != pending]
        self._loaded = True
        listing = self.bookmark_list
        if keep_key is None and listing.highlighted is not None and listing.option_count:
            option = listing.get_option_at_index(listing.highlighted)
            keep_key = option.key if isinstance(option, BookmarkOption) else None
        listing.loading = False
        listing.clear_options()
        rows: list[BookmarkOption | None] = []
        for item in self.items:  # a divider line between bookmarks: rows differ in height
            rows.extend((BookmarkOption(item), None))
        listing.add_options(rows[:-1])
        keys = [item.bookmark.key for item in self.items]
        if keys:
            listing.highlighted = keys.index(keep_key) if keep_key in keys else 0
        self._update_status()

    def _update_status(self) -> None:
        count = len(self.items)
        noted = sum(1 for item in self.items if item.note or item.tags)
        noun = "bookmark" if count == 1 else "bookmarks"
        self.query_one("#status-counts", Label).update(
            Content(f"{count:,} {noun} · {noted:,} with notes or tags"))
        empty = self._loaded and not count
        self.query_one("#status-activity", Label).update(
            Content("No bookmarks yet: press b on an article to keep it." if empty else ""))

    def _current(self) -> NotedBookmark | None:
        listing = self.bookmark_list
        if listing.highlighted is None or not listing.option_count:
            return None
        option = listing.get_option_at_index(listing.highlighted)
        return option.item if isinstance(option, BookmarkOption) else None

    def _replace(self, updated: NotedBookmark) -> None:
        """Swap one row for its edited version, keeping the cursor where it is."""
        key = updated.bookmark.key
        self.items = [updated if item.bookmark.key == key else item for item in self.items]
        listing = self.bookmark_list
        index = next((i for i, item in enumerate(self.items) if item.bookmark.key == key), None)
        if index is not None:
            listing.replace_option_prompt_at_index(index, bookmark_prompt(updated))
            option = listing.get_option_at_index(index)
            if isinstance(option, BookmarkOption):
                option.item = updated
        self._update_status()

    # ------------------------------------------------------------------ open
    @on(OptionList.OptionSelected, "#bookmarks")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if isinstance(event.option, BookmarkOption):
            self._leave(event.option.key)

    def action_back(self) -> None:
        self._leave(None)

    def _leave(self, key: int | None) -> None:
        self.undo_slot.commit()  # before the main screen reads the bookmarks again
        self.dismiss(key)

    # ------------------------------------------------------------------ note and tags
    def action_edit_note(self) -> None:
        item = self._current()
        if item is None:
            return
        title = safe_line(item.bookmark.article.title) or "(untitled)"

        def done(note: str | None) -> None:
            if note is None or note == item.note:
                return
            self._replace(_with(item, note=note))
            self._save(lambda store: store.set_note(item.bookmark.key, note))

        self.app.push_screen(
            TextDialog(f"Note · {title}", "Note (empty removes it)", safe_line(item.note),
                       placeholder="Why you kept it"), done)

    def action_edit_tags(self) -> None:
        item = self._current()
        if item is None:
            return
        title = safe_line(item.bookmark.article.title) or "(untitled)"

        def done(text: str | None) -> None:
            if text is None:
                return
            from newsreader.store.bookmark_notes import clean_tags

            tags = clean_tags(text.split(","))
            if tags == item.tags:
                return
            self._replace(_with(item, tags=tags))
            self._save(lambda store: store.set_tags(item.bookmark.key, tags))

        self.app.push_screen(
            TextDialog(f"Tags · {title}", "Tags, comma-separated",
                       ", ".join(safe_line(tag) for tag in item.tags),
                       placeholder="e.g. climate, to read"), done)

    def _save(self, write: object) -> None:
        store = self.news_app.store
        self.changed = True
        self.run_worker(lambda: write(store), thread=True,  # type: ignore[operator]
                        exit_on_error=False, group="bookmark-writes",
                        description="Save the bookmark")

    # ------------------------------------------------------------------ remove and undo
    def action_remove(self) -> None:
        item = self._current()
        if item is None:
            return
        # The previous removal loses its undo and becomes real (UndoSlot.offer).
        index = self.items.index(item)
        self.items = [other for other in self.items if other is not item]
        after = self.items[min(index, len(self.items) - 1)] if self.items else None
        self._show(list(self.items), keep_key=after.bookmark.key if after else None)
        self.changed = True
        store, key = self.news_app.store, item.bookmark.key

        def undo() -> None:
            self.items.insert(min(index, len(self.items)), item)
            self._show(list(self.items), keep_key=key)

        title = safe_line(item.bookmark.article.title) or "(untitled)"
        self.undo_slot.offer(f"Removed the bookmark on {title}", undo,
                             lambda: store.set_bookmark(key, False), key=key)

    def action_undo(self) -> None:
        self.undo_slot.undo()

    def on_unmount(self) -> None:
        # Quitting from this view: the removal must not be lost (the store closes after).
        self.undo_slot.commit()

    # ------------------------------------------------------------------ export
    def action_export(self) -> None:
        if not self.items:
            self.notify("No bookmarks to export.", timeout=3)
            return

        def done(answer: tuple[str, Path] | None) -> None:
            if answer is not None:
                self.undo_slot.commit()  # the export reads the store: no removed one in it
                self.export(*answer)

        self.app.push_screen(ExportDialog(), done)

    @work(thread=True, exclusive=True, group="bookmark-export", exit_on_error=False,
          description="Export the bookmarks")
    def export(self, fmt: str, path: Path) -> None:
        from newsreader.export import write_export

        items = self.news_app.store.noted_bookmarks()
        try:
            write_export(items, fmt, path)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            self.app.call_from_thread(
                self.notify, f"Could not export to {safe_line(str(path))}: {reason}",
                severity="error", markup=False, timeout=8)
            return
        noun = "bookmark" if len(items) == 1 else "bookmarks"
        self.app.call_from_thread(
            self.notify, f"Exported {len(items):,} {noun} to {safe_line(str(path))}",
            markup=False, timeout=6)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A failed read or write is one plain notice; the view stays usable."""
        if event.state != WorkerState.ERROR:
            return
        self.bookmark_list.loading = False
        what = event.worker.description or "Bookmarks"
        self.notify(failure_line(what, event.worker.error), severity="error", markup=False,
                    timeout=8)


def _with(item: NotedBookmark, **changes: object) -> NotedBookmark:
    from dataclasses import replace

    return replace(item, **changes)  # type: ignore[arg-type]


class TextDialog(ModalScreen[str | None]):
    """One line of text: Enter saves, Esc cancels (a note or a bookmark's tags)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="bookmarks.dialog.cancel",
                tooltip="Close without saving"),
    ]

    def __init__(self, heading: str, label: str, value: str, placeholder: str = "") -> None:
        super().__init__()
        self._heading = safe_line(heading)
        self._label = label
        self._value = value
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="text-dialog", classes="dialog") as dialog:
            dialog.border_title = self._heading
            yield Label(Content(self._label))
            yield Input(self._value, placeholder=self._placeholder, id="text-input")
            yield Label(Content("Enter saves · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#text-input", Input).focus()

    @on(Input.Submitted, "#text-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(safe_line(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportDialog(ModalScreen[tuple[str, Path] | None]):
    """Format and file for the export; the suffix and the format follow each other."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="bookmarks.export.cancel",
                tooltip="Close without exporting"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog") as dialog:
            dialog.border_title = "Export bookmarks"
            yield Label("Format")
            with RadioSet(id="export-format"):
                for index, (fmt, _suffix, name) in enumerate(EXPORT_FORMATS):
                    yield RadioButton(name, value=index == 0, id=f"export-{fmt}")
            yield Label("File")
            yield Input(DEFAULT_EXPORT, id="export-path")
            yield Label("", id="export-message")
            yield Label(Content("Enter exports · Tab moves · Esc cancels"),
                        classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @property
    def chosen_format(self) -> str:
        radios = self.query_one("#export-format", RadioSet)
        index = radios.pressed_index
        return EXPORT_FORMATS[index if index >= 0 else 0][0]

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        """Picking a format gives the path that format's suffix."""
        box = self.query_one("#export-path", Input)
        path = box.value
        suffix = EXPORT_FORMATS[event.index][1]
        for _fmt, other, _name in EXPORT_FORMATS:
            if path.lower().endswith(other) and other != suffix:
                box.value = path[: -len(other)] + suffix
                return

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        """Typing a known suffix picks that format."""
        value = event.value.lower()
        for index, (_fmt, suffix, _name) in enumerate(EXPORT_FORMATS):
            radios = self.query_one("#export-format", RadioSet)
            if value.endswith(suffix) and radios.pressed_index != index:
                button = self.query_one(f"#export-{EXPORT_FORMATS[index][0]}", RadioButton)
                button.value = True
                return

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        message = self.query_one("#export-message", Label)
        if not text:
            message.update(Content("Type a file name."))
            return
        try:
            path = Path(text).expanduser()
        except RuntimeError:  # ~user that does not exist
            message.update(Content("That home directory does not exist."))
            return
        if path.is_dir():
            message.update(Content("That is a folder: add a file name."))
            return
        if not path.parent.is_dir():
            message.update(Content(f"No folder {safe_line(str(path.parent))}."))
            return
        self.dismiss((self.chosen_format, path))

    def action_cancel(self) -> None:
        self.dismiss(None)
