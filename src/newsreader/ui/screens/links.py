"""The ``L`` screen: the article's links, numbered as in the text.

Digits pick a link by its number (``1``…``9`` at once; ``1`` then ``2``
for link 12 when there are twelve or more, ``Enter`` to stop early).
Targets were checked by :func:`newsreader.content.links_from_text`, and
only ``http``, ``https`` and ``mailto`` ever reach the browser; a refused
target is listed as "(not a web link)" and never opened.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.ui.text import safe_line

_DIGITS = "0123456789"
HINT = "digit or Enter opens · y copies · Esc closes"


class LinksScreen(ModalScreen[None]):
    """Numbered links; Enter, a click or the number opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "dismiss", "Close", id="links.close", tooltip="Close the links"),
        Binding("o", "open_page", "Open page", id="links.page",
                tooltip="Open the article's own web page"),
        Binding("y", "copy", "Copy", id="links.copy", tooltip="Copy the highlighted link"),
        *(Binding(d, f"digit('{d}')", d, show=False, id=f"links.digit{d}",
                  tooltip="Open link N by its number") for d in _DIGITS),
    ]

    def __init__(self, links: list[str], page: str | None) -> None:
        super().__init__()
        self.links = links
        self.page = page
        self.typed = ""
        self.opened: list[str] = []  # what was handed to the browser (tests read it)

    def compose(self) -> ComposeResult:
        with Vertical(id="links-dialog") as dialog:
            dialog.border_title = "Links"
            dialog.border_subtitle = HINT
            options = [
                Option(Content.assemble((f"[{n}] ", "bold $text-accent"),
                                        safe_line(url) or ("(not a web link)", "italic")),
                       id=f"link-{n}")
                for n, url in enumerate(self.links, start=1)
            ]
            if not options and self.page:
                options.append(Option(Content.assemble(("[o] ", "bold $text-accent"),
                                                       safe_line(self.page)), id="link-page"))
            yield OptionList(*options, id="links-list")

    def on_mount(self) -> None:
        self.query_one("#links-list").focus()

    def action_digit(self, digit: str) -> None:
        self.typed += digit
        number = int(self.typed)
        if number == 0 or number > len(self.links):
            self.typed = ""
            self.notify(f"No link [{number}].", timeout=2)
            return
        self.query_one("#links-list", OptionList).highlighted = number - 1
        if number * 10 > len(self.links):  # no longer number starts with these digits
            self.open_number(number)
        else:  # say that a second digit is awaited, or the key seems to do nothing
            self._show_hint(f"[{number}…] another digit, or Enter for [{number}] · Esc closes")

    def _show_hint(self, text: str) -> None:
        self.query_one("#links-dialog").border_subtitle = text

    def open_number(self, number: int) -> None:
        from newsreader.ui.screens.reader_keys import open_url

        self.typed = ""
        self._show_hint(HINT)
        url = self.links[number - 1] if 0 < number <= len(self.links) else ""
        if url and open_url(url):
            self.opened.append(url)
            self.notify(f"Opening {safe_line(url)}", markup=False, timeout=3)
            self.dismiss(None)
        else:
            self.notify(f"Link [{number}] is not a web link; not opened.",
                        severity="warning", timeout=3)

    @on(OptionList.OptionSelected, "#links-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if self.typed:
            self.open_number(int(self.typed))
        elif event.option.id == "link-page":
            self.action_open_page()
        else:
            self.open_number(event.option_index + 1)

    def action_open_page(self) -> None:
        from newsreader.ui.screens.reader_keys import open_url

        if self.page and open_url(self.page):
            self.opened.append(self.page)
            self.dismiss(None)

    def action_copy(self) -> None:
        index = self.query_one("#links-list", OptionList).highlighted
        url = self.links[index] if index is not None and index < len(self.links) else self.page
        if url:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {safe_line(url)}", markup=False, timeout=3)
