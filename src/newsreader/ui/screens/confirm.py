"""A yes/no question before anything destructive (removing a feed, forgetting a query).

``y`` or Enter on "Yes" answers True; ``n``, Esc or "No" answers False, so a
stray Enter never deletes: the focus starts on "No".
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from newsreader.ui.text import safe_line


class ConfirmScreen(ModalScreen[bool]):
    """Ask one question; dismiss with the answer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes", tooltip="Yes, do it"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no", tooltip="No, leave it"),
    ]

    def __init__(self, title: str, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self._title = safe_line(title)
        self._question = question
        self._yes = safe_line(yes)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog") as dialog:
            dialog.border_title = self._title
            # Lines from data are flattened one by one; the question keeps its breaks.
            text = "\n".join(safe_line(line) for line in self._question.split("\n"))
            yield Static(Content(text), id="confirm-question")
            # The focus starts on "No", so say how to answer yes without the mouse.
            yield Static(Content(f"y {self._yes.lower()} · n or Esc keeps it · Tab moves"),
                         classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(self._yes), id="confirm-yes", variant="error")
                yield Button("No", id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
