"""The refresh indicator in the status line: a progress bar and "3/12 feeds · 5 new · 1 failed".

Hidden while nothing refreshes, so the status line keeps its room for the
view and the counts.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, ProgressBar


def progress_words(done: int, total: int, new: int, failed: int) -> str:
    """The counts beside the bar."""
    noun = "feed" if total == 1 else "feeds"
    words = f"Refreshing {done}/{total} {noun}"
    if new:
        words += f" · {new:,} new"
    if failed:
        words += f" · {failed} failed"
    return words


class RefreshStatus(Horizontal):
    """A one-line progress display for a running refresh."""

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=None, show_eta=False, show_percentage=False,
                          id="refresh-bar")
        yield Label("", id="refresh-words")

    def on_mount(self) -> None:
        self.display = False

    def start(self, total: int) -> None:
        self.display = True
        self.query_one(ProgressBar).update(total=max(1, total), progress=0)
        self.query_one("#refresh-words", Label).update(
            Content(progress_words(0, total, 0, 0)))

    def advance(self, done: int, total: int, new: int, failed: int) -> None:
        self.display = True
        self.query_one(ProgressBar).update(total=max(1, total), progress=done)
        self.query_one("#refresh-words", Label).update(
            Content(progress_words(done, total, new, failed)))

    def stop(self) -> None:
        self.display = False
