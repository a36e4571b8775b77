"""Named-entity extraction: the interface every engine implements.

An engine turns plain text into :class:`Span` objects whose ``start``/``end``
are character offsets into exactly the text it was given, with OntoNotes
labels (see :data:`LABELS`). Engines are registered by name in
:mod:`newsreader.entities.registry` and loaded lazily, so importing this
package stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

#: The labels the product shows, in sidebar order.
LABELS: tuple[str, ...] = ("PERSON", "ORG", "GPE", "LOC", "NORP", "DATE")

#: Sidebar groups: which labels are shown under which heading.
GROUPS: dict[str, tuple[str, ...]] = {
    "People": ("PERSON",),
    "Organisations": ("ORG",),
    "Places": ("GPE", "LOC"),
    "Groups": ("NORP",),
    "Dates": ("DATE",),
}


@dataclass(frozen=True, slots=True)
class Span:
    """One entity mention: ``text == source_text[start:end]``.

    ``canonical`` is the name the mention stands for (``"Borisenko"`` ->
    ``"Georgiy Y. Borisenko"``; for DATE an ISO date such as ``2021-12-26``
    when it can be resolved); empty when it is the mention's own text.
    """

    start: int
    end: int
    label: str
    text: str
    canonical: str = ""

    def as_dict(self) -> dict[str, object]:
        """The stable JSON shape used by ``newsreader entities --json``."""
        return {"start": self.start, "end": self.end, "label": self.label, "text": self.text}


@runtime_checkable
class Extractor(Protocol):
    """What an entity engine offers.

    ``name`` and ``version`` identify the engine so stored mentions can be
    recomputed when either changes.
    """

    name: str
    version: str

    def extract(self, text: str, *, published: datetime | None = None) -> list[Span]:
        """Return the entity mentions in ``text``, sorted by ``start``.

        ``published`` is the article's date, used to resolve relative dates
        ("Sunday") into real ones.
        """
        ...
