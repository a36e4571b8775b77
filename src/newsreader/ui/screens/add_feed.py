"""The ``a`` dialog: subscribe to a feed URL, a web page (its feed is found), a file or a folder.

Checking a URL means fetching it, which can take seconds, so
:func:`newsreader.feeds.add_feed` runs in a thread worker while the dialog
says "Checking…"; a refusal (no feed on the page, no such file) is shown
under the box in one line and the user can correct it. On success the
dialog closes with the :class:`~newsreader.feeds.AddResult`, and the main
screen says what was found and fetches the new feed at once. The main
screen imports this module only when ``a`` is pressed (it pulls in the
feeds service and its HTTP client).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader.feeds import AddResult
from newsreader.ui.screens.edit_feed import split_tags
from newsreader.ui.text import safe_line

if TYPE_CHECKING:
    from newsreader.ui.app import NewsReaderApp

HINT = "A feed URL, a web page that links its feed, a file or a folder"


class AddFeedScreen(ModalScreen[AddResult | None]):
    """Type a source, Enter to subscribe, Esc to cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="add_cancel", tooltip="Close without adding"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog", classes="dialog") as dialog:
            dialog.border_title = "Add a feed"
            yield Label(HINT)
            yield Input(placeholder="https://example.org/  or  ~/articles", id="add-source")
            yield Label("Tags, comma-separated (optional)")
            yield Input(id="add-tags")
            yield Label("", id="add-message")
            yield Label(Content("Enter adds · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#add-source", Input).focus()

    @property
    def message_label(self) -> Label:
        return self.query_one("#add-message", Label)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_label.update(Content(safe_line(text)))
        self.message_label.set_class(error, "-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        spec = self.query_one("#add-source", Input).value.strip()
        if not spec:
            self._say("Type a feed URL, a web page, a file or a folder first.", error=True)
            self.query_one("#add-source", Input).focus()
            return
        tags = split_tags(self.query_one("#add-tags", Input).value)
        self._say("Checking…")
        self.query_one("#add-source", Input).disabled = True
        self.query_one("#add-tags", Input).disabled = True
        self.subscribe(spec, tags)

    @work(thread=True, exclusive=True, group="add-feed", exit_on_error=False,
          description="Add a feed")
    def subscribe(self, spec: str, tags: tuple[str, ...]) -> None:
        from newsreader.feeds import FeedsError, add_feed

        app: NewsReaderApp = self.app  # type: ignore[assignment]
        try:
            result = add_feed(app.store, spec, tags=tags)
        except FeedsError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.dismiss, result)

    def _refused(self, reason: str) -> None:
        self._say(reason, error=True)
        for box in self.query(Input):
            box.disabled = False
        self.query_one("#add-source", Input).focus()

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self._refused(f"{type(error).__name__}: {error}")

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "add-feed")
        self.dismiss(None)
