"""The feed-status view (``s``): every subscription's health at a glance.

One row per feed: unread/total, when it last worked, the last error (one
line, already cleaned by the store) and when it will be tried next. A feed
with an error carries ``!`` in the feeds pane; this is where the user finds
out why. The rows are read by a thread worker; every cell is plain Text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from newsreader.ui.text import safe_line

if TYPE_CHECKING:
    from newsreader.store import Feed
    from newsreader.ui.app import NewsReaderApp

COLUMNS = ("", "Feed", "Unread", "Total", "Last success", "Last error", "Next attempt")


def when(value: datetime | None, now: datetime | None = None) -> str:
    """A short local time: "14:05" today, "3 Jan 14:05" this year, else with the year."""
    if value is None:
        return "never"
    now = (now or datetime.now(UTC)).astimezone()
    local = value.astimezone()
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if local.year == now.year:
        return f"{local.day} {local:%b %H:%M}"
    return f"{local.day} {local:%b %Y}"


def status_rows(feeds: list[Feed], now: datetime | None = None) -> list[tuple[Text, ...]]:
    """The table's cells for ``feeds``: errors first, then as subscribed."""
    ordered = sorted(feeds, key=lambda f: f.last_error is None)
    rows = []
    for feed in ordered:
        error = safe_line(feed.last_error)
        if error and feed.error_count > 1:
            error = f"{error} (×{feed.error_count})"
        next_attempt = when(feed.next_attempt, now) if feed.next_attempt else "on refresh"
        rows.append((
            Text("!" if error else "", style="bold red"),
            Text(safe_line(feed.display_title)),
            Text(f"{feed.unread:,}", justify="right"),
            Text(f"{feed.total:,}", justify="right"),
            Text(when(feed.last_success, now)),
            Text(error or "—", style="red" if error else "dim"),
            Text(next_attempt),
        ))
    return rows


class FeedStatusScreen(ModalScreen[None]):
    """The table of feeds; Esc closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,s", "close", "Close", id="status_close", tooltip="Close the feed status"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="status-dialog", classes="dialog") as dialog:
            dialog.border_title = "Feed status"
            table: DataTable[Text] = DataTable(id="status-table", cursor_type="row")
            yield table
            yield Label("", id="status-summary", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one("#status-table", DataTable)
        table.add_columns(*COLUMNS)
        table.loading = True
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, description="Read feed status")
    def load(self) -> None:
        app: NewsReaderApp = self.app  # type: ignore[assignment]
        feeds = app.store.feeds()
        self.app.call_from_thread(self._show, feeds)

    def _show(self, feeds: list[Feed]) -> None:
        table = self.query_one("#status-table", DataTable)
        table.loading = False
        table.clear()
        for n, row in enumerate(status_rows(feeds)):
            table.add_row(*row, key=str(n))
        failing = sum(1 for feed in feeds if feed.last_error)
        noun = "feed" if len(feeds) == 1 else "feeds"
        summary = f"{len(feeds)} {noun}, {failing} with errors · Esc closes"
        if not feeds:
            summary = "No subscriptions yet: press a on the main screen to add one · Esc closes"
        self.query_one("#status-summary", Label).update(Text(summary))

    def action_close(self) -> None:
        self.dismiss(None)
