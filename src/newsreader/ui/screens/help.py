"""The ``?`` screen: every key, generated from the live bindings so it never lies.

It reads each node's bindings map at the moment it opens, which already has
any user keymap applied, and lists the keys per pane. Nothing here is a
hand-written copy of the key table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from newsreader.entities import GROUPS
from newsreader.ui.colors import ENTITY_CLASSES, entity_class

KEY_COLUMN = 16


def binding_rows(nodes: Iterable[DOMNode]) -> list[tuple[str, str]]:
    """(keys, what it does) for every binding of ``nodes``, keys of one action merged."""
    rows: dict[tuple[str, str], list[str]] = {}
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
            keys = rows.setdefault((binding.action, what), [])
            if display not in keys:
                keys.append(display)
    return [(", ".join(keys), what) for (_action, what), keys in rows.items()]


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
                yield Static(self._render_sections(), id="help-text", markup=False)

    def _render_sections(self) -> Content:
        legend: list[tuple[str, str] | str] = ["Entity colours:  "]
        for heading, labels in GROUPS.items():
            legend.extend([(heading, "." + entity_class(labels[0])), "  "])
        lines: list[Content] = [Content.assemble(*legend), Content("")]
        for title, rows in self._sections:
            if not rows:
                continue
            lines.append(Content.styled(title, "bold"))
            for keys, what in rows:
                lines.append(
                    Content.assemble(
                        ("  " + keys.ljust(KEY_COLUMN - 2), "bold $text-accent"), what
                    )
                )
            lines.append(Content(""))
        return Content("\n").join(lines[:-1])
