"""The fast parser: same Articles as the feedparser path, or None when unsure."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.sources.fastfeed import parse_fast, parse_feed_fast
from newsreader.sources.feeds import parse_feed

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "refresh"
BASE = "https://harbour-wire.example/world/feed.xml"


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def _both(data: bytes, base_url: str | None = BASE, content_type: str | None = None):
    fast = parse_feed_fast(
        data, source="src", fallback_name="fallback", base_url=base_url, content_type=content_type
    )
    slow = parse_feed(
        data, source="src", fallback_name="fallback", base_url=base_url, content_type=content_type
    )
    return fast, slow


@pytest.mark.parametrize("name", ["wire.rss", "wire.atom"])
@pytest.mark.parametrize("base_url", [None, BASE])
def test_fixtures_give_the_feedparser_articles(name: str, base_url: str | None) -> None:
    # A fetched feed comes with its Content-Type (feedparser warns without one).
    content_type = "application/xml; charset=utf-8" if base_url else None
    fast, slow = _both((FIXTURES / name).read_bytes(), base_url, content_type)
    assert fast is not None, "the fixture is meant to take the fast path"
    assert fast.articles == slow.articles
    assert fast.warnings == slow.warnings


def test_rss_fields() -> None:
    fast, _ = _both((FIXTURES / "wire.rss").read_bytes())
    assert fast is not None
    first, second, third = fast.articles
    assert first.id == "urn:uuid:6b1c7c1e-0001-4a6f-9d1c-000000000001"
    assert first.source_name == "Harbour Wire — World"
    assert first.author == "Søren Okafor"
    assert _iso(first.published) == "2025-01-03T09:30:00+00:00"
    assert "Two berths are back in use." in first.text
    assert not first.summary_only
    # A relative <link> is resolved against the feed URL.
    assert second.link == "https://harbour-wire.example/2025/01/02/accra-summit"
    assert second.title == "Q&A: what the Accra summit agreed"
    assert second.summary_only
    # No <link>: a permalink guid is the link, as feedparser does.
    assert third.link == "https://harbour-wire.example/2025/01/01/reykjavik-marathon"
    assert _iso(third.published) == "2025-01-01T11:00:00+00:00"


def test_atom_fields() -> None:
    fast, _ = _both((FIXTURES / "wire.atom").read_bytes())
    assert fast is not None
    first, second = fast.articles
    assert first.link == "https://harbour-wire.example/2025/01/03/glacier"
    assert _iso(first.published) == "2025-01-03T08:00:00+00:00"
    assert "\n[1] https://harbour-wire.example/data/glaciers" in first.text
    assert second.author == "Wen Tanaka (wen@harbour-wire.example)"
    # No alternate link: the id stands in, as feedparser does.
    assert second.link == "https://harbour-wire.example/2025/01/02/neutrino"


RSS_ITEM = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title>'
    "<item><title>{title}</title><link>https://x.example/1</link>"
    "<guid>https://x.example/1</guid>{extra}<description>{description}</description>"
    "</item></channel></rss>"
)


def _rss(title: str = "A title", description: str = "Text.", extra: str = "") -> bytes:
    return RSS_ITEM.format(title=title, description=description, extra=extra).encode("utf-8")


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (_rss(extra="<itunes:summary>s</itunes:summary>"), "itunes:summary feeds the summary"),
        (_rss(extra="<media:title>m</media:title>"), "media:title feeds the title"),
        (_rss(title="&lt;b&gt;Bold&lt;/b&gt;"), "an HTML-looking title"),
        (_rss(title="AT&amp;amp;T"), "an entity reference in a title"),
        (_rss(description="&lt;script&gt;x()&lt;/script&gt;&lt;p&gt;t&lt;/p&gt;"), "a script"),
        (_rss(description="&lt;iframe src=x&gt;&lt;/iframe&gt;"), "an iframe"),
        (_rss(extra="<pubDate>not a date</pubDate>"), "an unparsable date"),
        (_rss(extra="<title>twice</title>"), "a repeated field"),
        (_rss(extra="<source url='https://s.example/'>S</source>"), "a source element"),
        (
            _rss().replace(b"<rss ", b'<!DOCTYPE rss [<!ENTITY e "x">]>\n<rss '),
            "a DOCTYPE",
        ),
        (_rss().replace(b"UTF-8", b"ISO-8859-1"), "a non-UTF-8 encoding"),
        (b"  " + _rss(), "whitespace before the declaration"),
        (_rss().replace(b"<channel>", b'<channel xml:base="https://b.example/">'), "xml:base"),
        (_rss().replace(b"<item>", b"<item><category><x>nested</x></category>"), "nesting"),
        (_rss().replace(b'version="2.0"', b'version="0.91"'), "another RSS version"),
        (b"<html><body>not a feed</body></html>", "HTML"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "JSON"),
        (_rss()[:-20], "truncated XML"),
    ],
)
def test_unsure_means_none(data: bytes, why: str) -> None:
    assert parse_fast(data) is None, why


def test_ignorable_extensions_still_take_the_fast_path() -> None:
    extra = (
        "<category>World</category><comments>https://x.example/c</comments>"
        '<enclosure url="https://x.example/a.mp3" length="1" type="audio/mpeg"/>'
        "<itunes:duration>12:00</itunes:duration>"
        '<media:thumbnail url="https://x.example/t.jpg"/>'
    )
    fast, slow = _both(_rss(extra=extra))
    assert fast is not None
    assert fast.articles == slow.articles


def test_charset_in_content_type() -> None:
    data = _rss(title="Café")
    assert parse_fast(data, content_type="application/rss+xml; charset=utf-8") is not None
    assert parse_fast(data, content_type="application/rss+xml; charset=iso-8859-1") is None
    # RFC 3023: text/xml without a charset is us-ascii to feedparser.
    assert parse_fast(data, content_type="text/xml") is None
    assert parse_fast(_rss(), content_type="text/xml") is not None


def test_no_items_goes_to_feedparser() -> None:
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    assert parse_feed_fast(data, source="s", fallback_name="f") is None
