"""parse_feed_fast_deferred = parse_feed_fast with html_to_text moved later: filling each
deferred text with html_to_text(html, base_url) gives exactly parse_feed_fast's articles."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from newsreader.content import html_to_text
from newsreader.sources.fastfeed import parse_feed_fast, parse_feed_fast_deferred

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"
BASES = (None, "http://127.0.0.1:8097/dir/feed.xml")


def agree(data: bytes) -> tuple[int, int]:
    """(articles, deferred ones) over both bases; asserts the two parsers agree."""
    items = deferred = 0
    for base in BASES:
        eager = parse_feed_fast(data, source="s", fallback_name="f", base_url=base)
        later = parse_feed_fast_deferred(data, source="s", fallback_name="f", base_url=base)
        assert (eager is None) == (later is None)
        if eager is None or later is None:
            continue
        parsed, html = later
        assert len(html) == len(parsed.articles)
        filled = [
            article if body is None else replace(article, text=html_to_text(body, base))
            for article, body in zip(parsed.articles, html, strict=True)
        ]
        assert filled == eager.articles
        assert parsed.warnings == eager.warnings
        assert all(a.text == "" for a, body in zip(parsed.articles, html, strict=True) if body)
        items += len(html)
        deferred += sum(body is not None for body in html)
    return items, deferred


def test_fixtures_agree() -> None:
    files = [path for path in sorted(FIXTURES.rglob("*")) if path.is_file()]
    totals = [agree(path.read_bytes()) for path in files]
    assert sum(d for _, d in totals) > 0  # the comparison covers deferred items


def test_repeated_ids_are_converted_at_once() -> None:
    item = (
        "<item><title>T</title><guid>x</guid>"
        "<description>&lt;p&gt;{}&lt;/p&gt;</description></item>"
    )
    data = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
        + item.format("one") + item.format("two")
        + "</channel></rss>"
    ).encode()
    later = parse_feed_fast_deferred(data, source="s", fallback_name="f")
    assert later is not None
    parsed, html = later
    assert html == [None, None] and [a.text for a in parsed.articles] == ["one", "two"]
    assert agree(data)[1] == 0


def test_an_untitled_item_is_converted_at_once() -> None:
    data = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
        b"<item><guid>x</guid><description>&lt;p&gt;Words here&lt;/p&gt;</description></item>"
        b"</channel></rss>"
    )
    later = parse_feed_fast_deferred(data, source="s", fallback_name="f")
    assert later is not None and later[1] == [None]
    assert later[0].articles[0].title.startswith("Words here")


@pytest.mark.corpus
def test_shared_corpus_agrees() -> None:
    feeds = SHARED / "corpus" / "feeds"
    if not feeds.is_dir():
        pytest.skip("../shared/corpus/feeds is not here")
    totals = [agree(path.read_bytes()) for path in sorted(feeds.rglob("*")) if path.is_file()]
    assert sum(d for _, d in totals) > 200  # 310 when written


@pytest.mark.parametrize(
    "link",
    [
        "https://wire.example/a", "http://wire.example/a?", "https://wire.example/a;p",
        "https://wire.example/&#27;[31mred", "https://wire.example/a b", "/relative",
        "https://[::1/x", "https://wire.example/caf\u00e9", "HTTPS://WIRE.example/A",
    ],
)
def test_links_agree_whatever_their_shape(link: str) -> None:
    from xml.sax.saxutils import escape

    data = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
        f"<item><title>T</title><link>{escape(link)}</link><guid>g</guid>"
        "<description>&lt;p&gt;Body&lt;/p&gt;</description></item></channel></rss>"
    ).encode()
    agree(data)
