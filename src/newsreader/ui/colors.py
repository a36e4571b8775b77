"""One name per entity kind, shared by the reader highlights and the sidebar headings.

The colours themselves live once, as ``$entity-*`` variables in
``newsreader.tcss``; widgets refer to them through these component-class
names (``Content`` spans whose style is ``".entity--person"`` resolve against
the widget's component classes), so restyling never touches Python.
"""

from __future__ import annotations

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
