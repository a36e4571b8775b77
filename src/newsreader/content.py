"""HTML to clean, readable plain text.

Why not inscriptis (the preferred library)? It renders through lxml, whose
HTML parser silently *drops the text* of anything nested deeper than 255
elements (``<div>`` x 300 around "deep" comes out as ""), and with
``huge_tree`` its recursive renderer hits ``RecursionError`` at 10,000
levels; links come out as Markdown ``[text](url)`` with no way to filter
schemes. Losing article text without a word is worse than any formatting
nicety, so this is a small converter on the stdlib :mod:`html.parser`
instead: a flat event loop with a few counters, no recursion, no tree, so
depth never matters and the cost is linear in the input.

Output rules: paragraphs, headings, block quotes, tables rows and list
blocks are separated by one blank line; list items start with ``- `` or
``1. `` (indented two spaces per nesting level); ``<br>`` is a line break;
``<pre>`` keeps its spacing. Links are numbered references, as in
newsboat, w3m or lynx: ``text [1]`` inline and a ``Links:`` block at the end
(see :class:`LinkRefs`), because full URLs inline made every second line of a
real article a URL. Only http(s)/mailto targets get a number (relative ones
resolved against ``base_url``); other targets (``javascript:``, ``data:``,
unresolvable relative ones, absurdly long ones) show only the text, and a
bare URL (text equal to its target) is shown once, as the text, with no
number. Images show as ``[image: alt]`` when they have alt text, else
nothing (tracking pixels). ``<script>``/``<style>`` and similar are dropped.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin

from newsreader.sanitize import clean_text, esc_refs_to_esc, safe_link

__all__ = ["LinkRefs", "html_to_text", "html_to_text_and_links", "looks_like_html"]

# Elements whose content is never text for a reader.
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "iframe", "object",
     "svg", "math", "select", "textarea", "button", "canvas", "audio", "video", "map"}
)
# Extra elements dropped when rendering a whole web page (site chrome, not article).
_PAGE_CHROME = frozenset({"nav", "aside", "footer", "form", "dialog"})
# Blocks separated from their neighbours by a blank line.
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "figure",
     "hr", "dl", "address", "section", "article", "header", "footer", "main", "aside",
     "nav", "details", "fieldset"}
)
# Blocks that only need to start on a new line.
_LINE = frozenset(
    {"div", "li", "tr", "dt", "dd", "figcaption", "caption", "summary", "legend",
     "center", "form", "ul", "ol", "menu"}
)
_LISTS = frozenset({"ul", "ol", "menu"})
_CELLS = frozenset({"td", "th"})
_VOID = frozenset({"br", "img", "hr", "wbr", "input", "meta", "link", "area", "base",
                   "col", "embed", "param", "source", "track"})

_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_TAGLIKE = re.compile(r"<[a-zA-Z/!?]")
_MAX_INDENT = 8  # list nesting deeper than this is shown flat
_MAX_SHOWN_LINK = 300  # longer link targets are tracking noise, not worth showing


class LinkRefs:
    """Numbered link references and the ``Links:`` block that lists them.

    One number per distinct target, in first-seen order, so a URL used
    three times in an article costs one list entry and one number. Kept
    separate from the HTML converter so every text renderer (HTML, Markdown,
    anything later) numbers and lists links the same way.
    """

    __slots__ = ("_numbers",)

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def number(self, url: str) -> int:
        """The reference number of ``url``, assigning the next one if new."""
        return self._numbers.setdefault(url, len(self._numbers) + 1)

    @property
    def urls(self) -> list[str]:
        """Targets in number order: ``urls[n - 1]`` is link ``[n]``."""
        return list(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)

    def block(self) -> str:
        """``Links:`` then one ``[n] url`` line per target; ``""`` without links."""
        if not self._numbers:
            return ""
        lines = [f"[{n}] {url}" for url, n in self._numbers.items()]
        return "Links:\n" + "\n".join(lines)

    def append_to(self, text: str) -> str:
        """``text`` with the block after one blank line (unchanged without links)."""
        block = self.block()
        if not block:
            return text
        return f"{text}\n\n{block}" if text else block


class _Raw(str):
    """Text kept exactly as is: ``<pre>`` content and list markers."""

    __slots__ = ()


def looks_like_html(s: str) -> bool:
    """Whether ``s`` contains markup or entities worth running through the parser."""
    return bool(_TAGLIKE.search(s)) or "&" in s


class _Converter(HTMLParser):
    """Turn parser events into a list of text pieces and line-break requests.

    ``out`` holds ``str`` pieces and ``int`` break requests (number of
    newlines wanted); :meth:`text` merges adjacent breaks and trims the
    spaces around them, which is how whitespace collapses across elements.
    """

    def __init__(
        self, base_url: str | None, scope: tuple[str, int] | None, page: bool, link_refs: bool
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.link_refs = link_refs
        self.out: list[str | int] = []  # str, _Raw or a break request
        self.skip = 0
        self.skip_stack: list[str] = []
        self.pre = 0
        self.lists: list[list[int]] = []  # one entry per open list: [is_ordered, counter]
        self.links: list[tuple[str | None, int]] = []  # open <a>: target, start in out
        self.refs = LinkRefs()
        self.row_cells = 0
        self.page = page
        # Scope: only emit text inside the n-th <tag> (n counted from 0).
        self.scope = scope
        self.scope_seen = -1
        self.scope_open = 0 if scope else 1

    # -- helpers -----------------------------------------------------------
    def _brk(self, n: int) -> None:
        self.out.append(n)

    def _emit(self, s: str) -> None:
        if s:
            self.out.append(s)

    @property
    def _active(self) -> bool:
        return self.skip == 0 and self.scope_open > 0

    def _skip_names(self) -> frozenset[str]:
        return _SKIP | _PAGE_CHROME if self.page else _SKIP

    # -- events ------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.scope and tag == self.scope[0]:
            self.scope_seen += 1
            if self.scope_open or self.scope_seen == self.scope[1]:
                self.scope_open += 1
        if tag in self._skip_names():
            if tag not in _VOID:
                self.skip += 1
                self.skip_stack.append(tag)
            return
        if not self._active:
            return
        if tag in _PARAGRAPH:
            self._brk(2)
        elif tag in _LINE:
            self._brk(1)
        if tag == "br":
            self._brk(1)
        elif tag == "pre":
            self.pre += 1
        elif tag in _LISTS:
            self.lists.append([tag == "ol", 0])
            if len(self.lists) == 1:
                self._brk(2)
        elif tag == "li":
            self._list_item(attrs)
        elif tag == "tr":
            self.row_cells = 0
        elif tag in _CELLS:
            if self.row_cells:
                self._emit("  ")
            self.row_cells += 1
        elif tag == "a":
            self.links.append((self._target(attrs), len(self.out)))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            alt = _SPACES.sub(" ", alt).strip() if alt else ""
            if alt:
                self._emit(f" [image: {alt}] ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <img/>: a self-closing non-void tag must not open anything.
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag in self.skip_stack:
                # Close the innermost matching skipped element (and anything
                # left unclosed inside it).
                while self.skip_stack:
                    self.skip -= 1
                    if self.skip_stack.pop() == tag:
                        break
            return
        was_active = self._active
        if self.scope and tag == self.scope[0] and self.scope_open:
            self.scope_open -= 1
        if not was_active:
            return
        if tag == "a":
            if self.links:
                target, start = self.links.pop()
                self._close_link(target, start)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag in _LISTS and self.lists:
            self.lists.pop()
            if not self.lists:
                self._brk(2)
        if tag in _PARAGRAPH:
            self._brk(2)
        elif tag in _LINE:
            self._brk(1)

    def handle_data(self, data: str) -> None:
        if not self._active or not data:
            return
        if self.pre:
            self.out.append(_Raw(data))
        else:
            self._emit(_SPACES.sub(" ", data))

    # -- pieces --------------------------------------------------------------
    def _list_item(self, attrs: list[tuple[str, str | None]]) -> None:
        if not self.lists:
            self._emit("- ")
            return
        current = self.lists[-1]
        indent = "  " * min(len(self.lists) - 1, _MAX_INDENT)
        if current[0]:
            value = dict(attrs).get("value")
            current[1] = int(value) if value and value.strip().isdigit() else current[1] + 1
            self.out.append(_Raw(f"{indent}{current[1]}. "))
        else:
            self.out.append(_Raw(f"{indent}- "))

    def _target(self, attrs: list[tuple[str, str | None]]) -> str | None:
        href = dict(attrs).get("href")
        if not href:
            return None
        href = href.strip()
        if self.base_url:
            try:
                href = urljoin(self.base_url, href)
            except ValueError:
                return None
        link = safe_link(href)
        if link is None or len(link) > _MAX_SHOWN_LINK:
            return None
        return link

    def _close_link(self, target: str | None, start: int) -> None:
        if not target or not self.link_refs:
            return
        label = "".join(p for p in self.out[start:] if isinstance(p, str)).strip()
        shown = target[7:] if target.startswith("mailto:") else target
        if label in (target, shown) or label.rstrip("/") == target.rstrip("/"):
            return  # a bare URL: a number pointing at the same text adds nothing
        self._emit(f" [{self.refs.number(target)}]")

    # -- result --------------------------------------------------------------
    def text(self) -> str:
        lines: list[str] = []
        pending = 0
        started = False
        buf: list[str] = []

        def flush_buf() -> None:
            lines.append("".join(buf).rstrip(" "))
            buf.clear()

        for piece in self.out:
            if isinstance(piece, int):
                pending = max(pending, piece)
                continue
            raw = isinstance(piece, _Raw)
            s = str(piece)
            if not raw and (pending or not started or (buf and buf[-1].endswith(" "))):
                s = s.lstrip(" ")  # no space at a line start or after a space
                if not s:
                    continue
            if pending and started:
                flush_buf()
                lines.extend([""] * (pending - 1))
            pending = 0
            buf.append(s)
            started = True
        if buf:
            flush_buf()
        return "\n".join(lines)


def html_to_text(
    html: str,
    base_url: str | None = None,
    *,
    scope: tuple[str, int] | None = None,
    page: bool = False,
) -> str:
    """Convert an HTML fragment or page into clean readable text.

    ``base_url`` resolves relative link targets (a feed's URL); without it
    relative targets are not numbered, since they cannot be opened.
    ``scope=("article", 0)`` keeps only the text inside the first
    ``<article>`` (used for web pages); ``page=True`` also drops site chrome
    (nav, aside, footer, forms). Link references ``[n]`` are listed in a
    ``Links:`` block at the end. The result has passed :func:`clean_text`.
    """
    return html_to_text_and_links(html, base_url, scope=scope, page=page)[0]


def html_to_text_and_links(
    html: str,
    base_url: str | None = None,
    *,
    scope: tuple[str, int] | None = None,
    page: bool = False,
    link_refs: bool = True,
) -> tuple[str, list[str]]:
    """:func:`html_to_text` plus its link targets, so a UI can open link ``[n]``.

    The text is exactly what :func:`html_to_text` returns (``Links:`` block
    included); ``links[n - 1]`` is the target of ``[n]``. Every target has
    passed :func:`safe_link`. ``link_refs=False`` shows link text only, with
    no numbers and no block: for one-line HTML such as an Atom title, where
    a reference list has nowhere to go.
    """
    if not html:
        return "", []
    if not isinstance(html, str):
        html = str(html)
    if not looks_like_html(html):
        return clean_text(html), []
    html = esc_refs_to_esc(html)
    converter = _Converter(base_url, scope, page, link_refs)
    try:
        converter.feed(html)
        converter.close()
        text = converter.text()
        refs = converter.refs
    except Exception:  # html.parser is lenient, but never let markup crash a load
        text = unescape(re.sub(r"<[^>]*>", " ", html))
        refs = LinkRefs()  # no numbers were kept in the text, so list none
    return refs.append_to(clean_text(text)), refs.urls
