"""Feed autodiscovery: the feed links an HTML page advertises in its ``<head>``.

People paste a site's address, not its feed's. Sites name their feeds with
``<link rel="alternate" type="application/rss+xml" href="...">`` (Atom,
JSON Feed and RSS 1.0 likewise). The links are returned in document order,
because sites list their main feed first and the comments feed after it.

Only reading happens here (bytes in, URLs out); fetching the page is the
caller's job. The page is untrusted: only http(s) links survive, relative
ones are resolved against ``<base href>`` or the page's own URL, and a
malformed page gives fewer links, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

from newsreader.sanitize import clean_line
from newsreader.sources.fetch_async import check_url

__all__ = ["FEED_TYPES", "FeedLink", "find_feed_links"]

#: The ``type`` values that mark a feed link (compared without parameters).
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/rdf+xml",
    }
)
#: A page larger than this is not scanned further: the head comes first.
_SCAN_LIMIT = 2_000_000


@dataclass(frozen=True, slots=True)
class FeedLink:
    """One advertised feed: absolute URL, declared type and the link's title."""

    url: str
    type: str
    title: str = ""


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "base"):
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "base":
            if self.base is None and values.get("href"):
                self.base = values["href"].strip()
            return
        rel = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        href = values.get("href", "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            self.links.append((href, kind, values.get("title", "")))

    handle_startendtag = handle_starttag


def find_feed_links(page: bytes, page_url: str) -> list[FeedLink]:
    """The feed links in an HTML page, absolute, http(s) only, first occurrence of each."""
    collector = _LinkCollector()
    text = page[:_SCAN_LIMIT].decode("utf-8", errors="replace")
    try:
        collector.feed(text)
        collector.close()
    except (AssertionError, ValueError):  # a hopeless page: keep what was found
        pass
    base = page_url
    if collector.base:
        candidate = urljoin(page_url, collector.base)
        if check_url(candidate) is None:
            base = candidate
    found: dict[str, FeedLink] = {}
    for href, kind, title in collector.links:
        url = urljoin(base, href)
        if check_url(url) is None and url not in found:
            found[url] = FeedLink(url, kind, clean_line(title))
    return list(found.values())
