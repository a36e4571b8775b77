"""The reader pane: title, meta line, caption and the article text with entity highlights.

A line-API ``ScrollView`` (the article list's pattern): the article is
wrapped once per width into ranges of its text (:mod:`reader_layout`), and
``render_line`` draws only the lines on screen, each once until something
changes. A ``Static`` holding the whole article cost a layout pass, two
full wraps and a render of every line per article, ~45 ms of a 70 ms key
press at 100k articles; this draws the ~40 visible lines instead.

Styles are applied when a line is drawn, from one span list per text:
entity highlights (resolved colours: the house-style measurements show one
span list is the cheap way to restyle hundreds of mentions), the active
entity, clickable link references (``[3]``, as :mod:`newsreader.content`
writes them; ``@click`` meta on the span, never markup, so data can't
smuggle an action in, and only numbers the ``Links:`` block lists), the dim
``Links:`` block and ``[image: alt]`` entries, and the structure content.py
writes as light Markdown: a heading line (``## Sub``) bold in the accent
colour, a quote line (``> ``) italic, their marks dim. The text is never
changed (entity offsets index it); structure is only spans. Wrap positions
don't depend on styles, so entities arriving later restyle without
re-wrapping. List items, quotes and headings hang their wrapped lines under
the text after their marks. The border subtitle
shows how far down you are.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import accumulate, pairwise
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content, Span
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style

from newsreader.ui.colors import ENTITY_CLASSES, component_style, entity_class
from newsreader.ui.text import safe_line, safe_text, web_link
from newsreader.ui.widgets.reader_layout import LineRange, line_of_offset, wrap, wrap_parts

if TYPE_CHECKING:
    from newsreader.models import Article
    from newsreader.store import StoredEntity

EntityKey = tuple[str, str]  # (label, name)

#: A link reference as content.py writes it: `` [3]`` after the link text.
_LINK_REF = re.compile(r"\[(\d{1,4})\]")
#: An image as content.py writes it (alt text only): shown dim, it is not prose.
_IMAGE = re.compile(r"\[image: [^\]\n]*\]")
#: A line's structure marks as content.py writes them: quote marks (``> `` per
#: level; ``>`` alone is a blank line inside a quote), then a heading's ``#``s.
_MARKS = re.compile(r"^(?:>(?: |$))*(?:#{1,6} (?=\S))?", re.MULTILINE)
#: The action a click on a reference runs (on the screen: it knows the browser rules).
LINK_ACTION = "screen.open_link_ref"
#: Between the meta line's parts; a wrapped meta line never starts with it.
META_SEPARATOR = "  ·  "

# The texts a line can come from; each has a component class for its base style.
TITLE, META, CAPTION, BODY, MESSAGE = range(5)
_PART_CLASS = {TITLE: "reader--title", META: "reader--meta", CAPTION: "reader--caption",
               MESSAGE: "reader--message"}
#: Component classes for structure in the body (styled in newsreader.tcss).
HEADING_CLASS = "reader--heading"
QUOTE_CLASS = "reader--quote"
DIM = Style(dim=True)
_AS_SPACE = {0x09: " ", 0x2028: " ", 0x2029: " "}


def format_date(value: datetime | None) -> str:
    """An absolute date in the article's own zone: never "3 hours ago", so it never drifts."""
    if value is None:
        return ""
    text = value.strftime("%a %d %b %Y, %H:%M")
    zone = value.strftime("%Z")
    return f"{text} {zone}" if zone else text


class _Row(NamedTuple):
    """One screen line: ``part``'s text from ``start`` to ``end``, after ``indent`` blanks."""

    part: int
    start: int
    end: int
    indent: int


class _Styled:
    """A text and its spans, indexed so a line finds the spans it crosses in O(log n)."""

    __slots__ = ("_reach", "_starts", "spans", "text")

    def __init__(self, content: Content) -> None:
        # Tabs and line/paragraph separators are drawn as one space: same length,
        # so every offset still holds (and a copied selection keeps its lines).
        self.text = content.plain.translate(_AS_SPACE)
        self.spans: list[Span] = sorted(
            (s for s in content.spans if s.start < s.end), key=lambda s: s.start)
        self._starts = [span.start for span in self.spans]
        # Furthest end of any span so far: non-decreasing, so it can be bisected.
        self._reach = list(accumulate((span.end for span in self.spans), max))

    def crossing(self, start: int, end: int) -> list[tuple[int, Span]]:
        """(index, span) for every span overlapping ``[start, end)``, in list order."""
        first = bisect_right(self._reach, start)
        last = bisect_left(self._starts, end)
        spans = self.spans
        return [(i, spans[i]) for i in range(first, last) if spans[i].end > start]


class Reader(ScrollView, can_focus=True, inherit_bindings=False):
    """Shows one article; highlights its entities when they arrive.

    Page keys (space, pagedown, pageup) are screen bindings so they work from
    every pane; only line and end keys live here.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "scroll_down", "Scroll down", show=False, id="reader.down",
                tooltip="Scroll the article down a line"),
        Binding("up", "scroll_up", "Scroll up", show=False, id="reader.up",
                tooltip="Scroll the article up a line"),
        Binding("g,home", "scroll_home", "Top", show=False, id="reader.top",
                tooltip="Go to the top of the article"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="reader.bottom",
                tooltip="Go to the end of the article"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *ENTITY_CLASSES, *_PART_CLASS.values(), HEADING_CLASS, QUOTE_CLASS}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.article_key: int | None = None
        self.article: Article | None = None
        self._text = ""
        self._entities: list[StoredEntity] = []
        self._active: EntityKey | None = None
        self._link_spans: list[Span] = []
        # (start, end, component class) of heading and quote text, found once per article.
        self._structure: list[tuple[int, int, str]] = []
        self._parts: dict[int, Content] = {}
        self._styled: dict[int, _Styled] = {}
        self._rows: list[_Row | None] = []
        self._rows_width = 0  # the width _rows were wrapped for; 0: not wrapped
        self._body_lines: list[LineRange] = []
        self._body_top = 0  # row of the first body line
        self._strips: LRUCache[int, Strip] = LRUCache(256)
        self._styles: dict[tuple[int, tuple[int, ...]], RichStyle] = {}
        self._on_drawn: list[Callable[[], object]] = []
        self._keep_top: int | None = None  # text offset to keep at the top after a re-wrap

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

    @property
    def title_content(self) -> Content:
        """The title as drawn (its style comes from the ``reader--title`` class, not spans)."""
        return self._parts.get(TITLE, Content(""))

    @property
    def meta_content(self) -> Content:
        """The meta line (source · author · date · link) with its part styles."""
        return self._parts.get(META, Content(""))

    @property
    def caption_content(self) -> Content:
        return self._parts.get(CAPTION, Content(""))

    @property
    def body_content(self) -> Content:
        """The text with every span it is drawn with (links, entities, dim parts);
        in the empty state, the message."""
        return self._parts.get(BODY) or self._parts.get(MESSAGE, Content(""))

    def show_message(self, message: str) -> None:
        """An empty-state line (loading, nothing to read) in place of an article."""
        self.article_key = None
        self.article = None
        self._text = ""
        self._entities = []
        self._active = None
        self._link_spans = []
        self._structure = []
        self._set_parts({MESSAGE: Content(safe_text(message), strip_control_codes=False)})
        self.add_class("-empty")
        self._relayout()
        self.scroll_home(animate=False, immediate=True)
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
        self._link_spans, self._structure = self._find_link_spans()
        parts = {TITLE: Content(safe_line(article.title) or "(untitled)"),
                 META: self._meta(article), BODY: self._body()}
        caption = safe_line(article.caption)
        if caption:
            parts[CAPTION] = Content(caption)
        self._set_parts(parts)
        self._relayout()
        if not same:
            self.scroll_home(animate=False, immediate=True)

    def set_entities(self, entities: Sequence[StoredEntity]) -> None:
        self._entities = list(entities)
        if self._active is not None and not any(
            (e.label, e.name) == self._active for e in self._entities
        ):
            self._active = None
        self._restyle()

    def set_active(self, entity: EntityKey | None) -> None:
        """Emphasise one entity's mentions (the sidebar selection), or none."""
        self._active = entity
        self._restyle()

    def call_when_drawn(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once what the reader shows now is on screen.

        The screen holds back work that would compete with that frame (entity
        extraction) until then. A reader that is not on screen runs it after
        the next refresh.
        """
        if self.region:
            self._on_drawn.append(callback)
        else:
            self.call_after_refresh(callback)

    def mention_offsets(self, entity: EntityKey) -> list[int]:
        """Start offsets of every mention of ``entity``, in text order."""
        for stored in self._entities:
            if (stored.label, stored.name) == entity:
                return sorted(start for start, _end in stored.spans)
        return []

    def row_of_offset(self, offset: int) -> int | None:
        """The row (0 = the top of the article) that shows character ``offset`` of the text."""
        if BODY not in self._parts:
            return None
        self._ensure_rows()
        if not self._rows_width:
            return None
        return self._body_top + line_of_offset(self._body_lines, offset)

    def scroll_to_offset(self, offset: int) -> None:
        """Bring the line holding character ``offset`` into view, a third from the top."""
        row = self.row_of_offset(offset)
        if row is not None:
            target = row - self.scrollable_content_region.height // 3
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
        # A new article or a re-wrap at another width changes the length.
        self._show_progress()

    def _show_progress(self) -> None:
        progress = self.progress
        subtitle = "" if progress is None else f"{progress}%"
        if self.border_subtitle != subtitle:
            self.border_subtitle = subtitle

    # ------------------------------------------------------------------ texts and spans
    def _set_parts(self, parts: dict[int, Content]) -> None:
        self._parts = parts
        self._styled = {part: _Styled(content) for part, content in parts.items()}
        self._rows_width = 0

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
        for i, part in enumerate(p for p in parts if p[0]):
            if i:
                pieces.append(META_SEPARATOR)
            pieces.append(part)
        return Content.assemble(*pieces)

    def _body(self) -> Content:
        """The text with one span list: structure, links and dim parts first, then
        entities on top (a mention in a heading keeps its colour, and the bold)."""
        length = len(self._text)
        styles: dict[str, Style] = {}
        spans: list[Span] = []
        for start, end, name in self._structure:
            style = styles.get(name)
            if style is None:
                style = styles[name] = component_style(self, name)
            spans.append(Span(start, end, style))
        spans.extend(self._link_spans)
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
        spans.sort(key=lambda span: span.start)
        # strip_control_codes=False: the text is already safe and stripping
        # would shift every entity offset.
        return Content(self._text, spans, strip_control_codes=False)

    def _find_link_spans(self) -> tuple[list[Span], list[tuple[int, int, str]]]:
        """Spans for structure marks, ``[image: ...]`` entries and the ``Links:``
        block (dim) and every ``[n]`` the block lists (clickable); and the ranges
        of heading and quote text with their component class.

        Only numbers the block actually lists get a click: ``[7]`` in running
        text with five links is just text (an image's ``[n]`` is a link like
        any other). The action carries the number only; the screen looks the
        target up and applies the browser rules. The ranges are kept apart
        because their styles come from the theme and are resolved per restyle.
        """
        from newsreader.content import links_from_text

        text = self._text
        links = links_from_text(text)
        block = text.rfind("Links:\n") if links else len(text)
        spans, structure = _structure_spans(text, block)
        spans.extend(Span(m.start(), m.end(), DIM) for m in _IMAGE.finditer(text))
        if not links:
            return spans, structure
        spans.append(Span(block, len(text), DIM))
        for match in _LINK_REF.finditer(text):
            number = int(match.group(1))
            if 0 < number <= len(links) and links[number - 1]:
                style = Style.from_meta({"@click": (LINK_ACTION, (number,))})
                spans.append(Span(match.start(), match.end(), style))
        return spans, structure

    def _restyle(self) -> None:
        """New highlights on the same lines: redraw, never re-wrap."""
        if BODY not in self._parts:
            return
        body = self._body()
        self._parts[BODY] = body
        self._styled[BODY] = _Styled(body)
        self._styles.clear()
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        # Highlight styles are resolved to concrete colours: redo them on a theme change.
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()
        if self.is_mounted and self._entities:
            # After the refresh: component styles are recomputed after this hook.
            self.call_after_refresh(self._restyle)

    # ------------------------------------------------------------------ layout
    def _width(self) -> int:
        return self.scrollable_content_region.width

    def _ensure_rows(self, width: int | None = None) -> bool:
        """Wrap for the current width if that has not been done; True when it re-wrapped."""
        if width is None:
            width = self._width()
        if width <= 0 or width == self._rows_width:
            return False
        # A re-wrap of the same text (resize) keeps the line at the top in view.
        self._keep_top = self._top_offset() if self._rows_width else None
        self._wrap(width)
        return True

    def _wrap(self, width: int) -> None:
        rows: list[_Row | None] = []
        styled = self._styled

        def add(part: int, lines: Sequence[LineRange], gap: bool = True) -> None:
            if gap:
                rows.append(None)
            rows.extend(_Row(part, *line) for line in lines)

        if MESSAGE in styled:
            add(MESSAGE, wrap(styled[MESSAGE].text, width))
        else:
            if TITLE in styled:
                add(TITLE, wrap(styled[TITLE].text, width))
            meta = self._parts.get(META)
            if meta:
                add(META, wrap_parts(styled[META].text, _meta_parts(meta.plain), width))
            if CAPTION in styled:
                add(CAPTION, wrap(styled[CAPTION].text, width))
            if BODY in styled:
                self._body_lines = wrap(styled[BODY].text, width, lists=True)
                self._body_top = len(rows) + 1
                add(BODY, self._body_lines)
                rows.append(None)
        self._rows = rows
        self._rows_width = width
        self._strips.clear()

    def _relayout(self) -> None:
        """Wrap the texts for the current width and size the scroll area to them."""
        self._rows_width = 0
        if self._ensure_rows():
            self._set_virtual_size()
        self._strips.clear()
        self.refresh()

    def _set_virtual_size(self) -> None:
        size = Size(self._rows_width, len(self._rows))
        if self.virtual_size != size:
            self.virtual_size = size

    def on_resize(self) -> None:
        if self._ensure_rows():
            self._after_rewrap()

    def _after_rewrap(self) -> None:
        """Size the scroll area to the new wrap; keep the text that was at the top there."""
        self._set_virtual_size()
        top, self._keep_top = self._keep_top, None
        row = None if top is None else self.row_of_offset(top)
        if row is not None:
            self.scroll_to(y=row, animate=False, immediate=True)
        self.refresh()

    def _top_offset(self) -> int | None:
        """The text offset of the body line at the top of the view, to keep it there."""
        top = round(self.scroll_y)
        if BODY not in self._parts or top <= self._body_top or top >= len(self._rows):
            return None
        row = self._rows[top]
        return row.start if row is not None and row.part == BODY else None

    # ------------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        width = self._width()
        if self._ensure_rows(width):
            # Drawn at a width nobody wrapped for yet (mid-resize): size it after this frame.
            self.call_later(self._after_rewrap)
        if self._on_drawn:
            # Being drawn now: after this frame is soon enough.
            for callback in self._on_drawn:
                self.call_after_refresh(callback)
            self._on_drawn.clear()
        index = round(self.scroll_y) + y
        if width <= 0:
            return Strip.blank(0)
        selection = self.text_selection
        strip = None if selection is not None else self._strips.get(index)
        if strip is None:
            row = self._rows[index] if 0 <= index < len(self._rows) else None
            if row is None:
                strip = Strip.blank(width, self._part_style(BODY))
            else:
                strip = self._draw(row, width)
            if selection is not None:
                strip = self._select(strip, selection.get_span(index))
            # Offsets are what text selection reads back (as in Textual's Log).
            strip = strip.apply_offsets(0, index)
            if selection is None:
                self._strips[index] = strip
        return strip

    def _select(self, strip: Strip, span: tuple[int, int] | None) -> Strip:
        """``strip`` with the selected characters in the screen's selection style."""
        if span is None:
            return strip
        start, end = span
        text = Text.assemble(*((seg.text, seg.style) for seg in strip), end="")
        text.stylize(self.screen.get_component_rich_style("screen--selection"),
                     start, len(text) if end == -1 else end)
        return Strip(list(text.render(self.app.console)), strip.cell_length)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text, line by line as drawn (Textual calls this to copy it)."""
        self._ensure_rows()
        lines = []
        for row in self._rows:
            if row is None:
                lines.append("")
            else:
                part, start, end, indent = row
                lines.append(" " * indent + self._styled[part].text[start:end])
        return selection.extract("\n".join(lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips.clear()
        self.refresh()

    def _part_style(self, part: int) -> RichStyle:
        """The widget's style plus the part's component class (cached until the styles change)."""
        style = self._styles.get((part, ()))
        if style is None:
            name = _PART_CLASS.get(part)
            style = self.rich_style
            if name is not None:
                style += self.get_component_rich_style(name)
            self._styles[(part, ())] = style
        return style

    def _draw(self, row: _Row, width: int) -> Strip:
        part, start, end, indent = row
        styled = self._styled[part]
        text = styled.text
        base = self._part_style(part)
        segments = [Segment(" " * indent, base)] if indent else []
        spans = styled.crossing(start, end)
        if not spans:
            segments.append(Segment(text[start:end], base))
        else:
            cuts = {start, end}
            for _, span in spans:
                cuts.add(max(start, span.start))
                cuts.add(min(end, span.end))
            for left, right in pairwise(sorted(cuts)):
                on = tuple(i for i, span in spans if span.start <= left and span.end >= right)
                segments.append(Segment(text[left:right], self._combined(part, on, base)))
        strip = Strip(segments, indent + cell_len(text[start:end]))
        return strip.crop_extend(0, width, base)

    def _combined(self, part: int, spans: tuple[int, ...], base: RichStyle) -> RichStyle:
        """The style for text under these spans of ``part`` (later spans on top), cached."""
        key = (part, spans)
        style = self._styles.get(key)
        if style is None:
            style = base
            all_spans = self._styled[part].spans
            for index in spans:
                span_style = all_spans[index].style
                if isinstance(span_style, str):
                    span_style = Style.parse(span_style)
                rich = span_style.rich_style
                style += rich
                if rich.meta and "@click" in rich.meta:
                    style += self.link_style
            self._styles[key] = style
        return style


def _structure_spans(text: str, stop: int) -> tuple[list[Span], list[tuple[int, int, str]]]:
    """Dim spans over quote and heading marks in ``text[:stop]``, and the
    (start, end, class) of the text after them: a heading's words bold in the
    accent colour, a quote's italic (a heading inside a quote gets both)."""
    marks: list[Span] = []
    structure: list[tuple[int, int, str]] = []
    if not (text.startswith((">", "#")) or "\n>" in text or "\n#" in text):
        return marks, structure  # most articles: no line starts with a mark
    for match in _MARKS.finditer(text, 0, stop):
        start, end = match.span()
        if start == end:
            continue
        marks.append(Span(start, end, DIM))
        line_end = text.find("\n", end, stop)
        line_end = stop if line_end < 0 else line_end
        if line_end == end:
            continue  # ">" alone: a blank line inside a quote
        if text.startswith(">", start):
            structure.append((end, line_end, QUOTE_CLASS))
        if text[end - 2 : end] == "# ":
            structure.append((end, line_end, HEADING_CLASS))
    return marks, structure


def _meta_parts(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each part of a meta line built with :data:`META_SEPARATOR`."""
    parts: list[tuple[int, int]] = []
    start = 0
    while True:
        found = text.find(META_SEPARATOR, start)
        if found < 0:
            parts.append((start, len(text)))
            return parts
        parts.append((start, found))
        start = found + len(META_SEPARATOR)
