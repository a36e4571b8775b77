"""The entity sidebar: who and what the current article is about, grouped by kind.

An article has tens of entities at most, so a stock ``OptionList`` is the
right tool here (the house-style numbers only rule it out for the
100k-row article list). Headings are disabled options so the cursor skips them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.entities import GROUPS
from newsreader.ui.colors import ENTITY_CLASSES, component_style, entity_class
from newsreader.ui.text import safe_line

if TYPE_CHECKING:
    from newsreader.store import StoredEntity

EntityKey = tuple[str, str]  # (label, name)


class EntityOption(Option):
    """One entity row; carries the (label, name) the reader highlights."""

    def __init__(self, prompt: Content, entity: EntityKey) -> None:
        super().__init__(prompt)
        self.entity = entity


def salience_order(entities: Sequence[StoredEntity]) -> list[StoredEntity]:
    """Most mentioned first; ties go to the one mentioned earliest (nearer the lede)."""

    def first(entity: StoredEntity) -> int:
        return min((start for start, _ in entity.spans), default=1 << 30)

    return sorted(entities, key=lambda e: (-e.count, first(e), e.name.casefold()))


class EntitySidebar(OptionList):
    """Entities of the article on screen, under People, Organisations, Places, Groups, Dates."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="entities.down",
                tooltip="Next entity"),
        Binding("k", "cursor_up", "Up", show=False, id="entities.up",
                tooltip="Previous entity"),
        Binding("enter", "select", "Highlight", id="entities.select",
                tooltip="Highlight this entity's mentions in the article"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *ENTITY_CLASSES,
        "entity-sidebar--count",
        "entity-sidebar--heading",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._entities: list[StoredEntity] = []
        self._state = "empty"  # "empty" | "loading" | "ready"
        self._active: EntityKey | None = None

    # ------------------------------------------------------------------ API
    def show_loading(self) -> None:
        self._entities = []
        self._state = "loading"
        self._rebuild()

    def clear(self) -> None:
        self._entities = []
        self._state = "empty"
        self._rebuild()

    def show_entities(self, entities: Sequence[StoredEntity]) -> None:
        self._entities = list(entities)
        self._state = "ready"
        self._rebuild()

    def set_active(self, entity: EntityKey | None) -> None:
        """Mark the entity the reader is emphasising (drawn in its stronger style)."""
        if entity != self._active:
            self._active = entity
            self._rebuild(keep_highlight=True)

    def group_counts(self) -> dict[str, int]:
        """Heading -> number of distinct entities shown under it (what the sidebar lists)."""
        counts: dict[str, int] = {}
        for heading, labels in GROUPS.items():
            n = sum(1 for e in self._entities if e.label in labels)
            if n:
                counts[heading] = n
        return counts

    # ------------------------------------------------------------------ drawing
    def on_focus(self) -> None:
        # Arriving by Tab should land on an entity, not on nothing.
        if self.highlighted is None:
            self.action_first()

    def on_resize(self) -> None:
        self._rebuild(keep_highlight=True)

    def notify_style_update(self) -> None:
        # Prompts carry resolved colours: rebuild them on a theme change.
        super().notify_style_update()
        if self.is_mounted and self._state == "ready":
            # After the refresh: component styles are recomputed after this hook.
            self.call_after_refresh(self._rebuild, keep_highlight=True)

    def _style(self, name: str, *, foreground_only: bool = True) -> Style:
        return component_style(self, name, foreground_only=foreground_only)

    def _rebuild(self, keep_highlight: bool = False) -> None:
        highlighted = self.highlighted if keep_highlight else None
        width = max(12, self.scrollable_content_region.width - 2)
        options: list[Option] = []
        if self._state == "loading":
            options.append(Option(Content("Finding entities…"), disabled=True))
        elif self._state == "ready" and not self._entities:
            options.append(Option(Content("No entities found."), disabled=True))
        elif self._state == "ready":
            count_style = self._style("entity-sidebar--count")
            for heading, labels in GROUPS.items():
                members = salience_order([e for e in self._entities if e.label in labels])
                if not members:
                    continue
                if options:
                    options.append(Option(Content(""), disabled=True))
                heading_style = self._style(entity_class(labels[0])) + Style(bold=True)
                options.append(
                    Option(
                        Content.assemble(
                            (heading, heading_style), (f"  {len(members)}", count_style)
                        ),
                        disabled=True,
                    )
                )
                for entity in members:
                    options.append(self._entity_option(entity, width, count_style))
        self.set_options(options)
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    def _entity_option(self, entity: StoredEntity, width: int, count_style: Style) -> EntityOption:
        key = (entity.label, entity.name)
        active = key == self._active
        count = str(entity.count)
        name = Content(safe_line(entity.name)).truncate(
            max(1, width - len(count) - 2), ellipsis=True
        )
        gap = max(1, width - name.cell_length - len(count) - 1)
        if active:
            strong = self._style(entity_class(entity.label, active=True), foreground_only=False)
            marker = Content.styled("▌", self._style(entity_class(entity.label)))
            name = name.stylize(strong)
        else:
            marker = Content(" ")
        prompt = Content.assemble(marker, name, " " * gap, (count, count_style))
        return EntityOption(prompt, key)
