"""Subscription lists in and out: OPML (and the FOAF/RDF lists some old readers wrote).

Import is forgiving because real lists are messy: a list exported by one
reader and edited by hand may be not quite well-formed, spell ``xmlUrl`` as
``xmlURL``, nest folders, repeat feeds, or carry entries that are not feeds
at all. One bad entry never costs the rest: it becomes a one-line
``problems`` message and the import goes on. A document that is not
well-formed is read a second time by a recovering parser, and whatever it
could salvage is kept (with a problem saying so).

It is also careful, because an OPML file is untrusted input that names URLs
we will later fetch: entities are never expanded (no XXE, no billion laughs),
nothing is fetched while reading, only ``http``/``https`` feed URLs are
accepted (a ``file:`` URL in a shared list must not make the reader read
local files), and the tree is walked with an explicit stack so 10,000 nested
outlines cannot exhaust the recursion limit.

Tags map to OPML both ways: on import a feed gets one tag per enclosing
folder plus one per ``category`` entry; on export each feed sits in a folder
named after its first tag and lists all its tags in ``category``, so a round
trip keeps them.
"""

from __future__ import annotations

import html.entities
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.sanitize import clean_line
from newsreader.sources.fetch_async import check_url

__all__ = ["MAX_OPML_BYTES", "OpmlFeed", "OpmlImport", "read_opml", "read_opml_file", "write_opml"]

#: Larger than any real subscription list (the 710-feed list is 120 KB).
MAX_OPML_BYTES = 10_000_000

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_FOAF = "{http://xmlns.com/foaf/0.1/}"
# Where FOAF lists name a feed: an RSS 1.0 channel, or Yandex's ya:feed.
_FOAF_FEEDS = frozenset(
    {"{http://purl.org/rss/1.0/}channel", "{http://blogs.yandex.ru/schema/foaf/}feed"}
)


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription: its feed URL, a display title and its tags (folders)."""

    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    html_url: str | None = None


@dataclass(slots=True)
class OpmlImport:
    """What a list gave: the feeds (first occurrence of each URL), and what was skipped."""

    feeds: list[OpmlFeed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    duplicates: int = 0
    title: str = ""


def read_opml_file(path: str | Path) -> OpmlImport:
    """Read a subscription list file; never raises for bad input."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        return OpmlImport(problems=[f"cannot read {path.name}: {exc.strerror or exc}"])
    return read_opml(data)


def read_opml(data: bytes) -> OpmlImport:
    """Read an OPML 1.0/1.1/2.0 (or FOAF/RDF) subscription list from bytes."""
    result = OpmlImport()
    if len(data) > MAX_OPML_BYTES:
        result.problems.append(
            f"the list is larger than {MAX_OPML_BYTES // 1_000_000} MB; not read"
        )
        return result
    problems_before = len(result.problems)
    root = _parse(data, result.problems)
    damaged = len(result.problems) > problems_before
    if root is None:
        return result
    if not isinstance(root.tag, str):
        result.problems.append("not an OPML subscription list")
        return result
    local = _local(root.tag)
    if local == "opml":
        _read_outlines(root, result)
        if damaged:
            _salvage_outlines(data, result)
    elif local == "RDF" or root.tag.startswith(_RDF):
        _read_foaf(root, result)
    else:
        result.problems.append(f"not an OPML subscription list (the root element is <{local}>)")
    return result


def write_opml(feeds: Iterable[OpmlFeed], *, title: str = "newsreader subscriptions") -> bytes:
    """An OPML 2.0 document for ``feeds``, tags kept as folders and categories.

    A feed goes into the folder of its first tag (folders in first-seen
    order); ``category`` lists every tag as ``/tag`` so readers that ignore
    folders, and our own import, still see all of them.
    """
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(opml, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.tags:
            first = feed.tags[0]
            parent = folders.get(first)
            if parent is None:
                parent = folders[first] = ET.SubElement(body, "outline", text=first, title=first)
        attrs = {"type": "rss", "text": feed.title or feed.url, "xmlUrl": feed.url}
        if feed.title:
            attrs["title"] = feed.title
        if feed.html_url:
            attrs["htmlUrl"] = feed.html_url
        if feed.tags:
            # Commas separate categories in the attribute, so a tag cannot hold one.
            attrs["category"] = ",".join("/" + tag.replace(",", " ") for tag in feed.tags)
        ET.SubElement(parent, "outline", attrs)
    ET.indent(opml, space="  ")
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"


# --------------------------------------------------------------------------- parsing


def _parse(data: bytes, problems: list[str]) -> Any:
    """The document's root element, strictly if possible, else as recovered.

    The strict parser is the standard library's expat (no depth limit; it
    never fetches external entities). A document that declares its own
    entities is not given to it at all: OPML never needs them, and refusing
    them up front is simpler than trusting every expansion limit.
    """
    data = data.lstrip(b"\xef\xbb\xbf").lstrip()
    if not data:
        problems.append("the file is empty")
        return None
    if b"<!ENTITY" in data[:4096].upper():
        problems.append("the list declares XML entities; they were not expanded")
        return _parse_recovering(data, problems)
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        problems.append(f"not well-formed XML ({exc}); kept what could be read")
    # The two usual faults of hand-edited lists: a bare "&" and HTML entities.
    data = _AMPERSAND.sub(_fix_ampersand, data)
    try:
        return ET.fromstring(data)
    except ET.ParseError:
        return _parse_recovering(data, problems)


_AMPERSAND = re.compile(rb"&(?:(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});)?")
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


def _fix_ampersand(match: re.Match[bytes]) -> bytes:
    """Escape a bare ``&``; turn an HTML named entity into a character reference."""
    name = match.group(1)
    if name is None:
        return b"&amp;"
    if name.startswith(b"#") or name in _XML_ENTITIES:
        return match.group(0)
    char = html.entities.html5.get(name.decode("ascii") + ";")
    if char is None:
        return b"&amp;" + name + b";"
    return "".join(f"&#{ord(c)};" for c in char).encode("ascii")


def _parse_recovering(data: bytes, problems: list[str]) -> Any:
    """libxml2 in recover mode, with entity expansion and the network both off."""
    try:
        from lxml import etree
    except ImportError:  # lxml comes with inscriptis; without it there is no second try
        return None
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError as exc:
        problems.append(f"not a readable XML document: {exc}")
        return None
    if root is None:
        problems.append("not a readable XML document")
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attrs(element: Any) -> dict[str, str]:
    """Attributes by lower-cased local name: real lists write xmlURL, XMLurl, ..."""
    return {_local(key).lower(): value for key, value in element.attrib.items()}


def _children(element: Any) -> Iterator[Any]:
    # Comments and processing instructions (lxml yields them) have no str tag.
    return (child for child in element if isinstance(child.tag, str))


def _read_outlines(root: Any, result: OpmlImport) -> None:
    seen: dict[str, int] = {}
    for child in _children(root):
        if _local(child.tag) == "head":
            for item in _children(child):
                if _local(item.tag) == "title":
                    result.title = clean_line(item.text)
    bodies = [child for child in _children(root) if _local(child.tag) == "body"]
    # Explicit stack of (outline, enclosing folder names): no recursion.
    stack: list[tuple[Any, tuple[str, ...]]] = []
    for body in reversed(bodies):
        stack.extend((child, ()) for child in reversed(list(_children(body))))
    while stack:
        element, folders = stack.pop()
        if _local(element.tag).lower() != "outline":
            continue
        attrs = _attrs(element)
        name = clean_line(attrs.get("title") or attrs.get("text"))
        url = attrs.get("xmlurl", "").strip()
        kind = attrs.get("type", "").strip().lower()
        if url and kind == "source":
            # Liferea's pointer to another subscription list, not a feed.
            result.problems.append(f"outline {_quote(name)} is a subscription list; skipped")
        elif url:
            tags = folders + _categories(attrs.get("category", ""))
            _add(result, seen, url, name, tags, attrs.get("htmlurl"))
        children = list(_children(element))
        if not url and not children and kind in ("rss", "atom"):
            result.problems.append(f"outline {_quote(name)} has no feed URL (xmlUrl); skipped")
        if children:
            inner = (*folders, name) if name and not url else folders
            stack.extend((child, inner) for child in reversed(children))


def _salvage_outlines(data: bytes, result: OpmlImport) -> None:
    """Find feed URLs the recovering parser lost in a damaged list.

    One unescaped quote (an HTML link pasted into a description) can make
    libxml2 drop the rest of a folder. Each ``<outline`` start is scanned on
    its own for ``xmlUrl``, so every feed is kept, without its folder when
    it came only from here.
    """
    text = data.decode("utf-8", errors="replace")
    seen = {feed.url: index for index, feed in enumerate(result.feeds)}
    known = len(result.feeds)
    for segment in _OUTLINE_START.split(text)[1:]:
        attrs = {key.lower(): html.unescape(v1 or v2) for key, v1, v2 in _ATTR.findall(segment)}
        url = attrs.get("xmlurl", "").strip()
        if url and _with_scheme(url) not in seen:
            name = clean_line(attrs.get("title") or attrs.get("text"))
            _add(result, seen, url, name, (), attrs.get("htmlurl"))
    if len(result.feeds) > known:
        result.problems.append(
            f"read {len(result.feeds) - known} more feed URL(s) from the damaged part, "
            "without their folders"
        )


_OUTLINE_START = re.compile(r"<outline\b", re.IGNORECASE)
_ATTR = re.compile(r"""([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _categories(value: str) -> tuple[str, ...]:
    """OPML 2.0 ``category``: comma-separated, each a ``/``-separated path."""
    tags = []
    for entry in value.split(","):
        parts = [part.strip() for part in entry.split("/") if part.strip()]
        if parts:
            tags.append(clean_line("/".join(parts)))
    return tuple(tags)


def _read_foaf(root: Any, result: OpmlImport) -> None:
    """FOAF lists: ``rss:channel/@rdf:about`` (or ``ya:feed/@rdf:resource``) is the feed,
    the Agent's or Person's name its title.

    Group names (``foaf:Group/foaf:name``) become tags, as folders do in OPML.
    """
    seen: dict[str, int] = {}
    stack: list[tuple[Any, str, tuple[str, ...]]] = [(root, "", ())]
    while stack:
        element, agent, groups = stack.pop()
        tag = element.tag
        if tag in _FOAF_FEEDS:
            url = (element.get(_RDF + "about") or element.get(_RDF + "resource") or "").strip()
            if url:
                _add(result, seen, url, agent, groups, None)
            continue
        name = next(
            (
                clean_line(child.text)
                for child in _children(element)
                if child.tag == _FOAF + "name"
            ),
            "",
        )
        if tag in (_FOAF + "Agent", _FOAF + "Person"):
            agent = name
        elif tag == _FOAF + "Group" and name:
            groups = (*groups, name)
        stack.extend((child, agent, groups) for child in reversed(list(_children(element))))


def _add(
    result: OpmlImport,
    seen: dict[str, int],
    url: str,
    title: str,
    tags: tuple[str, ...],
    html_url: str | None,
) -> None:
    """Keep the first entry for each URL; a repeat only adds its tags."""
    url = _with_scheme(url)
    reason = check_url(url)
    if reason:
        result.problems.append(f"{_quote(title or url)}: {reason}; skipped")
        return
    tags = tuple(dict.fromkeys(tag for tag in tags if tag))
    index = seen.get(url)
    if index is not None:
        result.duplicates += 1
        old = result.feeds[index]
        merged = tuple(dict.fromkeys(old.tags + tags))
        if merged != old.tags:
            result.feeds[index] = OpmlFeed(old.url, old.title, merged, old.html_url)
        return
    seen[url] = len(result.feeds)
    html = (html_url or "").strip() or None
    if html and check_url(html):
        html = None
    result.feeds.append(OpmlFeed(url, title, tags, html))


def _with_scheme(url: str) -> str:
    """``www.example.com/feed`` (hand-edited lists) means ``http://www.example.com/feed``."""
    if "://" not in url and _BARE_HOST.match(url):
        return "http://" + url
    return url


_BARE_HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:/|$)")


def _quote(text: str) -> str:
    return repr(clean_line(text, 80))
