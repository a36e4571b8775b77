"""Entity colours, defined once, and the names widgets use to refer to them.

The palette below becomes the ``$entity-*`` theme variables (a dark and a
light variant, so highlights stay legible when the user switches theme; a
theme may override them). ``newsreader.tcss`` maps them onto the
``.entity--<kind>`` component classes, and widgets style text with those
class names, so the reader highlights, the sidebar headings and the help
legend always agree.

Spans are given resolved :class:`~textual.style.Style` objects (see
:func:`component_style`) rather than ``".class"`` strings: in Textual 8.2.8 a
``Content`` span resolved from a component class drops an opaque background
and computes ``auto`` colours against no background, which made the
emphasised mention invisible.
"""

from __future__ import annotations

from textual.style import Style
from textual.widget import Widget

from newsreader.entities import GROUPS

#: Sidebar heading -> CSS kind used in class names.
GROUP_KIND: dict[str, str] = {
    "People": "person",
    "Organisations": "org",
    "Places": "place",
    "Groups": "group",
    "Dates": "date",
}

#: OntoNotes label -> CSS kind, derived from GROUPS so a new label needs one edit.
LABEL_KIND: dict[str, str] = {
    label: GROUP_KIND.get(heading, "other")
    for heading, labels in GROUPS.items()
    for label in labels
}


#: kind -> (colour on dark themes, colour on light themes).
ENTITY_PALETTE: dict[str, tuple[str, str]] = {
    "person": ("#e5c07b", "#986801"),
    "org": ("#61afef", "#2f62c9"),
    "place": ("#98c379", "#3f8a3e"),
    "group": ("#c678dd", "#a626a4"),
    "date": ("#56b6c2", "#0b7d95"),
    "other": ("#abb2bf", "#696c77"),
}


def theme_variables(dark: bool) -> dict[str, str]:
    """The ``$entity-*`` CSS variables for a dark or light theme."""
    index = 0 if dark else 1
    return {f"entity-{kind}": colours[index] for kind, colours in ENTITY_PALETTE.items()}


def entity_class(label: str, *, active: bool = False) -> str:
    """The component class for a mention of ``label`` (the stronger one when active)."""
    kind = LABEL_KIND.get(label, "other")
    return f"entity--{kind}-active" if active else f"entity--{kind}"


#: Every component class a widget drawing entities must declare.
ENTITY_CLASSES: set[str] = {
    name
    for kind in [*GROUP_KIND.values(), "other"]
    for name in (f"entity--{kind}", f"entity--{kind}-active")
}


def component_style(widget: Widget, name: str, *, foreground_only: bool = False) -> Style:
    """A component class of ``widget`` as a concrete style for ``Content`` spans.

    ``foreground_only`` keeps colour and weight but no background, for text
    drawn on rows that have their own background (the sidebar's cursor row).
    """
    rich_style = widget.get_component_rich_style(name)
    style = Style.from_rich_style(rich_style)
    if foreground_only:
        return Style(foreground=style.foreground, bold=style.bold, italic=style.italic,
                     underline=style.underline)
    return style
