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

Output rules (light Markdown, so the structure survives as plain text that
the reader can style and a search can still match): paragraphs, headings,
block quotes, tables rows and list blocks are separated by one blank line;
headings start with ``#`` per level and a space (``## Sub head``); every line
of a block quote starts with ``> `` (``> > `` when nested, eight levels at
most; a blank line inside a quote is ``>``); list items start with ``- `` or
``1. `` (indented two spaces per nesting level); ``<br>`` is a line break;
``<pre>`` keeps its spacing. Links are numbered references, as in newsboat,
w3m or lynx: ``text [1]`` inline and a ``Links:`` block at the end (see
:class:`LinkRefs`), because full URLs inline made every second line of a real
article a URL. Only http(s)/mailto targets get a number (relative ones
resolved against ``base_url``); other targets (``javascript:``, ``data:``,
unresolvable relative ones, absurdly long ones) show only the text, and a
bare URL (text equal to its target) is shown once, as the text, with no
number. Images show as ``[image: alt]`` when they have alt text, else nothing
(tracking pixels); an image with alt text and an http(s) ``src`` (same rules
as links) is ``[image: alt] [n]``, its ``src`` listed with the links so the
picture can be opened in a browser. ``<script>``/``<style>`` and similar are
dropped.

Two paths, one output. The html.parser converter (:class:`_Converter`) takes
any input but costs about 0.4-0.7 ms per feed item, most of a refresh's parse
time. A fast path (:func:`_convert_fast`, about 4x faster) splits the input
with one regex and runs the same rules in a local-variable loop; it accepts
only markup whose html.parser events are certain in every Python version and
hands anything else (a stray ``<``, ``<script>``, a DOCTYPE, odd attribute
syntax ...) to the html.parser converter. The two are compared on every
fixture, the shared corpus and generated markup (``tests/test_content_fast.py``);
``bench/html_to_text.py`` measures both.
"""

from __future__ import annotations

import functools
import re
from html import unescape
from html.entities import html5 as html5_entities
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from newsreader.sanitize import clean_text, esc_refs_to_esc, safe_link

__all__ = [
    "LinkRefs", "html_to_text", "html_to_text_and_links", "joins_to_itself", "looks_like_html",
    "urljoin_fast",
]

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
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_CELLS = frozenset({"td", "th"})
_VOID = frozenset({"br", "img", "hr", "wbr", "input", "meta", "link", "area", "base",
                   "col", "embed", "param", "source", "track"})

_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_TAGLIKE = re.compile(r"<[a-zA-Z/!?]")
_MAX_INDENT = 8  # list nesting deeper than this is shown flat
_MAX_QUOTE = 8  # quotes nested deeper show this many marks (a prefix per line must stay small)
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


class _Quote(int):
    """Block-quote depth from here on: lines started while it is n begin with ``> `` * n.

    A marker in the piece list rather than text, because a quote's prefix
    belongs to every line the quote ends up on, which only the join knows.
    """

    __slots__ = ()


class _Head(int):
    """Heading level from here on (0: none): lines started inside begin with ``#`` * n."""

    __slots__ = ()


def looks_like_html(s: str) -> bool:
    """Whether ``s`` contains markup or entities worth running through the parser."""
    return "&" in s or ("<" in s and bool(_TAGLIKE.search(s)))


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
        self.quote = 0
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
        elif tag in _HEADINGS:
            self.out.append(_Head(_HEADINGS[tag]))
        elif tag == "blockquote":
            self.quote += 1
            self.out.append(_Quote(self.quote))
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
                src = _image_target(dict(attrs).get("src"), self.base_url)
                if src and self.link_refs:
                    self._emit(f" [image: {alt}] [{self.refs.number(src)}] ")
                else:
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
        elif tag in _HEADINGS:
            self.out.append(_Head(0))
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.out.append(_Quote(self.quote))
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
        """The pieces joined into lines (one join for both converters, so they agree)."""
        return _join(self.out)


# -- fast path ----------------------------------------------------------------
#
# The html.parser converter above spends most of its time in the parser's
# pure-Python scanning (a regex match, a position update and a method call
# per event) and in per-event attribute handling. The fast path below does
# the same conversion from one C-level ``re.split`` of the whole input, but it
# only accepts markup whose html.parser events are certain: simple start and
# end tags, simple comments, text. Anything else (a stray ``<``, ``<!DOCTYPE``,
# ``<![CDATA[``, ``<?pi>``, ``<script>`` and the other raw-text elements, an
# odd attribute syntax) makes it give up and the html.parser converter takes
# the input, so both paths always produce the same text. The accepted forms
# were chosen to parse identically in every html.parser version, including
# the 2025 security releases that changed comments and raw-text elements.

_WS = r"[ \t\n\r\f]"
_NAME = r"[a-zA-Z][-.a-zA-Z0-9:_]*"
_ATTR = (
    rf"{_WS}+[a-zA-Z_:][-.a-zA-Z0-9_:]*"
    # An unquoted value is taken whole (atomic), as html.parser does, and may not
    # end in "/": <a href=x/> is href "x/", not self-closing, an easy one to get wrong.
    rf"""(?:{_WS}*={_WS}*(?:"[^"]*"|'[^']*'|(?>[^\s"'=<>`]+)(?<!/)))?"""
)
# Groups: 1 end-tag name, 2 start-tag name, 3 attributes, 4 "/" of "<x/>".
# A comment (no groups) must not be empty, start with ">" or "->", or contain
# "--": those end differently in different Python versions.
_TOKEN = re.compile(
    rf"<(?:/({_NAME}){_WS}*|({_NAME})((?:{_ATTR})*){_WS}*(/?)|!--(?![->])(?:[^-]|-(?!-))*--)>"
)
_ATTR_PARTS = re.compile(
    rf"""{_WS}+([a-zA-Z_:][-.a-zA-Z0-9_:]*)(?:{_WS}*={_WS}*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
)
_NO_TOKEN = (None, None, None, None)
# Elements that are raw or escapable-raw text in some html.parser version:
# their content is not markup, so the fast path leaves them to html.parser.
_RAW_TEXT = frozenset(
    {"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea",
     "title", "plaintext"}
)

# What a start tag does, by name: (break before, action). The break is the
# _PARAGRAPH/_LINE rule; actions are the special cases of handle_starttag.
_BR, _PRE, _LIST, _LI, _TR, _CELL, _A, _IMG, _H, _QUOTE = range(1, 11)
_START: dict[str, tuple[int, int]] = {tag: (2, 0) for tag in _PARAGRAPH}
_START.update((tag, (1, 0)) for tag in _LINE)
for _tags, _kind in (({"br"}, _BR), ({"pre"}, _PRE), (_LISTS, _LIST), ({"li"}, _LI),
                     ({"tr"}, _TR), (_CELLS, _CELL), ({"a"}, _A), ({"img"}, _IMG),
                     (set(_HEADINGS), _H), ({"blockquote"}, _QUOTE)):
    for _tag in _tags:
        _START[_tag] = (_START.get(_tag, (0, 0))[0], _kind)
# The same for end tags: the break after, and the end of a link, <pre>, list,
# heading or quote.
_END: dict[str, tuple[int, int]] = {
    tag: (brk, kind if kind in (_A, _PRE, _LIST, _H, _QUOTE) else 0)
    for tag, (brk, kind) in _START.items()
    if brk or kind in (_A, _PRE, _LIST, _H, _QUOTE)
}
del _tags, _kind, _tag


class _Unsure(Exception):
    """Raised inside the fast path for input that html.parser versions read differently."""


def _attr(attrs: str, name: str) -> str | None:
    """The value html.parser gives attribute ``name`` (the last one wins, as in dict()).

    Raises :class:`_Unsure` for a value whose references html.parser
    unescapes differently by version (see :func:`_unescape_attr_html5`).
    """
    found: str | None = None
    for m in _ATTR_PARTS.finditer(attrs):
        if m.group(1).lower() == name:
            value = m.group(2)
            if value is not None:
                if value[:1] in "\"'":
                    value = value[1:-1]
                if "&" in value:
                    unescaped = unescape(value)
                    if unescaped != _unescape_attr_html5(value):
                        raise _Unsure
                    value = unescaped
            found = value
    return found


# A character reference in an attribute value as html.parser reads it since
# the 2025 security releases (3.9.23, 3.10.18, 3.11.13, 3.12.11, 3.13.6).
_ATTR_REF = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*)[;=]?")


def _unescape_attr_html5(value: str) -> str:
    """An attribute value unescaped the HTML5 way: ``&copy=2`` in a URL stays as is.

    Older html.parser versions unescape attribute values like text
    (``html.unescape``), newer ones only numeric references and exactly
    named ones not followed by ``=``. Where the two agree, the fast path's
    value is right on every Python; where they differ, html.parser decides.
    """

    def replace(m: re.Match[str]) -> str:
        ref = m.group()
        if ref[1] == "#" or (ref[-1] != "=" and ref[1:] in html5_entities):
            return unescape(ref)
        return ref

    return _ATTR_REF.sub(replace, value)


@functools.lru_cache(maxsize=64)
def _base_scheme(base: str) -> str | None:
    """The scheme ``urljoin`` sees in ``base``; None when ``base`` makes it raise."""
    try:
        return urlsplit(base).scheme
    except ValueError:
        return None


def urljoin_fast(base: str | None, url: str) -> str:
    """``urllib.parse.urljoin(base, url)``, exactly, without parsing an absolute http(s) URL.

    Why: a feed item's links are nearly always absolute, and urljoin splits
    and reassembles both URLs every time; that was a tenth of a refresh's
    parse time. When :func:`joins_to_itself` says urljoin would give ``url``
    back unchanged, it is returned as it is; anything else goes to urljoin
    (and may raise ValueError as urljoin does). ``tests/test_content_urljoin.py``
    compares the two.
    """
    if base and joins_to_itself(base, url):
        return url
    return urljoin(base, url) if base else url


def joins_to_itself(base: str, url: str) -> bool:
    """True only if ``urljoin(base, url) == url`` (without raising); False when unsure.

    An absolute ``http://`` or ``https://`` URL comes back from urljoin
    unchanged when it is plain ASCII without brackets, tabs or line breaks
    and, for the base's own scheme, has a host and nothing urljoin's
    reassembly would drop (``;`` params, an empty ``?`` or ``#``).
    """
    if not (base and url.startswith(("https://", "http://")) and url.isascii()):
        return False
    base_scheme = _base_scheme(base)
    if base_scheme is None or any(c in url for c in "[]\t\r\n"):
        return False
    scheme = "https" if url[4] == "s" else "http"
    if scheme != base_scheme:
        return True
    host = url[len(scheme) + 3 : len(scheme) + 4]
    return bool(
        host
        and host not in "/?#"
        and ";" not in url
        and "?#" not in url
        and not url.endswith(("?", "#"))
    )


def _link_target(href: str | None, base_url: str | None) -> str | None:
    """The openable target of an ``<a href>``, as :meth:`_Converter._target` gives it."""
    if not href:
        return None
    href = href.strip()
    if base_url:
        try:
            href = urljoin_fast(base_url, href)
        except ValueError:
            return None
    link = safe_link(href)
    if link is None or len(link) > _MAX_SHOWN_LINK:
        return None
    return link


def _image_target(src: str | None, base_url: str | None) -> str | None:
    """The web address of an ``<img src>`` worth a number: http(s) only.

    Same resolution and limits as a link (:func:`_link_target`), minus
    ``mailto:``; a ``data:`` or ``javascript:`` source gets no number.
    """
    target = _link_target(src, base_url)
    if target is None or not target.startswith(("http://", "https://")):
        return None
    return target


def _convert_fast(
    html: str, base_url: str | None, page: bool, link_refs: bool
) -> tuple[str, LinkRefs] | None:
    """:class:`_Converter`'s text and links, or None when html.parser must decide."""
    try:
        return _convert_tokens(html, base_url, page, link_refs)
    except _Unsure:
        return None


def _convert_tokens(
    html: str, base_url: str | None, page: bool, link_refs: bool
) -> tuple[str, LinkRefs] | None:
    """The fast path proper; raises :class:`_Unsure` from attribute values.

    One function with local state rather than a class with event methods:
    attribute lookups and calls per tag are most of the cost at this size.
    Every branch mirrors the matching line of :class:`_Converter`.
    """
    parts = _TOKEN.split(html)
    skip_names = _SKIP | _PAGE_CHROME if page else _SKIP
    start_actions = _START
    end_actions = _END
    spaces = _SPACES.sub
    # Most text needs no whitespace folding: a few ``in`` tests (C speed) spare
    # the regex, whose cost is per character. Raw \t\r\f\v are looked for once.
    odd_space = "\t" in html or "\r" in html or "\f" in html or "\v" in html
    out: list[str | int] = []
    append = out.append
    skip = 0
    skip_stack: list[str] = []
    pre = 0
    lists: list[list[int]] = []
    links: list[tuple[str | None, int]] = []
    refs = LinkRefs()
    row_cells = 0
    quote = 0
    # split() gives text, then the four groups of a token, ..., then the last
    # text: four Nones make that last text a 5-tuple too (they read as a comment).
    parts += _NO_TOKEN
    fields = iter(parts)
    tokens = zip(fields, fields, fields, fields, fields, strict=True)
    for data, end_name, name, attrs, closed in tokens:
        if data:
            if "<" in data:
                return None  # a "<" html.parser may read as text or as markup
            if not skip:
                odd = odd_space
                if "&" in data:
                    data = unescape(data)  # may leave "" (&#1; is nothing)
                    # &#9; &Tab; &#13; ... are whitespace to fold too.
                    odd = odd or "\t" in data or "\r" in data or "\f" in data or "\v" in data
                if not data:
                    pass
                elif pre:
                    append(_Raw(data))
                elif data == "\n":
                    append(" ")  # between blocks, the commonest text of all
                elif odd or "  " in data or "\n" in data:
                    append(spaces(" ", data))
                else:
                    append(data)
        if name is not None:
            tag = name.lower()
            if tag in _RAW_TEXT:
                return None
            if tag in skip_names:
                if tag not in _VOID and not closed:
                    skip += 1
                    skip_stack.append(tag)
                continue
            if skip:
                continue
            action = start_actions.get(tag)
            if action is not None:
                brk, kind = action
                if brk:
                    append(brk)
                if kind == _A:
                    target = _link_target(_attr(attrs, "href"), base_url) if attrs else None
                    links.append((target, len(out)))
                elif kind == _BR:
                    append(1)
                elif kind == _LI:
                    if not lists:
                        append("- ")
                    else:
                        current = lists[-1]
                        indent = "  " * min(len(lists) - 1, _MAX_INDENT)
                        if current[0]:
                            value = _attr(attrs, "value") if attrs else None
                            current[1] = (
                                int(value) if value and value.strip().isdigit()
                                else current[1] + 1
                            )
                            append(_Raw(f"{indent}{current[1]}. "))
                        else:
                            append(_Raw(f"{indent}- "))
                elif kind == _LIST:
                    lists.append([tag == "ol", 0])
                    if len(lists) == 1:
                        append(2)
                elif kind == _IMG:
                    alt = _attr(attrs, "alt") if attrs else None
                    alt = _SPACES.sub(" ", alt).strip() if alt else ""
                    if alt:
                        src = _image_target(_attr(attrs, "src"), base_url)
                        if src and link_refs:
                            append(f" [image: {alt}] [{refs.number(src)}] ")
                        else:
                            append(f" [image: {alt}] ")
                elif kind == _H:
                    append(_Head(_HEADINGS[tag]))
                elif kind == _QUOTE:
                    quote += 1
                    append(_Quote(quote))
                elif kind == _PRE:
                    pre += 1
                elif kind == _TR:
                    row_cells = 0
                elif kind == _CELL:
                    if row_cells:
                        append("  ")
                    row_cells += 1
            if not closed or tag in _VOID:
                continue
            # <x/> of a non-void element: an end tag follows at once.
        elif end_name is None:
            continue  # a comment
        else:
            tag = end_name.lower()
        # End tag, as _Converter.handle_endtag.
        if skip:
            if tag in skip_stack:
                while skip_stack:
                    skip -= 1
                    if skip_stack.pop() == tag:
                        break
            continue
        action = end_actions.get(tag)
        if action is None:
            continue  # an inline element: its end changes nothing
        brk, kind = action
        if kind == _A:
            if links:
                target, start = links.pop()
                if target and link_refs:
                    label = "".join(p for p in out[start:] if isinstance(p, str)).strip()
                    shown = target[7:] if target.startswith("mailto:") else target
                    if label not in (target, shown) and (
                        label.rstrip("/") != target.rstrip("/")
                    ):
                        append(f" [{refs.number(target)}]")
        elif kind == _PRE:
            pre = max(0, pre - 1)
        elif kind == _H:
            append(_Head(0))
        elif kind == _QUOTE:
            quote = max(0, quote - 1)
            append(_Quote(quote))
        elif kind == _LIST and lists:
            lists.pop()
            if not lists:
                append(2)
        if brk:
            append(brk)
    return _join(out), refs


def _join(out: list[str | int]) -> str:
    """The piece list as lines: breaks merged, spaces trimmed around them.

    A line takes its prefix (``> `` per quote level, ``#`` per heading
    level) from the markers in force when its first visible piece arrives,
    so an empty heading or quote leaves no line at all.
    """
    lines: list[str] = []
    pending = 0
    started = False
    buf: list[str] = []
    after_space = False  # buf's last piece ends with a space
    quote = 0  # markers in force
    head = 0
    line_quote = 0  # the quote depth of the line in buf
    for piece in out:
        cls = piece.__class__
        if cls is int:
            if piece > pending:
                pending = piece
            continue
        if cls is _Quote:
            quote = min(int(piece), _MAX_QUOTE)
            continue
        if cls is _Head:
            head = int(piece)
            continue
        if (pending or not started or after_space) and cls is not _Raw:
            piece = piece.lstrip(" ")
            if not piece:
                continue
        if pending or not started:
            if started:
                lines.append("".join(buf).rstrip(" "))
                buf.clear()
                if pending == 2:
                    # A blank line inside one quote stays in it (">"), as in Markdown.
                    lines.append(("> " * min(line_quote, quote)).rstrip(" "))
            pending = 0
            line_quote = quote
            if quote or head:
                buf.append("> " * quote + ("#" * head + " " if head else ""))
        if quote and cls is _Raw and "\n" in piece:
            piece = piece.replace("\n", "\n" + "> " * quote)  # <pre> lines in a quote
        buf.append(piece)
        started = True
        after_space = piece[-1] == " "
    if buf:
        lines.append("".join(buf).rstrip(" "))
    return "\n".join(lines)


# -- bounding html.parser -------------------------------------------------------
#
# html.parser looks for the end of every "<" construct from where it starts, and
# when there is none it reads on from the next "<" and looks again: 80 KB of
# "<a " took over a minute, ("<a" + " b" * 50) * N 3.5 s per 80 KB. Browsers show
# such markup as text, and so does this module: before the html.parser converter
# runs, :func:`_defuse` escapes as "&lt;" every "<" whose construct html.parser
# would never find the end of (by its own rules, except that an unquoted "<"
# inside a tag ends the tag, as in a browser). The parser then sees text there
# and its scans no longer overlap; well-formed markup is left as it is.

# html.parser's start-tag pattern (``locatestarttagend_tolerant``) with "<" only
# inside quoted values, possessive so that a failed match never backtracks.
_START_TAG = re.compile(
    r"""<([a-zA-Z][^\t\n\r\f />\x00<]*+)
    (?:[\s/]*+
      (?:(?<=['"\s/])[^\s/><][^\s/=><]*+
        (?:\s*+=++\s*+(?:'[^']*+'|"[^"]*+"|(?!['"])[^>\s<]*+)\s*+)?+
        (?:\s|/(?!>))*+
      )*+
    )?+
    \s*+""",
    re.VERBOSE,
)
# Seeing one of these after the pattern, html.parser waits for input that never comes.
_START_TAG_WAITS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ=/<")
_DECL_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")
# What ends a comment, a <![CDATA[...]]> section, an <![if ...]> section, and
# end tags, declarations and processing instructions.
_COMMENT_END = re.compile(r"--\s*>")
_SECTION_END = re.compile(r"]\s*]\s*>")
_MS_SECTION_END = re.compile(r"]\s*>")
_GT = re.compile(">")
# The end of <script>/<style>, inside which html.parser looks for nothing else.
_RAW_END = {tag: re.compile(rf"</\s*{tag}\s*>", re.IGNORECASE) for tag in ("script", "style")}


class _NextMatch:
    """The first match of one pattern at or after a position that only moves forward.

    Remembering the last search makes finding the closer of every "<" linear in
    the input instead of one scan per "<".
    """

    __slots__ = ("_html", "_last", "_none_from", "_pattern")

    def __init__(self, pattern: re.Pattern[str], html: str) -> None:
        self._pattern = pattern
        self._html = html
        self._last: re.Match[str] | None = None
        self._none_from = -1  # no match at or after this position (when >= 0)

    def end(self, pos: int) -> int:
        """The end of the first match starting at or after ``pos``, or -1."""
        if 0 <= self._none_from <= pos:
            return -1
        last = self._last
        if last is None or last.start() < pos:
            last = self._pattern.search(self._html, pos)
            if last is None:
                self._none_from = pos
                return -1
            self._last = last
        return last.end()


def _defuse(html: str) -> str:
    """``html`` with every "<" that html.parser would scan to the end for escaped."""
    if "<" not in html:
        return html
    n = len(html)
    comment_end = _NextMatch(_COMMENT_END, html)
    section_end = _NextMatch(_SECTION_END, html)
    ms_section_end = _NextMatch(_MS_SECTION_END, html)
    gt = _NextMatch(_GT, html)
    pieces: list[str] = []
    copied = 0
    i = html.find("<")
    while 0 <= i < n - 1:
        nxt = html[i + 1]
        end = i + 1  # not markup ("< ", "<3"): html.parser shows it as text
        if nxt.isascii() and nxt.isalpha():
            m = _START_TAG.match(html, i)
            after = html[m.end() : m.end() + 1] if m else ""
            if m is None or after == "" or (
                after in _START_TAG_WAITS and not html.startswith("/>", m.end())
            ):
                end = -1
            else:
                end = m.end() + (2 if after == "/" else 1 if after == ">" else 0)
                tag = m.group(1).lower()
                if tag in _RAW_END and after == ">":
                    raw_end = _RAW_END[tag].search(html, end)
                    if raw_end is None:
                        break  # the rest is script: html.parser skips it whole
                    end = raw_end.start()
        elif nxt == "/" or nxt == "?":
            end = gt.end(i + 2)
        elif nxt == "!":
            if html.startswith("<!--", i):
                end = comment_end.end(i + 4)
            elif html.startswith("<![", i):
                name = _DECL_NAME.match(html, i + 3)
                kind = name.group().strip().lower() if name and name.end() < n else ""
                if kind in ("temp", "cdata", "ignore", "include", "rcdata"):
                    end = section_end.end(i + 3)
                elif kind in ("if", "else", "endif"):
                    end = ms_section_end.end(i + 3)
                else:
                    end = -1  # html.parser raises on these
            else:
                end = gt.end(i + 2)
        if end < 0:
            pieces.append(html[copied:i])
            pieces.append("&lt;")
            copied = i + 1
            end = i + 1
        i = html.find("<", end)
    if not pieces:
        return html
    pieces.append(html[copied:])
    return "".join(pieces)


def _convert_stdlib(
    html: str, base_url: str | None, scope: tuple[str, int] | None, page: bool, link_refs: bool
) -> tuple[str, LinkRefs]:
    """The html.parser converter: every input, any nesting, never raises."""
    converter = _Converter(base_url, scope, page, link_refs)
    try:
        converter.feed(_defuse(html))
        converter.close()
        return converter.text(), converter.refs
    except Exception:  # html.parser is lenient, but never let markup crash a load
        # No numbers were kept in the text, so list none. "[^<>]", not "[^>]":
        # one scan per "<" to the end of the input is quadratic.
        return unescape(re.sub(r"<[^<>]*>", " ", html)), LinkRefs()


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
    return _to_text_and_links(html, base_url, scope, page, link_refs, fast=True)


def _reference_html_to_text_and_links(
    html: str,
    base_url: str | None = None,
    *,
    scope: tuple[str, int] | None = None,
    page: bool = False,
    link_refs: bool = True,
) -> tuple[str, list[str]]:
    """:func:`html_to_text_and_links` on the html.parser converter alone.

    The reference the fast path must equal exactly: the agreement tests and
    ``bench/html_to_text.py`` compare against it.
    """
    return _to_text_and_links(html, base_url, scope, page, link_refs, fast=False)


def _to_text_and_links(
    html: str,
    base_url: str | None,
    scope: tuple[str, int] | None,
    page: bool,
    link_refs: bool,
    *,
    fast: bool,
) -> tuple[str, list[str]]:
    """Both entry points: plain-text shortcut, then the fast or the html.parser path."""
    if not html:
        return "", []
    if not isinstance(html, str):
        html = str(html)
    if not looks_like_html(html):
        return (_clean_converted(html) if fast else clean_text(html)), []
    html = esc_refs_to_esc(html)
    converted = None
    if fast and scope is None:
        try:
            converted = _convert_fast(html, base_url, page, link_refs)
        except Exception:  # a bug here must cost speed, never an article
            converted = None
    if converted is None:
        converted = _convert_stdlib(html, base_url, scope, page, link_refs)
    text, refs = converted
    text = _clean_converted(text) if fast else clean_text(text)
    return refs.append_to(text), refs.urls


def _clean_converted(text: str) -> str:
    """``clean_text(text)``: the isprintable() shortcut that lived here is now
    :func:`newsreader.sanitize.clean_text`'s own, so every caller gets it."""
    return clean_text(text)


_LINK_LINE = re.compile(r"\[(\d{1,5})\] (\S+)\Z")


def links_from_text(text: str) -> list[str]:
    """The targets of the ``Links:`` block at the end of ``text``: ``[n - 1]`` is link ``[n]``.

    The reverse of :meth:`LinkRefs.append_to`, for the reader's ``L`` list.
    Only the last block counts (an article may quote the words "Links:"),
    only a run of ``[n] url`` lines numbered 1, 2, 3… in order is read, and
    each target goes through :func:`safe_link`, so what comes back is safe
    to show; a target it refuses stays as ``""`` to keep the numbering.
    """
    start = text.rfind("Links:\n")
    if start < 0 or (start and text[start - 1] != "\n"):
        return []
    links: list[str] = []
    for line in text[start + len("Links:\n"):].split("\n"):
        match = _LINK_LINE.match(line.strip())
        if match is None or int(match.group(1)) != len(links) + 1:
            break
        links.append(safe_link(match.group(2)) or "")
    return links
