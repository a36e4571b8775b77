"""JSON sources: JSON Feed 1.0/1.1, RSS-in-JSON, and article records (.json/.jsonl).

feedparser 6 cannot read JSON Feed at all (0 entries, a SAX error), so this
is a small dedicated reader. Article records are the shapes scrapers and
news APIs write: an object, a list of objects, an object wrapping a list
(``{"articles": [...]}``), or one object per line. Field names vary
(``title``/``CONTENT_TITLE``/``headline``, ``text``/``TEXT``/``body``...)
so keys are matched case-insensitively against a few synonyms.

Every value is checked for its type: JSON from strangers puts numbers, nulls
and nested objects where strings belong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from newsreader.content import html_to_text
from newsreader.models import Article
from newsreader.sanitize import clean_line, clean_text
from newsreader.sources.common import (
    LoadFailure,
    Parsed,
    content_id,
    decode_text,
    dedupe_ids,
    entry_link,
    untitled,
)
from newsreader.sources.dates import parse_date

__all__ = ["is_json_feed", "load_json", "parse_json"]

_JSONFEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/", re.IGNORECASE)
_TRUNCATED = re.compile(r"\s*\[\+\d+ chars\]\s*\Z")
_HTML_TAG = re.compile(r"</?(?:p|br|div|a|b|i|em|strong|ul|ol|li|h[1-6]|span|img)\b", re.I)
_MAX_ID = 512

_TITLE_KEYS = ("title", "content_title", "headline", "name")
_TEXT_KEYS = ("text", "content", "body", "article", "article_text", "full_text", "maintext")
_SUMMARY_KEYS = ("description", "summary", "abstract", "lede", "excerpt")
_DATE_KEYS = ("published", "published_date", "published_at", "publishedat", "date_published",
              "date", "pubdate", "datetime", "created_at", "created", "updated", "timestamp")
_LINK_KEYS = ("link", "url", "href", "canonical_url", "web_url")
_AUTHOR_KEYS = ("author", "byline", "authors", "creator")
_ID_KEYS = ("id", "guid", "uuid", "content_id", "article_id")
_NAME_KEYS = ("source_name", "source", "publisher", "newsroom", "content_newsroom", "site_name")
_LIST_KEYS = ("articles", "items", "entries", "data", "results", "posts", "stories", "records")


def is_json_feed(obj: object) -> bool:
    """Whether a decoded JSON value is a JSON Feed (any version) or RSS-in-JSON."""
    if not isinstance(obj, dict):
        return False
    version = obj.get("version")
    if isinstance(version, str) and _JSONFEED_VERSION.match(version):
        return True
    rss = obj.get("rss")
    return isinstance(rss, dict) and isinstance(rss.get("channel"), dict)


def load_json(text: str) -> Any:
    """``json.loads`` with every failure as a one-line :class:`LoadFailure`.

    ``strict=False`` accepts raw control characters inside strings: refusing
    a whole feed over one ESC in a title helps nobody, and the sanitiser
    removes it anyway.
    """
    try:
        return json.loads(text, strict=False)
    except RecursionError:
        raise LoadFailure("invalid JSON (nested too deeply)") from None
    except ValueError as exc:
        msg = getattr(exc, "msg", None) or "syntax error"
        line = getattr(exc, "lineno", None)
        where = f", line {line}" if line else ""
        raise LoadFailure(f"invalid JSON ({msg}{where})") from None


def parse_json(
    data: bytes,
    *,
    source: str,
    fallback_name: str,
    base_url: str | None = None,
    lines: bool = False,
    feeds_only: bool = False,
) -> Parsed:
    """Read JSON bytes as a JSON Feed, RSS-in-JSON, or article records.

    ``lines`` says the file is JSON Lines (by extension); a file that fails
    to parse as one document with "Extra data" is also tried as lines.
    ``feeds_only`` (for URLs) refuses anything that is not a feed.
    """
    text = decode_text(data).strip()
    if not text:
        raise LoadFailure("not a feed (empty)" if feeds_only else "empty JSON file")
    if not lines:
        try:
            obj = json.loads(text, strict=False)
        except RecursionError:
            raise LoadFailure("invalid JSON (nested too deeply)") from None
        except ValueError as exc:
            if feeds_only or "Extra data" not in str(exc):
                load_json(text)  # re-raise as a one-line LoadFailure
                raise
            lines = True
        else:
            if is_json_feed(obj):
                return _feed(obj, source, fallback_name, base_url)
            if feeds_only:
                raise LoadFailure("not a feed (JSON, but not a JSON Feed)")
            return _records(_unwrap(obj), source, fallback_name, base_url, bad=0)
    if feeds_only:
        raise LoadFailure("not a feed (JSON lines)")
    objects: list[Any] = []
    bad = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            objects.append(json.loads(line, strict=False))
        except (ValueError, RecursionError):
            bad += 1
    return _records(objects, source, fallback_name, base_url, bad=bad)


# -- JSON Feed -------------------------------------------------------------------


def _feed(obj: dict[str, Any], source: str, fallback: str, base_url: str | None) -> Parsed:
    if "rss" in obj and not isinstance(obj.get("items"), list):
        return _rss_in_json(obj["rss"]["channel"], source, fallback, base_url)
    name = clean_line(_s(obj.get("title"))) or fallback
    feed_author = _author(obj.get("authors")) or _author(obj.get("author"))
    items = obj.get("items")
    if not isinstance(items, list):
        raise LoadFailure("not a feed (JSON Feed without items)")
    result = Parsed()
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        html = _s(item.get("content_html"))
        if html.strip():
            text, summary_only = html_to_text(html, base_url), False
        elif _s(item.get("content_text")).strip():
            text, summary_only = clean_text(_s(item.get("content_text"))), False
        else:
            text, summary_only = clean_text(_s(item.get("summary"))), True
        title = clean_line(_s(item.get("title")))
        link = entry_link(item.get("url") or item.get("external_url"), base_url)
        published = parse_date(item.get("date_published")) or parse_date(item.get("date_modified"))
        author = _author(item.get("authors")) or _author(item.get("author")) or feed_author
        result.articles.append(Article(
            id=_ident(item.get("id"), link, title, _s(item.get("date_published"))),
            source=source,
            source_name=name,
            title=untitled(title, text),
            text=text,
            link=link,
            author=author,
            published=published,
            summary_only=summary_only,
        ))
    if skipped:
        result.warnings.append(f"skipped {skipped} items that are not JSON objects")
    if not items:
        result.warnings.append("feed has no items")
    result.articles = dedupe_ids(result.articles)
    return result


def _rss_in_json(channel: dict[str, Any], source: str, fallback: str,
                 base_url: str | None) -> Parsed:
    """Dave Winer's RSS-in-JSON: the RSS 2.0 element tree written as JSON."""
    name = clean_line(_s(channel.get("title"))) or fallback
    items = channel.get("item")
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        items = []
    result = Parsed()
    for item in items:
        if not isinstance(item, dict):
            continue
        text = html_to_text(_s(item.get("description")), base_url)
        title = clean_line(_s(item.get("title")))
        link = entry_link(item.get("link"), base_url)
        guid = item.get("guid")
        if isinstance(guid, dict):
            guid = guid.get("value") or guid.get("#value") or guid.get("text")
        result.articles.append(Article(
            id=_ident(guid, link, title, _s(item.get("pubDate"))),
            source=source,
            source_name=name,
            title=untitled(title, text),
            text=text,
            link=link,
            author=clean_line(_s(item.get("author"))) or None,
            published=parse_date(item.get("pubDate")),
            summary_only=True,
        ))
    result.articles = dedupe_ids(result.articles)
    return result


# -- article records -------------------------------------------------------------


def _unwrap(obj: Any) -> list[Any]:
    """The list of records inside whatever top-level shape the file has."""
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict):
        lowered = {str(k).lower(): v for k, v in obj.items()}
        if not any(k in lowered for k in _TITLE_KEYS + _TEXT_KEYS):
            for key in _LIST_KEYS:
                if isinstance(lowered.get(key), list):
                    return lowered[key]
        return [obj]
    return []


def _records(objects: Iterable[Any], source: str, fallback: str, base_url: str | None,
             *, bad: int) -> Parsed:
    result = Parsed()
    for obj in objects:
        article = _record(obj, source, fallback, base_url) if isinstance(obj, dict) else None
        if article is None:
            bad += 1
        else:
            result.articles.append(article)
    if not result.articles:
        detail = f"; {bad} unreadable records" if bad else ""
        raise LoadFailure(f"no articles in JSON (records need a text or a title and link{detail})")
    if bad:
        result.warnings.append(f"skipped {bad} bad records or lines")
    result.articles = dedupe_ids(result.articles)
    return result


def _record(obj: dict[str, Any], source: str, fallback: str,
            base_url: str | None) -> Article | None:
    fields = {str(k).lower(): v for k, v in obj.items()}
    title = clean_line(_first_str(fields, _TITLE_KEYS))
    raw_text = _paragraphs(_first(fields, _TEXT_KEYS))
    summary_only = False
    if not raw_text.strip():
        raw_text = _paragraphs(_first(fields, _SUMMARY_KEYS))
        summary_only = True
    tail = raw_text[-60:].rstrip()
    if tail.endswith(" chars]") and _TRUNCATED.search(tail):
        # NewsAPI's "… [+1683 chars]": the rest of the story is elsewhere.
        raw_text = raw_text.rstrip()[: -len(_TRUNCATED.search(tail).group(0).rstrip())]
        summary_only = True
    text = html_to_text(raw_text, base_url) if _HTML_TAG.search(raw_text) else clean_text(raw_text)
    link = entry_link(_first_str(fields, _LINK_KEYS) or None, base_url)
    if not text and not (title and link):
        return None  # a bare title is metadata (an .expected.json), not an article
    if title and text.startswith(title):
        # Scraped text often repeats the headline as its first block (VG does).
        first, _, rest = text.partition("\n\n")
        if clean_line(first) == title and rest:
            text = rest
    date_value = _first(fields, _DATE_KEYS)
    name = _name(_first(fields, _NAME_KEYS)) or fallback
    ident = next((fields[k] for k in _ID_KEYS if fields.get(k) not in (None, "")), None)
    return Article(
        id=_ident(ident, link, title, "", fallback_key=f"{title}\x00{text}"),
        source=source,
        source_name=name,
        title=untitled(title, text),
        text=text,
        link=link,
        author=_author(_first(fields, _AUTHOR_KEYS)),
        published=parse_date(date_value),
        summary_only=summary_only,
    )


# -- value helpers -----------------------------------------------------------------


def _s(value: object) -> str:
    return value if isinstance(value, str) else ""


def _first(fields: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = fields.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _first_str(fields: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _paragraphs(value: Any) -> str:
    """Text as given, or a list of paragraph strings joined by blank lines."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n\n".join(v for v in value if isinstance(v, str))
    return ""


def _author(value: Any) -> str | None:
    """A name from a string, ``{"name": ...}``, or a list of either."""
    if isinstance(value, list):
        names = [n for n in (_author(v) for v in value[:10]) if n]
        return clean_line(", ".join(names)) or None
    if isinstance(value, dict):
        value = value.get("name")
    if not isinstance(value, str):
        return None
    return clean_line(value) or None


def _name(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    return clean_line(value, max_len=120) if isinstance(value, str) else ""


def _ident(raw: Any, link: str | None, title: str, date: str, *, fallback_key: str = "") -> str:
    """The item's own id, else its link, else a hash of what it says."""
    if isinstance(raw, str | int | float) and not isinstance(raw, bool):
        ident = clean_line(str(raw), max_len=_MAX_ID + 1)
        if len(ident) > _MAX_ID:
            ident = content_id(ident)
        if ident:
            return ident
    if link:
        return link
    return content_id(fallback_key or f"{title}\x00{date}")

