"""Decide what a file is from its bytes, using the extension only as a tie-breaker.

Feeds arrive as ``.xml``, ``.rss``, ``.atom``, ``.json`` or with no
extension at all, sometimes gzip-compressed under an ``.xml`` name, and a
saved HTML page can be called ``feed.xml``. So the content decides: the
first non-blank character and the first root element name, with magic
numbers for binary files.
"""

from __future__ import annotations

import re
from enum import StrEnum

from newsreader.sources.common import bom_encoding

FEED_EXTENSIONS = frozenset({".xml", ".rss", ".atom", ".rdf", ".feed"})
JSON_EXTENSIONS = frozenset({".json", ".jsonl", ".ndjson", ".jsonfeed"})
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml"})
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mdown", ".mkd"})
TEXT_EXTENSIONS = frozenset({".txt", ".text"})
#: Extensions a folder scan loads (plus files without one, and .gz of these).
KNOWN_EXTENSIONS = (FEED_EXTENSIONS | JSON_EXTENSIONS | HTML_EXTENSIONS
                    | MARKDOWN_EXTENSIONS | TEXT_EXTENSIONS)

_MAGIC = (
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"), (b"PK\x03\x04", "zip archive"), (b"\x7fELF", "program"),
    (b"RIFF", "RIFF media"), (b"OggS", "Ogg media"), (b"ID3", "MP3 audio"),
    (b"SQLite format 3\x00", "SQLite database"), (b"\x00\x00\x01\x00", "icon"),
    (b"BZh", "bzip2 data"), (b"\xfd7zXZ\x00", "xz data"), (b"7z\xbc\xaf", "7-zip archive"),
    (b"\x28\xb5\x2f\xfd", "zstd data"), (b"wOFF", "font"), (b"\x00asm", "WebAssembly"),
)
_ROOT = re.compile(
    r"<(rss|feed|rdf:rdf|rdf|channel|opml|html|head|body|!doctype\s+html)[\s>/]"
)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf", "channel"})
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_HEAD = 4096


class Kind(StrEnum):
    """What a file (or response body) holds."""

    FEED = "feed"
    JSON = "json"
    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"
    OPML = "opml"
    EMPTY = "empty"
    BINARY = "binary"


def is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def binary_kind(data: bytes) -> str | None:
    """A name for binary content ("PNG image"), or ``None`` if it looks like text."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:_HEAD]
    codec, _ = bom_encoding(head)
    if codec and codec != "utf-8":
        return None
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"<", b"{", b"["):
        return None  # markup with stray NULs is a broken feed, not a binary file
    if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
        return None  # UTF-16 without a BOM: text, just wide
    if head and len(_CONTROL.findall(head)) > len(head) // 10:
        return "binary data"
    return None


def head_text(data: bytes) -> str:
    """The first few KB as text, good enough to look at markup (never fails)."""
    head = data[:_HEAD]
    codec, skip = bom_encoding(head)
    if codec:
        return head[skip:].decode(codec, errors="replace")
    if head[1::2].count(0) > len(head) // 4:
        return head.decode("utf-16-le", errors="replace")
    if head[0::2].count(0) > len(head) // 4:
        return head.decode("utf-16-be", errors="replace")
    return head.decode("latin-1")


def sniff(data: bytes, suffix: str) -> Kind:
    """Classify ``data`` (already gunzipped); ``suffix`` is the lower-case extension."""
    if not data.strip():
        return Kind.EMPTY
    if binary_kind(data):
        return Kind.BINARY
    head = head_text(data).lstrip("\ufeff \t\r\n\x00")
    if not head:
        return Kind.EMPTY
    first = head[0]
    if first == "<":
        match = _ROOT.search(head.lower())
        if match:
            root = match.group(1)
            if root in _FEED_ROOTS:
                return Kind.FEED
            if root == "opml":
                return Kind.OPML
            return Kind.HTML
        if suffix in HTML_EXTENSIONS:
            return Kind.HTML
        if suffix in MARKDOWN_EXTENSIONS:
            return Kind.MARKDOWN
        if suffix in TEXT_EXTENSIONS:
            return Kind.TEXT
        return Kind.FEED
    if first in "{[" and suffix not in MARKDOWN_EXTENSIONS | TEXT_EXTENSIONS:
        return Kind.JSON
    if suffix in JSON_EXTENSIONS:
        return Kind.JSON
    if suffix in MARKDOWN_EXTENSIONS:
        return Kind.MARKDOWN
    if suffix in HTML_EXTENSIONS:
        return Kind.HTML
    if suffix in FEED_EXTENSIONS:
        return Kind.FEED
    return Kind.TEXT
