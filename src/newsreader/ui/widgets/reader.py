"""The reader pane: title, meta line, caption and the article text with entity highlights.

The body is one ``Static`` holding one ``Content`` built from the plain text
and a single span list: the house-style measurements show this is the cheap
way to restyle hundreds of mentions (chained ``stylize`` is quadratic), and
it keeps entity offsets exact, which Markdown rendering would not.

Two more things ride on the same span list: link references (``[3]``, as
:mod:`newsreader.content` writes them) are clickable when the article's
``Links:`` block lists that number, through ``@click`` meta on the span
(never markup, so data can't smuggle an action in), and the ``Links:``
block itself is dimmed. The border subtitle shows how far down you are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.style import Style
from textual.widgets import Static

from newsreader.ui.colors import ENTITY_CLASSES, component_style, entity_class
from newsreader.ui.text import safe_line, safe_text, web_link

if TYPE_CHECKING:
    from newsreader.models import Article
    from newsreader.store import StoredEntity

EntityKey = tuple[str, str]  # (label, name)

#: A link reference as content.py writes it: `` [3]`` after the link text.
_LINK_REF = re.compile(r"\[(\d{1,4})\]")
#: The action a click on a reference runs (on the screen: it knows the browser rules).
LINK_ACTION = "screen.open_link_ref"


def format_date(value: datetime | None) -> str:
    """An absolute date in the article's own zone: never "3 hours ago", so it never drifts."""
    if value is None:
        return ""
    text = value.strftime("%a %d %b %Y, %H:%M")
    zone = value.strftime("%Z")
    return f"{text} {zone}" if zone else text


class Reader(VerticalScroll, can_focus=True, inherit_bindings=False):
    """Shows one article; highlights its entities when they arrive.

    Page keys (space, pagedown, pageup) are screen bindings so they work from
    every pane; only line and end keys live here.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "scroll_down", "Scroll down", show=False, id="reader.down",
                tooltip="Scroll the article down a line"),
        Binding("up", "scroll_up", "Scroll up", show=False, id="reader.up",
                tooltip="Scroll the article up a line"),
        Binding("home", "scroll_home", "Top", show=False, id="reader.top",
                tooltip="Go to the top of the article"),
        Binding("end", "scroll_end", "Bottom", show=False, id="reader.bottom",
                tooltip="Go to the end of the article"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = ENTITY_CLASSES

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.article_key: int | None = None
        self.article: Article | None = None
        self._text = ""
        self._entities: list[StoredEntity] = []
        self._active: EntityKey | None = None
        self._link_spans: list[Span] = []

    def compose(self) -> ComposeResult:
        yield Static(id="reader-title", markup=False)
        yield Static(id="reader-meta", markup=False)
        yield Static(id="reader-caption", markup=False)
        yield Static(id="reader-body", markup=False)

    # ------------------------------------------------------------------ API
    @property
    def entities(self) -> Sequence[StoredEntity]:
        return self._entities

    @property
    def text(self) -> str:
        """The article text as shown (entity offsets index it)."""
        return self._text

    @property
    def active_entity(self) -> EntityKey | None:
        return self._active

    def show_message(self, message: str) -> None:
        """An empty-state line (loading, nothing to read) in place of an article."""
        self.article_key = None
        self.article = None
        self._text = ""
        self._entities = []
        self._active = None
        self._static("reader-title").update(Content(""))
        self._static("reader-meta").update(Content(""))
        self._set_caption(None)
        self._link_spans = []
        self._static("reader-body").update(Content(message))
        self.add_class("-empty")
        self._show_progress()

    def show_article(self, key: int, article: Article) -> None:
        """Show the text at once; entity highlights come later via :meth:`set_entities`."""
        self.remove_class("-empty")
        same = key == self.article_key
        self.article_key = key
        self.article = article
        self._text = safe_text(article.text)
        if not same:
            self._entities = []
            self._active = None
        self._static("reader-title").update(Content(safe_line(article.title) or "(untitled)"))
        self._static("reader-meta").update(self._meta(article))
        self._set_caption(article.caption)
        self._link_spans = self._find_link_spans()
        self._render_body()
        if not same:
            self.scroll_home(animate=False)

    def set_entities(self, entities: Sequence[StoredEntity]) -> None:
        self._entities = list(entities)
        if self._active is not None and not any(
            (e.label, e.name) == self._active for e in self._entities
        ):
            self._active = None
        self._render_body()

    def set_active(self, entity: EntityKey | None) -> None:
        """Emphasise one entity's mentions (the sidebar selection), or none."""
        self._active = entity
        self._render_body()

    def mention_offsets(self, entity: EntityKey) -> list[int]:
        """Start offsets of every mention of ``entity``, in text order."""
        for stored in self._entities:
            if (stored.label, stored.name) == entity:
                return sorted(start for start, _end in stored.spans)
        return []

    def scroll_to_offset(self, offset: int) -> None:
        """Bring the line holding character ``offset`` into view, a third from the top."""
        body = self._static("reader-body")
        width = body.content_region.width or body.size.width
        line = _line_of_offset(self._text, offset, width)
        target = body.virtual_region.y + line - self.scrollable_content_region.height // 3
        self.scroll_to(y=max(0, target))

    @property
    def progress(self) -> int | None:
        """How far down the article the view is, 0-100; None when it all fits."""
        if self.article is None or self.max_scroll_y <= 0:
            return None
        return round(100 * min(1.0, self.scroll_y / self.max_scroll_y))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._show_progress()

    def watch_virtual_size(self) -> None:
        # A new article, a resize or a wrapped re-render changes the length.
        self._show_progress()

    def _show_progress(self) -> None:
        progress = self.progress
        subtitle = "" if progress is None else f"{progress}%"
        if self.border_subtitle != subtitle:
            self.border_subtitle = subtitle

    # ------------------------------------------------------------------ drawing
    def _static(self, id_: str) -> Static:
        return self.query_one(f"#{id_}", Static)

    def _set_caption(self, caption: str | None) -> None:
        widget = self._static("reader-caption")
        text = safe_line(caption)
        widget.update(Content(text))
        widget.display = bool(text)

    def _meta(self, article: Article) -> Content:
        parts: list[tuple[str, str]] = []
        if article.source_name:
            parts.append((safe_line(article.source_name), "bold"))
        if article.author:
            parts.append((safe_line(article.author), ""))
        date = format_date(article.published)
        if date:
            parts.append((date, ""))
        link = web_link(article.link)  # only links `o` would open are worth showing
        if link:
            parts.append((safe_line(link), "underline"))
        if article.summary_only:
            parts.append(("summary only: press f to fetch the full article", "italic"))
        pieces: list[tuple[str, str] | str] = []
        for i, part in enumerate(parts):
            if i:
                pieces.append("  ·  ")
            pieces.append(part)
        return Content.assemble(*pieces)

    def notify_style_update(self) -> None:
        # Highlight styles are resolved to concrete colours: redo them on a theme change.
        super().notify_style_update()
        if self.is_mounted and self._entities:
            # After the refresh: component styles are recomputed after this hook.
            self.call_after_refresh(self._render_body)

    def _render_body(self) -> None:
        length = len(self._text)
        spans: list[Span] = []
        styles: dict[str, Style] = {}
        for stored in self._entities:
            active = (stored.label, stored.name) == self._active
            name = entity_class(stored.label, active=active)
            style = styles.get(name)
            if style is None:
                style = styles[name] = component_style(self, name)
            spans.extend(
                Span(start, end, style)
                for start, end in stored.spans
                if 0 <= start < end <= length
            )
        # Links first: an entity mention inside a reference keeps its colour on top.
        spans = [*self._link_spans, *spans]
        spans.sort(key=lambda span: span.start)
        # strip_control_codes=False: the text is already safe and stripping
        # would shift every entity offset.
        self._static("reader-body").update(
            Content(self._text, spans, strip_control_codes=False)
        )


    def _find_link_spans(self) -> list[Span]:
        """Spans for the ``Links:`` block (dim) and every ``[n]`` it lists (clickable).

        Only numbers the block actually lists get a click: ``[7]`` in running
        text with five links is just text. The action carries the number only;
        the screen looks the target up and applies the browser rules.
        """
        from newsreader.content import links_from_text

        text = self._text
        links = links_from_text(text)
        if not links:
            return []
        block = text.rfind("Links:\n")
        spans: list[Span] = [Span(block, len(text), "dim")]
        for match in _LINK_REF.finditer(text):
            number = int(match.group(1))
            if 0 < number <= len(links) and links[number - 1]:
                style = Style.from_meta({"@click": (LINK_ACTION, (number,))})
                spans.append(Span(match.start(), match.end(), style))
        return spans


def _line_of_offset(text: str, offset: int, width: int) -> int:
    """Which wrapped line (0-based) character ``offset`` lands on at ``width`` cells.

    Counts each earlier paragraph's wrapped height, then the position inside the
    paragraph; good to within a line, which is all scrolling needs.
    """
    if width <= 0:
        return 0
    try:
        from rich._wrap import divide_line  # the same word-wrap Content uses
    except ImportError:  # pragma: no cover - rich moved it; fall back to an estimate
        divide_line = None
    line = 0
    position = 0
    for paragraph in text.split("\n"):
        end = position + len(paragraph)
        breaks = divide_line(paragraph, width, fold=True) if divide_line else list(
            range(width, len(paragraph), width)
        )
        if offset <= end:
            inside = offset - position
            return line + sum(1 for cut in breaks if cut <= inside)
        line += len(breaks) + 1
        position = end + 1
    return line
