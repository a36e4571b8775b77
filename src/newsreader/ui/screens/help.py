"""The ``?`` screen: every key, generated from the live bindings so it never lies.

It reads each node's bindings map at the moment it opens, which already has
any user keymap applied, and lists the keys per pane. Nothing here is a
hand-written copy of the key table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widget import Widget

from newsreader.entities import GROUPS
from newsreader.ui.colors import ENTITY_CLASSES, entity_class

#: The key column: wide enough for the usual keys ("shift+tab", "ctrl+b, M");
#: longer key lists get a line of their own with the description below.
KEY_COLUMN = 16
#: Descriptions are never squeezed narrower than this.
MIN_DESCRIPTION = 20


def binding_rows(nodes: Iterable[DOMNode]) -> list[tuple[str, str]]:
    """(keys, what it does) for every binding of ``nodes``, keys of one action merged."""
    return [(keys, what) for _node, _binding, keys, what in live_bindings(nodes)]


def live_bindings(nodes: Iterable[DOMNode]) -> list[tuple[DOMNode, Binding, str, str]]:
    """(node, binding, keys, what it does) per action of ``nodes``, keys merged.

    The ``?`` screen and the command palette both read this, so neither can
    list a key or an action the app does not have.
    """
    rows: dict[tuple[str, str], tuple[DOMNode, Binding, list[str]]] = {}
    for node in nodes:
        # Mirror what Screen._binding_chain does on every key press: copy the
        # node's bindings and apply the app's keymap, so a remapped key is
        # listed under its new key. The class BINDINGS would lie after a remap.
        bindings = node._bindings.copy()
        keymap = node.app._keymap
        if keymap:
            bindings.apply_keymap(keymap)
        for _key, binding in bindings:
            if binding.system:
                continue
            what = binding.tooltip or binding.description or binding.action
            display = binding.key_display or node.app.get_key_display(binding)
            keys = rows.setdefault((binding.action, what), (node, binding, []))[2]
            if display not in keys:
                keys.append(display)
    return [(node, binding, ", ".join(keys), what)
            for (_action, what), (node, binding, keys) in rows.items()]


class HelpScreen(ModalScreen[None]):
    """A modal list of keys, grouped by where they work."""

    COMPONENT_CLASSES: ClassVar[set[str]] = ENTITY_CLASSES

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close",
                tooltip="Close this help"),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "Esc closes"
            with VerticalScroll(id="help-body"):
                yield HelpText(self._sections, id="help-text")


class HelpText(Widget):
    """The legend and the key table, wrapped to the width it gets.

    A long description wraps under itself, not back to column 0 (a hanging
    indent), so the keys stay a clean column at 80 columns too. The text is
    built from plain strings with styles attached, never from markup.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = ENTITY_CLASSES

    DEFAULT_CSS = """
    HelpText { height: auto; }
    """

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._sections = sections

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def lines(self, width: int) -> list[Content]:
        """Every row of the help at ``width`` cells (0: not laid out yet, no wrapping)."""
        legend: list[tuple[str, str] | str] = ["Entity colours:  "]
        for heading, labels in GROUPS.items():
            legend.extend([(heading, "." + entity_class(labels[0])), "  "])
        lines: list[Content] = [Content.assemble(*legend), Content("")]
        room = max(MIN_DESCRIPTION, width - KEY_COLUMN) if width > 0 else 10_000
        indent = " " * KEY_COLUMN
        for title, rows in self._sections:
            if not rows:
                continue
            lines.append(Content.styled(title, "bold"))
            for keys, what in rows:
                wrapped = textwrap.wrap(what, room) or [""]
                key_cell = "  " + keys
                if len(key_cell) > KEY_COLUMN - 1:  # too long to share a line
                    lines.append(Content.styled(key_cell, "bold $text-accent"))
                    first = indent + wrapped[0]
                else:
                    first = Content.assemble((key_cell.ljust(KEY_COLUMN), "bold $text-accent"),
                                             wrapped[0])
                lines.append(Content(first) if isinstance(first, str) else first)
                lines.extend(Content(indent + more) for more in wrapped[1:])
            lines.append(Content(""))
        return lines[:-1]
