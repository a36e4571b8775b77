"""A fast path in front of feedparser for plain, well-formed RSS 2.0, RSS 1.0 and Atom.

feedparser costs about 1.5-2 ms of CPU per item, mostly in its SAX callbacks
and its HTML sanitiser; for the tidy feeds most publishers serve, all that
machinery changes nothing. This module reads such a feed with the standard
library's C XML parser and produces the *same entry dictionaries* feedparser
would (the keys :func:`newsreader.sources.feeds` reads: ``title``,
``title_detail``, ``link``, ``id``, ``published``/``updated`` and their
``*_parsed`` forms, ``author``, ``summary``/``summary_detail``,
``content``), so the sources helper's own conversion turns them into
Articles and switching parsers never changes stored data.

The rule is: **when unsure, return None** and let feedparser decide. It is
unsure about anything whose feedparser treatment it does not reproduce
exactly: a DOCTYPE, an encoding other than UTF-8, ``xml:base``, any element
in an item it does not know (feedparser maps ``itunes:summary``,
``media:title``, ``dc:title`` ... onto the fields we read), repeated
fields, HTML-looking titles, and HTML with any tag outside a small set that
feedparser's sanitiser passes through unchanged (``<script>``, ``<iframe>``,
``<noscript>`` ... would be rewritten by it). Dates and URL joining use
feedparser's own functions, so they cannot disagree.

The agreement is checked on the whole shared corpus by
``tests/test_fastfeed_corpus.py``.
"""

from __future__ import annotations

import contextlib
import functools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from feedparser.datetimes import _parse_date as _fp_parse_date
from feedparser.sanitizer import _HTMLSanitizer
from feedparser.urls import _urljoin as _fp_urljoin

from newsreader.content import joins_to_itself, urljoin_fast
from newsreader.sanitize import clean_line
from newsreader.sources.common import MAX_BYTES, MAX_LINK, Parsed, dedupe_ids, one_line
from newsreader.sources.fastdates import parse_date_fast
from newsreader.sources.feeds import _PLAIN_TYPES, _article, _html_title

__all__ = ["FastFeed", "parse_fast", "parse_feed_fast", "parse_feed_fast_deferred"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

# Elements feedparser has a handler for whose effects stay under keys we never
# read (categories, enclosures, media, podcast and geo extensions). Any other
# element with a handler (itunes:summary, media:title, atom:link in an RSS
# item ...) sends the feed to feedparser.
_VETTED = frozenset(
    {
        "category", "enclosure", "dc_subject", "dc_language", "dc_rights", "dc_publisher",
        "media_content", "media_thumbnail", "media_credit", "media_category",
        "media_rating", "media_restriction", "media_license", "media_player",
        "itunes_image", "itunes_category", "itunes_keywords", "itunes_subtitle",
        "itunes_explicit", "itunes_duration",
        "georss_point", "georss_box", "georss_line", "georss_polygon",
    }
)
# The entry keys newsreader.sources.feeds reads: no ignored element may land there.
_READ_KEYS = frozenset(
    {
        "title", "title_detail", "link", "feedburner_origlink", "id", "guid", "author",
        "author_detail", "published", "published_parsed", "updated", "updated_parsed",
        "created", "created_parsed", "content", "summary", "summary_detail",
    }
)
_READ_SUFFIXES = frozenset({"detail", "origlink", "parsed"})


def _feedparser_tables() -> tuple[frozenset[str], dict[str, str]]:
    """feedparser's element handlers and its namespace-to-prefix map."""
    from feedparser.api import StrictFeedParser

    names = set()
    for attr in dir(StrictFeedParser):
        for lead in ("_start_", "_end_"):
            if attr.startswith(lead):
                names.add(attr[len(lead) :].lower())
    prefixes = {uri.lower(): prefix for uri, prefix in StrictFeedParser.namespaces.items()}
    return frozenset(names), prefixes


_HANDLERS, _PREFIXES = _feedparser_tables()


@functools.cache
def _ignorable(tag: str) -> bool:
    """Whether feedparser would file this (leaf) element under a key we never read.

    feedparser keeps an element it has no handler for under
    ``prefix_localname``; one it has a handler for does whatever the handler
    does, so only the handlers vetted above are ignorable.
    """
    uri, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    name = local.lower()
    prefix = _PREFIXES.get(uri.lower()) if uri else ""
    if prefix is None:
        # A namespace feedparser does not know: it uses the document's own
        # prefix, which we cannot see, so refuse every name a handler or a
        # key we read could end with.
        return (
            name not in _READ_KEYS
            and name not in _READ_SUFFIXES
            and not any(h == name or h.endswith("_" + name) for h in _HANDLERS)
        )
    full = f"{prefix}_{name}" if prefix else name
    if full in _VETTED:
        return True
    return full not in _HANDLERS and full not in _READ_KEYS


# Tags feedparser's sanitiser keeps as they are and our HTML-to-text reads
# the same way from either side; any other tag sends the feed to feedparser.
_NEUTRAL_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "address", "b", "big", "blockquote", "br", "caption",
        "center", "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt",
        "em", "figcaption", "figure", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small", "span",
        "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "time", "tr", "tt", "u", "ul", "var", "article", "section", "header", "footer",
        "aside", "nav", "details", "source",
    }
) & _HTMLSanitizer.acceptable_elements
# What follows each "<": "!--", a tag name with its "/" for an end tag, or ""
# (a bare "<", which is never neutral).
_MARKUP_TOKENS = re.compile(r"<(!--|/?[A-Za-z][A-Za-z0-9]*|)")
_NEUTRAL_TOKENS = frozenset({"!--"} | _NEUTRAL_TAGS | {"/" + tag for tag in _NEUTRAL_TAGS})
# feedparser's own test for "this plain-text title is really HTML".
_LOOKS_LIKE_HTML = re.compile(r"</\w+>|&#?\w+;|<")
_C1 = re.compile("[\x80-\x9f]")
_LATIN1_RANGE = re.compile(rb"\xc2[\x80-\xbf]")
_ENCODING_DECL = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._-]+)", re.IGNORECASE)
_UTF8 = frozenset({"utf-8", "utf8"})
_LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")


class _Unsure(Exception):
    """Raised anywhere below to hand the feed to feedparser."""


@dataclass(frozen=True, slots=True)
class FastFeed:
    """feedparser-shaped output: ``feed`` (the channel) and ``entries``."""

    version: str
    feed: dict[str, Any]
    entries: list[dict[str, Any]]


def parse_fast(
    data: bytes, *, base_url: str | None = None, content_type: str | None = None
) -> FastFeed | None:
    """Parse ``data`` the way feedparser would, or return None when not sure to.

    ``base_url`` and ``content_type`` mean what they mean for feedparser
    (``content-location`` and the HTTP ``Content-Type``).
    """
    try:
        _check_bytes(data, content_type)
        try:
            root = ET.fromstring(data)
        except (ET.ParseError, ValueError):
            return None
        # xml:base can only be spelled so (the xml prefix is reserved, and a
        # DOCTYPE that could default it is refused above): without those bytes
        # no element needs looking at for it.
        return _Reader(
            base_url or "", xml_base=b"xml:base" in data, latin1_range=_has_latin1_range(data)
        ).read(root)
    except (_Unsure, RecursionError):
        return None


def parse_feed_fast(
    data: bytes,
    *,
    source: str,
    fallback_name: str,
    base_url: str | None = None,
    content_type: str | None = None,
) -> Parsed | None:
    """:func:`newsreader.sources.feeds.parse_feed`, faster, or None when unsure.

    Same arguments, same result: the entries go through the very conversion
    ``parse_feed`` uses (ids, sanitised titles, ``html_to_text``), then the
    same de-duplication. A feed without items goes to feedparser too, which
    knows how to explain what is wrong with it.
    """
    if len(data) > MAX_BYTES:
        return None
    fast = parse_fast(data, base_url=base_url, content_type=content_type)
    if fast is None or not fast.entries:
        return None
    name = clean_line(fast.feed.get("title")) or fallback_name
    result = Parsed()
    for entry in fast.entries:
        try:
            result.articles.append(_article(entry, source, name, base_url))
        except Exception as exc:  # as parse_feed: one odd item must not cost the feed
            result.warnings.append(f"skipped an item ({one_line(type(exc).__name__)})")
    result.articles = dedupe_ids(result.articles)
    return result


def parse_feed_fast_deferred(
    data: bytes,
    *,
    source: str,
    fallback_name: str,
    base_url: str | None = None,
    content_type: str | None = None,
) -> tuple[Parsed, list[str | None]] | None:
    """:func:`parse_feed_fast` without turning HTML bodies into text: ``(parsed, html)``.

    ``html[i]`` is the HTML body of ``parsed.articles[i]``, whose ``text``
    is then empty; the store keeps it and converts it later with the same
    ``html_to_text(html, base_url)`` (a refresh's parse time was half that
    conversion). Every other field is exactly what :func:`parse_feed_fast`
    gives. Converted now instead (``None``): plain-text bodies, items
    without a title (the title would come from the text), and every item of
    a feed that repeats an id (telling repeats apart compares the texts).
    """
    if len(data) > MAX_BYTES:
        return None
    fast = parse_fast(data, base_url=base_url, content_type=content_type)
    if fast is None or not fast.entries:
        return None
    name = clean_line(fast.feed.get("title")) or fallback_name
    result = Parsed()
    htmls: list[str | None] = []
    for entry in fast.entries:
        html, summary_only = _html_body(entry)
        try:
            if html is not None and _html_title(
                entry.get("title"), entry.get("title_detail"), base_url
            ):
                article = _article(
                    entry, source, name, _link_base(entry, base_url), body=("", summary_only)
                )
            else:
                html = None
                article = _article(entry, source, name, base_url)
        except Exception as exc:  # as parse_feed: one odd item must not cost the feed
            result.warnings.append(f"skipped an item ({one_line(type(exc).__name__)})")
            continue
        result.articles.append(article)
        htmls.append(html)
    if len({article.id for article in result.articles}) != len(result.articles):
        eager = parse_feed_fast(
            data, source=source, fallback_name=fallback_name, base_url=base_url,
            content_type=content_type,
        )
        return None if eager is None else (eager, [None] * len(eager.articles))
    return result, htmls


def _link_base(entry: dict[str, Any], base_url: str | None) -> str | None:
    """``base_url``, or None when it would change nothing for this deferred entry.

    Why: with its body left for later, the sources' conversion uses the base
    for one thing only, ``entry_link``'s urljoin of the link, which this parser has
    already joined (its titles hold no markup, so the title never needs it).
    When that link is plain (ASCII, printable, no spaces or character
    references, not too long) and joins to itself, the second join is
    skipped: ~0.3 s of CPU per 10,000 items. ``tests/test_fastfeed_deferred.py``
    checks the articles are unchanged.
    """
    raw = entry.get("feedburner_origlink") or entry.get("link")
    if (
        base_url
        and isinstance(raw, str)
        and len(raw) <= MAX_LINK
        and raw.isascii()
        and raw.isprintable()
        and " " not in raw
        and "&#" not in raw  # which the sources' clean_line would decode first
        and joins_to_itself(base_url, raw)
    ):
        return None
    return base_url


def _html_body(entry: dict[str, Any]) -> tuple[str | None, bool]:
    """The HTML the sources would convert for this entry (None if plain), and summary_only.

    The same choice as ``newsreader.sources.feeds._entry_text``: the longest
    non-blank content, else the summary.
    """
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c.get("value") or ""))
        value, kind, summary_only = best.get("value"), best.get("type"), False
    else:
        value = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type")
        summary_only = True
    if not value or kind in _PLAIN_TYPES:
        return None, summary_only
    return value, summary_only


def _check_bytes(data: bytes, content_type: str | None) -> None:
    """UTF-8 only, no DOCTYPE: the cases where feedparser's decoding is plain."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.startswith(b"<"):
        raise _Unsure  # whitespace or a BOM of another encoding before the document
    if b"<!DOCTYPE" in data[:4096] or b"<!doctype" in data[:4096]:
        raise _Unsure
    match = _ENCODING_DECL.match(data)
    if match and match.group(1).decode("ascii").lower() not in _UTF8:
        raise _Unsure
    if content_type:
        charset = _CHARSET.search(content_type)
        if charset:
            if charset.group(1).lower() not in _UTF8:
                raise _Unsure
        elif content_type.strip().lower().startswith("text/") and not data.isascii():
            raise _Unsure  # RFC 3023: text/xml without a charset is us-ascii to feedparser


class _Reader:
    def __init__(self, base: str, *, xml_base: bool = True, latin1_range: bool = True) -> None:
        self.base = base
        self.xml_base = xml_base
        # Without any character in U+0080..U+00BF (see _has_latin1_range), no
        # text can need feedparser's mojibake repair or hold a C1 control.
        self.latin1_range = latin1_range
        self.text_of = _text if latin1_range else _stripped_text

    def read(self, root: ET.Element) -> FastFeed:
        if self.xml_base and any(_XML_BASE in element.attrib for element in root.iter()):
            raise _Unsure  # feedparser resolves against xml:base; we would not
        if root.tag == "rss":
            if root.get("version") != "2.0":
                raise _Unsure
            channels = [child for child in root]
            if len(channels) != 1 or channels[0].tag != "channel":
                raise _Unsure
            channel = channels[0]
            items = _direct(root, channel, "item")
            return FastFeed(
                "rss20", self._channel(channel, "title"), [self._rss_item(i, "") for i in items]
            )
        if root.tag == _RDF + "RDF":
            channel = [child for child in root if child.tag == _RSS1 + "channel"]
            if len(channel) != 1:
                raise _Unsure
            items = _direct(root, root, _RSS1 + "item")
            return FastFeed(
                "rss10",
                self._channel(channel[0], _RSS1 + "title"),
                [self._rss_item(i, _RSS1) for i in items],
            )
        if root.tag == _ATOM + "feed":
            entries = _direct(root, root, _ATOM + "entry")
            return FastFeed(
                "atom10",
                self._channel(root, _ATOM + "title"),
                [self._atom_entry(e) for e in entries],
            )
        raise _Unsure

    # -- the channel: only its title is read ---------------------------------
    def _channel(self, channel: ET.Element, title_tag: str) -> dict[str, Any]:
        titles = [child for child in channel if _local(child.tag) == "title"]
        if len(titles) > 1 or (titles and titles[0].tag != title_tag):
            raise _Unsure  # dc:title, media:title, itunes:title also set feed.title
        feed: dict[str, Any] = {}
        if titles:
            kind = titles[0].get("type")
            if kind not in (None, "text", "html"):
                raise _Unsure
            title = _plain_title(self.text_of(titles[0]), html=kind == "html")
            if title:
                feed["title"] = title
        return feed

    # -- RSS 2.0 and RSS 1.0 items -------------------------------------------
    def _rss_item(self, item: ET.Element, ns: str) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        about = item.get(_RDF + "about")
        if about:
            entry["id"] = about
        if any(key != _RDF + "about" for key in item.attrib):
            raise _Unsure
        link: str | None = None
        guid_link: str | None = None
        seen: set[str] = set()
        for child in item:
            tag = child.tag
            local = tag[len(ns) :] if ns and tag.startswith(ns) else tag
            key = _RSS_KEYS.get(local)
            if key is None:
                _skip(child)
                continue
            if key in seen:
                raise _Unsure
            seen.add(key)
            if key != "guid" and child.attrib:
                raise _Unsure  # type=, mode=, rdf:resource= ... change feedparser's reading
            text = self.text_of(child)
            if key == "title":
                title = _plain_title(text, html=False)
                if title:
                    entry["title"] = title
                    entry["title_detail"] = {"type": "text/plain"}
            elif key == "link":
                if not text:
                    raise _Unsure
                link = _link_text(self._resolve(text))
            elif key == "guid":
                if ns or set(child.attrib) - {"isPermaLink"}:
                    raise _Unsure
                permalink = child.get("isPermaLink", "true") == "true"
                if not text:
                    raise _Unsure
                entry["id"] = self._resolve(text) if permalink else text
                if permalink:
                    guid_link = entry["id"]
            elif key in ("published", "updated"):
                self._date(entry, key, text)
            elif key in ("author", "feedburner_origlink"):
                if text:
                    entry[key] = text
            elif key == "summary":
                if text:
                    _html(text)
                    entry["summary"] = text
                    entry["summary_detail"] = {"type": "text/html"}
            elif key == "content":
                if not text:
                    raise _Unsure  # feedparser copies content into summary: keep it simple
                _html(text)
                entry["content"] = [{"type": "text/html", "value": text}]
        if link is not None:
            entry["link"] = link
        elif guid_link:
            entry["link"] = guid_link
        return entry

    # -- Atom entries --------------------------------------------------------
    def _atom_entry(self, element: ET.Element) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        if element.attrib:
            raise _Unsure
        link: str | None = None
        seen: set[str] = set()
        for child in element:
            tag = child.tag
            if tag == _ATOM + "link":
                href = child.get("href")
                if href is None or set(child.attrib) - _LINK_ATTRS:
                    raise _Unsure
                rel = child.get("rel", "alternate")
                kind = child.get("type", "text/html")
                if rel == "alternate" and kind in ("text/html", "application/xhtml+xml"):
                    link = _join(self.base, href.strip())
                continue
            key = _ATOM_KEYS.get(tag)
            if key is None:
                _skip(child)
                continue
            if key in seen:
                raise _Unsure
            seen.add(key)
            if key == "author":
                self._atom_author(entry, child)
                continue
            if set(child.attrib) - {"type"}:
                raise _Unsure  # src=, xml:lang handled elsewhere, mode= (Atom 0.3)
            text = self.text_of(child)
            if key == "title":
                kind = child.get("type")
                if kind not in (None, "text", "html"):
                    raise _Unsure
                title = _plain_title(text, html=kind == "html")
                if title:
                    entry["title"] = title
                    kind = "text/html" if kind == "html" else "text/plain"
                    entry["title_detail"] = {"type": kind}
            elif key == "id":
                if not text:
                    raise _Unsure
                entry["id"] = _join(self.base, text)
            elif key in ("published", "updated"):
                self._date(entry, key, text)
            else:  # summary, content
                kind = _atom_type(child.get("type"))
                if not text:
                    if key == "content":
                        raise _Unsure
                    continue
                if kind == "text/html":
                    _html(text)
                elif self.latin1_range and _has_c1(text):
                    raise _Unsure
                if key == "content":
                    entry["content"] = [{"type": kind, "value": text}]
                else:
                    entry["summary"] = text
                    entry["summary_detail"] = {"type": kind}
        # feedparser treats an Atom <id> like a permalink guid: it is the link
        # when the entry has no alternate link of its own.
        if link is not None:
            entry["link"] = link
        elif "id" in entry:
            entry["link"] = entry["id"]
        return entry

    def _atom_author(self, entry: dict[str, Any], author: ET.Element) -> None:
        if author.attrib:
            raise _Unsure
        parts: dict[str, str] = {}
        for child in author:
            local = child.tag[len(_ATOM) :] if child.tag.startswith(_ATOM) else None
            if local not in ("name", "email", "uri") or local in parts or child.attrib:
                raise _Unsure
            parts[local] = self.text_of(child)
        name, email = parts.get("name", ""), parts.get("email", "")
        if not name:
            raise _Unsure
        entry["author"] = f"{name} ({email})" if email else name

    # -- shared ---------------------------------------------------------------
    def _resolve(self, uri: str) -> str:
        return _join(self.base, uri)

    @staticmethod
    def _date(entry: dict[str, Any], key: str, text: str) -> None:
        if not text:
            raise _Unsure
        parsed = parse_date_fast(text)
        if parsed is None:
            parsed = _fp_parse_date(text)  # a shape or a value the fast reading is not sure of
        if parsed is None:
            raise _Unsure  # feedparser keeps the string; our id fallback would too, but be sure
        entry[key] = text
        entry[key + "_parsed"] = parsed


_RSS_KEYS = {
    "title": "title",
    "link": "link",
    "guid": "guid",
    "pubDate": "published",
    _DC + "date": "updated",
    "author": "author",
    _DC + "creator": "author",
    "{http://www.itunes.com/dtds/podcast-1.0.dtd}author": "author",
    "description": "summary",
    _CONTENT + "encoded": "content",
    "{http://rssnamespace.org/feedburner/ext/1.0}origLink": "feedburner_origlink",
}
_ATOM_KEYS = {
    _ATOM + "title": "title",
    _ATOM + "id": "id",
    _ATOM + "published": "published",
    _ATOM + "updated": "updated",
    _ATOM + "author": "author",
    _ATOM + "summary": "summary",
    _ATOM + "content": "content",
}
_LINK_ATTRS = frozenset({"href", "rel", "type", "title", "length", "hreflang"})


def _join(base: str, uri: str) -> str:
    """feedparser's ``_urljoin`` (slash fix-up, urljoin, '' on ValueError), sooner.

    Its fix-up only removes slashes right after ``scheme://``; when there
    are none, it is urljoin alone, which :func:`urljoin_fast` answers
    without parsing for the usual absolute link.
    """
    host = 8 if uri.startswith("https://") else 7 if uri.startswith("http://") else 0
    if host and uri[host : host + 1] != "/":
        try:
            return urljoin_fast(base, uri)
        except ValueError:
            return ""
    return _fp_urljoin(base, uri)


def _direct(root: ET.Element, parent: ET.Element, tag: str) -> list[ET.Element]:
    """The items where they belong; an item anywhere else is feedparser's to find."""
    items = [child for child in parent if child.tag == tag]
    if sum(1 for _ in root.iter(tag)) != len(items):
        raise _Unsure
    return items


def _skip(element: ET.Element) -> None:
    """Pass over an element we do not read, if feedparser would not read it either.

    It must be a leaf: feedparser handles nested elements on their own, and
    a ``<title>`` inside anything would reach the entry's title.
    """
    if len(element) or not _ignorable(element.tag):
        raise _Unsure


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _has_latin1_range(data: bytes) -> bool:
    """Whether a text in ``data`` may hold a character in U+0080..U+00BF.

    Those are the only characters :func:`_text`'s two extra steps act on: the
    C1 controls (U+0080..U+009F), and the mojibake repair, which needs them
    as the continuation bytes of the UTF-8 it re-decodes. In UTF-8 they are
    ``\xc2\x80``..``\xc2\xbf``; a character reference could spell one too.
    A byte search answers for the whole document at once: ~0.1 s of CPU per
    10,000 items that re-encoding every text cost (half the real feeds of
    the corpus and most generated ones have neither).
    """
    # Single-byte searches first: they run at memchr speed, a two-byte one
    # at a tenth of it (~0.2 ms per 200 KB feed).
    return (b"\xc2" in data and _LATIN1_RANGE.search(data) is not None) or (
        b"#" in data and b"&" in data and b"&#" in data
    )


def _stripped_text(element: ET.Element) -> str:
    """:func:`_text` for a document without U+0080..U+00BF (see :func:`_has_latin1_range`)."""
    if len(element):
        raise _Unsure
    return (element.text or "").strip()


def _text(element: ET.Element) -> str:
    """Element text as feedparser stores it: stripped, mojibake-repaired.

    feedparser re-decodes text that is valid UTF-8 when read as Latin-1 (a
    common double-encoding fix), so we do exactly the same. Child elements
    inside a text field (Atom xhtml, stray markup) are not something we
    reproduce.
    """
    if len(element):
        raise _Unsure
    text = (element.text or "").strip()
    if text and not text.isascii():
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            text = text.encode("iso-8859-1").decode("utf-8")
        if _has_c1(text):
            raise _Unsure  # feedparser maps these through cp1252
    return text


def _has_c1(text: str) -> bool:
    """Whether ``text`` holds a C1 control (U+0080..U+009F).

    Every C1 character is ``\\xc2\\x80``..``\\xc2\\x9f`` in UTF-8, so a text whose
    encoding has no ``\\xc2`` byte has none; encoding and a byte search run
    at C speed, where the regex alone steps through each character (~5 us
    per item text: 0.15 s of a 10,000-item refresh, now ~0.03 s).
    """
    return b"\xc2" in text.encode("utf-8", "surrogatepass") and _C1.search(text) is not None


def _plain_title(text: str, *, html: bool) -> str:
    """A title feedparser would keep as it is: no markup, no entity references.

    For RSS, feedparser re-types a plain title that looks like HTML and
    sanitises it; for Atom type="html" it always sanitises, which only
    leaves text without ``<`` and ``&`` unchanged.
    """
    if _LOOKS_LIKE_HTML.search(text) or (html and "&" in text):
        raise _Unsure
    return text


def _link_text(link: str) -> str:
    """feedparser's repair of ``&amp;`` in RSS ``<link>`` text."""
    if "&" in link:
        link = _LINK_ENTITY.sub(r"&\g<1>", link.replace("&amp;", "&"))
    return link


def _atom_type(kind: str | None) -> str:
    if kind in (None, "text", "text/plain"):
        return "text/plain"
    if kind in ("html", "text/html"):
        return "text/html"
    raise _Unsure  # xhtml: feedparser serialises child elements; not reproduced


def _html(value: str) -> None:
    """Raise unless feedparser's sanitiser would leave this HTML as it is.

    Every ``<`` must open a comment or a neutral start or end tag. The
    tokens are collected by one C-level ``findall`` and checked as a set
    (a few distinct tags per item instead of one Python step per tag).
    """
    if "<" not in value:
        return
    tokens = set(_MARKUP_TOKENS.findall(value))
    tokens -= _NEUTRAL_TOKENS
    for token in tokens:  # other spellings (<P>, </EM>), or not markup we pass
        if not token or token.lstrip("/").lower() not in _NEUTRAL_TAGS:
            raise _Unsure

