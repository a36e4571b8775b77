"""RSS 0.9x/1.0/2.0 and Atom feeds, through feedparser, into Articles.

feedparser is tolerant and already strips scripts from HTML content, but it
leaves three things to us (see shared/docs/corpus-notes.md): it expands
internal-subset entities (a 40 KB "quadratic blowup" file costs it 6 s and
300 MB), it passes terminal escapes, bidi controls and hostile link schemes
straight through, and it will happily open a *local file* when handed bytes
that look like a path. So input is capped and de-DOCTYPEd before parsing,
handed over as a stream, and every string that comes out is sanitised.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from typing import Any

from newsreader.content import html_to_text, html_to_text_and_links
from newsreader.models import Article
from newsreader.sanitize import clean_line, clean_text
from newsreader.sources.common import (
    MAX_BYTES,
    LoadFailure,
    Parsed,
    bom_encoding,
    dedupe_ids,
    entry_link,
    one_line,
    size_text,
    untitled,
)
from newsreader.sources.dates import from_struct_time

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_SUBSET_END = re.compile(rb"\]\s*>")
_ENTITY_DECL = re.compile(rb"<!ENTITY[^>]*>?", re.IGNORECASE)  # ">" optional: stays linear
_ROOT = re.compile(rb"<[A-Za-z_]")
_XML_DECL_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")
_MAX_ID = 512
_MAX_LINK = 2048
_PLAIN_TYPES = frozenset({"text/plain", "text"})


def prepare_xml(data: bytes) -> bytes:
    """Make feed bytes safe to hand to feedparser.

    Refuses input over 20 MB, re-encodes UTF-16/32 as UTF-8 (so the byte
    patterns below can be found) and removes any DOCTYPE internal subset and
    stray ``<!ENTITY>`` declarations before the root element: entity
    definitions are how billion-laughs and quadratic-blowup attacks work, and
    no real feed needs them. A DOCTYPE without a subset (RSS 0.91's) is kept.
    """
    if len(data) > MAX_BYTES:
        raise LoadFailure(f"feed too large ({size_text(len(data))}, limit {size_text(MAX_BYTES)})")
    codec, skip = bom_encoding(data)
    if codec and codec != "utf-8":
        text = data[skip:].decode(codec, errors="replace")
        text = _XML_DECL_ENCODING.sub(r"\1", text[:500], count=1) + text[500:]
        data = text.encode("utf-8")
    elif codec == "utf-8" or data[:1].isspace():
        # Whitespace before <?xml makes the strict parser fail; the BOM goes too
        # (re-added below) so the strip can see the whitespace behind it.
        stripped = data[skip:].lstrip()
        data = (codecs.BOM_UTF8 if codec else b"") + stripped
    match = _DOCTYPE.search(data)
    root = _ROOT.search(data)
    if match and (root is None or match.start() < root.start()):
        start = match.start()
        bracket = data.find(b"[", start)
        close = data.find(b">", start)
        if bracket != -1 and (close == -1 or bracket < close):
            end = _SUBSET_END.search(data, bracket)
            if end is None:
                raise LoadFailure("not a feed (unterminated DOCTYPE)")
            data = data[:start] + data[end.end():]
    root = _ROOT.search(data)
    head_end = root.start() if root else len(data)
    if b"<!" in data[:head_end]:
        data = _ENTITY_DECL.sub(b"", data[:head_end]) + data[head_end:]
    return data


def parse_feed(
    data: bytes,
    *,
    source: str,
    fallback_name: str,
    base_url: str | None = None,
    content_type: str | None = None,
) -> Parsed:
    """Parse RSS/Atom ``data`` into articles, or raise :class:`LoadFailure`.

    ``base_url`` is the feed's URL (for a fetched feed): relative links are
    resolved against it. A local file has none, and its relative links stay
    relative. ``content_type`` is the HTTP header, whose charset feedparser
    uses.
    """
    import feedparser  # lazy: ~50 ms, and only feeds need it

    if not data.strip():
        raise LoadFailure("not a feed (empty)")
    data = prepare_xml(data)
    headers: dict[str, str] = {}
    if base_url:
        headers["content-location"] = base_url
    if content_type:
        headers["content-type"] = content_type
    # A stream, never bytes: given bytes, feedparser first tries them as a filename.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    entries = parsed.get("entries") or []
    bozo = parsed.get("bozo")
    if not entries:
        if bozo:
            raise LoadFailure(f"not a feed ({_bozo_reason(parsed)})")
        if not parsed.get("version"):
            raise LoadFailure("not a feed (no RSS or Atom elements found)")
    feed = parsed.get("feed") or {}
    name = _html_title(feed.get("title"), feed.get("title_detail"), base_url) or fallback_name
    result = Parsed()
    for entry in entries:
        try:
            result.articles.append(_article(entry, source, name, base_url))
        except Exception as exc:  # one odd item must not cost the whole feed
            result.warnings.append(f"skipped an item ({one_line(type(exc).__name__)})")
    if bozo and entries:
        result.warnings.append(
            f"feed is not well-formed ({_bozo_reason(parsed)}); read {len(entries)} items anyway"
        )
    elif not entries:
        result.warnings.append("feed has no items")
    result.articles = dedupe_ids(result.articles)
    return result


def _bozo_reason(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    text = one_line(getattr(exc, "getMessage", lambda: str(exc))() if exc else "parse error")
    return text[:120]


def _article(
    entry: Any, source: str, source_name: str, base_url: str | None,
    *, body: tuple[str, bool] | None = None,
) -> Article:
    """The Article of one feedparser-shaped entry.

    ``body`` is ``(text, summary_only)`` when the caller has it already (the
    fast parser's deferred path, whose text is filled in later).
    """
    text, summary_only = _entry_text(entry, base_url) if body is None else body
    title = _html_title(entry.get("title"), entry.get("title_detail"), base_url)
    raw_link = entry.get("feedburner_origlink") or entry.get("link")
    link = entry_link(raw_link, base_url)
    published = None
    for key in ("published", "updated", "created"):
        # dict.get: FeedParserDict.get("updated") falls back to "published" with a
        # DeprecationWarning; we want exactly the key we ask for.
        raw = dict.get(entry, key)
        if isinstance(raw, str) and raw.strip().startswith("-"):
            continue  # a negative year, which feedparser turns into a plausible date
        published = from_struct_time(dict.get(entry, f"{key}_parsed"))
        if published:
            break
    author = clean_line(entry.get("author") or (entry.get("author_detail") or {}).get("name"))
    entry_id = _entry_id(entry, link, title)
    return Article(
        id=entry_id,
        source=source,
        source_name=source_name,
        title=untitled(title, text),
        text=text,
        link=link,
        author=author or None,
        published=published,
        summary_only=summary_only,
    )


def _html_title(title: object, detail: Any, base_url: str | None) -> str:
    """A title that may be HTML (Atom ``type="html"``) as one clean line."""
    if not isinstance(title, str):
        return ""
    kind = (detail or {}).get("type", "")
    if "html" in kind and "<" in title:
        title = html_to_text_and_links(title, base_url, link_refs=False)[0]
    return clean_line(title)


def _entry_text(entry: Any, base_url: str | None) -> tuple[str, bool]:
    """Full content when the feed has it, else the summary (``summary_only``)."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c.get("value") or ""))
        return _to_text(best.get("value"), best.get("type"), base_url), False
    summary = entry.get("summary") or ""
    kind = (entry.get("summary_detail") or {}).get("type")
    return _to_text(summary, kind, base_url), True


def _to_text(value: str | None, kind: str | None, base_url: str | None) -> str:
    if not value:
        return ""
    if kind in _PLAIN_TYPES:
        return clean_text(value)
    return html_to_text(value, base_url)


def _entry_id(entry: Any, link: str | None, title: str) -> str:
    """guid, else link, else a hash of title + date: stable across reloads."""
    raw = entry.get("id") or entry.get("guid")
    ident = clean_line(raw, max_len=_MAX_ID + 1) if isinstance(raw, str) else ""
    if len(ident) > _MAX_ID:
        ident = "sha256:" + hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    if ident:
        return ident
    if link:
        return link
    date = dict.get(entry, "published") or dict.get(entry, "updated") or ""
    key = f"{title}\x00{date}".encode("utf-8", "surrogatepass")
    return "sha256:" + hashlib.sha256(key).hexdigest()[:32]
