"""The entity sidebar: who and what the current article is about, and related articles.

An article has tens of entities at most, so a stock ``OptionList`` is the
right tool here (the house-style numbers only rule it out for the
100k-row article list). Headings are disabled options so the cursor skips them.

Within each kind, entities are in salience order (title, then lead
paragraph, then mention count: :func:`newsreader.entities.aliases.rank_entities`),
so the names the story is about come first. Below them, a "Related" section
lists stored articles that share the article's entities.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.entities import GROUPS, Span
from newsreader.entities.aliases import fold_key, rank_entities
from newsreader.ui.colors import ENTITY_CLASSES, component_style, entity_class
from newsreader.ui.text import safe_line
from newsreader.ui.widgets.list_keys import list_bindings

if TYPE_CHECKING:
    from newsreader.store import ArticleHeader, StoredEntity

EntityKey = tuple[str, str]  # (label, name)


class EntityOption(Option):
    """One entity row; carries the (label, name) the reader highlights."""

    def __init__(self, prompt: Content, entity: EntityKey) -> None:
        super().__init__(prompt)
        self.entity = entity


class RelatedOption(Option):
    """One related article; carries its store key."""

    def __init__(self, prompt: Content, key: int) -> None:
        super().__init__(prompt)
        self.key = key


def salience_order(
    entities: Sequence[StoredEntity], text: str = "", title: str = ""
) -> list[StoredEntity]:
    """Most salient first: named in the title, then in the lead, then most mentioned.

    The stored mentions are handed to the engines' :func:`rank_entities`, so
    the sidebar ranks exactly as the salience rule says (ties keep the order
    of first mention). Each stored entity is one ranked entity, because the
    store groups mentions with the same folding rule.
    """
    spans: list[Span] = []
    for entity in entities:
        for start, end in entity.spans:
            surface = text[start:end] if 0 <= start < end <= len(text) else entity.name
            spans.append(Span(start, end, entity.label, surface, entity.name))
    by_key: dict[str, list[StoredEntity]] = {}
    for entity in entities:
        by_key.setdefault(fold_key(entity.label, entity.name), []).append(entity)
    ordered: list[StoredEntity] = []
    for ranked in rank_entities(spans, text, title):
        ordered.extend(by_key.pop(ranked.key, []))
    for rest in by_key.values():  # no mentions to rank by: keep them, last
        ordered.extend(rest)
    return ordered


class EntitySidebar(OptionList):
    """Entities of the article on screen (People, Organisations, Places, Groups, Dates), then
    the related articles."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *list_bindings("entities", "entity"),
        Binding("enter", "select", "Highlight", id="entities.select",
                tooltip="Highlight this entity's mentions (on a related article: open it)"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *ENTITY_CLASSES,
        "entity-sidebar--count",
        "entity-sidebar--heading",
        "entity-sidebar--related",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._entities: list[StoredEntity] = []
        self._state = "empty"  # "empty" | "loading" | "ready"
        self._active: EntityKey | None = None
        self._related: list[ArticleHeader] = []

    # ------------------------------------------------------------------ API
    def show_loading(self) -> None:
        self._entities = []
        self._related = []
        self._state = "loading"
        self._rebuild()

    def clear(self) -> None:
        self._entities = []
        self._related = []
        self._state = "empty"
        self._rebuild()

    def show_entities(
        self, entities: Sequence[StoredEntity], text: str = "", title: str = ""
    ) -> None:
        """Show an article's entities, most salient first (``text``/``title`` rank them)."""
        self._entities = salience_order(entities, text, title)
        self._state = "ready"
        self._rebuild()

    def show_related(self, headers: Sequence[ArticleHeader]) -> None:
        """List related articles under the entities (nothing shown when there are none)."""
        self._related = list(headers)
        self._rebuild(keep_highlight=True)

    @property
    def entities(self) -> Sequence[StoredEntity]:
        """The entities shown, in sidebar order within each kind."""
        return self._entities

    @property
    def related(self) -> Sequence[ArticleHeader]:
        return self._related

    @property
    def highlighted_entity(self) -> EntityKey | None:
        """The entity under the cursor, if the cursor is on one."""
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return option.entity if isinstance(option, EntityOption) else None

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
        # Needed by the entity rows and by "Related", which shows even when
        # an article has no entities of its own.
        count_style = self._style("entity-sidebar--count")
        if self._state == "loading":
            options.append(Option(Content("Finding entities…"), disabled=True))
        elif self._state == "ready" and not self._entities:
            options.append(Option(Content("No entities found."), disabled=True))
        elif self._state == "ready":
            for heading, labels in GROUPS.items():
                members = [e for e in self._entities if e.label in labels]
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
        if self._related and self._state == "ready":
            if options:
                options.append(Option(Content(""), disabled=True))
            options.append(
                Option(
                    Content.assemble(
                        ("Related", Style(bold=True)), (f"  {len(self._related)}", count_style)
                    ),
                    disabled=True,
                )
            )
            related_style = self._style("entity-sidebar--related")
            for header in self._related:
                title = Content(safe_line(header.title) or "(untitled)").truncate(
                    max(1, width - 1), ellipsis=True
                )
                prompt = Content.assemble(" ", title.stylize(related_style))
                options.append(RelatedOption(prompt, header.key))
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
