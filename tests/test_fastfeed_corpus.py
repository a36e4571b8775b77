"""Agreement on the shared corpus: wherever the fast parser and feedparser both read a feed,
they give the same Articles (ids, titles, links, dates, and the rest).

Every file under ``../shared/corpus/feeds`` (feedparser's own 2,249 test documents and
55 real feeds) is tried with no base URL (a local file) and with one (a fetched feed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.sources.common import LoadFailure
from newsreader.sources.fastfeed import parse_feed_fast
from newsreader.sources.feeds import parse_feed

SHARED = Path(__file__).resolve().parents[2] / "shared"
FEEDS = SHARED / "corpus" / "feeds"
FIELDS = ("id", "title", "link", "published", "author", "text", "source_name", "summary_only")

pytestmark = pytest.mark.corpus


def _files() -> list[Path]:
    if not FEEDS.is_dir():
        pytest.skip("../shared/corpus/feeds is not here")
    return sorted(path for path in FEEDS.rglob("*") if path.is_file())


def test_fast_parser_agrees_with_feedparser() -> None:
    compared = fast_items = 0
    problems: list[str] = []
    for path in _files():
        data = path.read_bytes()
        for base_url in (None, "http://127.0.0.1:8097/dir/feed.xml"):
            fast = parse_feed_fast(data, source=str(path), fallback_name="f", base_url=base_url)
            if fast is None:
                continue
            try:
                slow = parse_feed(data, source=str(path), fallback_name="f", base_url=base_url)
            except LoadFailure:
                continue
            compared += 1
            fast_items += len(fast.articles)
            name = f"{path.relative_to(FEEDS)} (base {base_url})"
            if len(fast.articles) != len(slow.articles):
                problems.append(f"{name}: {len(fast.articles)} vs {len(slow.articles)} articles")
                continue
            for index, (mine, theirs) in enumerate(zip(fast.articles, slow.articles, strict=True)):
                for field in FIELDS:
                    if getattr(mine, field) != getattr(theirs, field):
                        problems.append(f"{name} item {index}: {field} differs")
                        break
    assert not problems, "\n".join(problems[:20])
    # The comparison must mean something: real feeds and many peer-suite files take
    # the fast path (about 970 file/base pairs when this was written).
    assert compared > 500
    assert fast_items > 1000


def test_real_feeds_that_take_the_fast_path() -> None:
    real = FEEDS / "real"
    if not real.is_dir():
        pytest.skip("../shared/corpus/feeds/real is not here")
    taken = [
        path.name
        for path in sorted(real.iterdir())
        if parse_feed_fast(path.read_bytes(), source="s", fallback_name="f") is not None
    ]
    # Tidy UTF-8 RSS/Atom without extensions that feedparser maps onto our fields.
    assert "tagesschau-2026-04.xml" in taken
    assert "hackernews-frontpage-2025-12.xml" in taken
    assert len(taken) >= 10
