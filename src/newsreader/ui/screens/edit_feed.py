"""Rename a feed and change its tags, or rename a saved query: one small dialog.

An empty title goes back to the feed's own. Tags are typed comma-separated,
the way they are listed. The dialog only collects the answer; the main
screen writes it through the store in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from newsreader.ui.text import safe_line


@dataclass(frozen=True, slots=True)
class EditResult:
    """What the user typed: a title (``""``: the feed's own) and tags (None: unchanged)."""

    title: str
    tags: tuple[str, ...] | None


def split_tags(text: str) -> tuple[str, ...]:
    """``"news, world"`` -> ("news", "world"): trimmed, no empties, no repeats."""
    parts = (safe_line(part).strip() for part in text.split(","))
    return tuple(dict.fromkeys(part for part in parts if part))


class EditFeedScreen(ModalScreen[EditResult | None]):
    """Title (and, for a feed, tags); Enter saves, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="edit_cancel", tooltip="Close without saving"),
    ]

    def __init__(self, heading: str, title: str, tags: tuple[str, ...] | None) -> None:
        super().__init__()
        self._heading = safe_line(heading)
        self._title = safe_line(title)
        self._tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-dialog", classes="dialog") as dialog:
            dialog.border_title = self._heading
            yield Label("Title (empty: the feed's own)" if self._tags is not None else "Name")
            yield Input(self._title, id="edit-title")
            if self._tags is not None:
                yield Label("Tags, comma-separated")
                yield Input(", ".join(safe_line(t) for t in self._tags), id="edit-tags")
            yield Label(Content("Enter saves · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#edit-title", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        title = safe_line(self.query_one("#edit-title", Input).value).strip()
        tags = None
        if self._tags is not None:
            tags = split_tags(self.query_one("#edit-tags", Input).value)
        self.dismiss(EditResult(title, tags))

    def action_cancel(self) -> None:
        self.dismiss(None)
