"""Every subscription list in ../shared/corpus/opml reads, and the hostile ones stay harmless."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsreader.sources.opml import read_opml_file

SHARED = Path(__file__).resolve().parents[2] / "shared"
OPML = SHARED / "corpus" / "opml"
HOSTILE = SHARED / "corpus" / "hostile"

pytestmark = pytest.mark.corpus


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path


def test_every_list_reads() -> None:
    files = [
        path
        for path in sorted(_need(OPML).rglob("*"))
        if path.is_file() and path.suffix in (".opml", ".xml")
    ]
    assert len(files) >= 115
    total = 0
    for path in files:
        result = read_opml_file(path)  # never raises
        total += len(result.feeds)
        for feed in result.feeds:
            assert feed.url.startswith(("http://", "https://")), (path.name, feed.url)
        assert all("\n" not in problem for problem in result.problems)
    assert total > 1500


@pytest.mark.parametrize(
    ("name", "feeds", "duplicates"),
    [
        ("aramzs-google-reader-710-feeds.opml", 670, 40),
        ("engineering-blogs-422-feeds.opml", 420, 2),
        ("netnewswire-subs.opml", 207, 0),
        ("programming.opml", 50, 0),  # damaged: an unescaped <a href="..."> in a description
    ],
)
def test_large_real_lists(name: str, feeds: int, duplicates: int) -> None:
    path = _need(OPML / name)
    result = read_opml_file(path)
    # Every xmlUrl in the file is either a feed, a duplicate, or a reported problem.
    declared = len(re.findall(rb'xmlUrl="[^"]+"', path.read_bytes(), re.IGNORECASE))
    assert len(result.feeds) == feeds
    assert result.duplicates == duplicates
    assert len(result.feeds) + result.duplicates <= declared


def test_listparser_feed_counts() -> None:
    """The listparser test documents that state how many feeds they hold."""
    folder = _need(OPML / "peer-suite-listparser")
    checked = 0
    for path in sorted(folder.rglob("*.xml")):
        text = path.read_text("utf-8", errors="replace")
        expected = re.search(r"Eval: len\(result\['feeds'\]\) == (\d+)", text)
        if not expected or "malformed" in path.parts:
            continue
        checked += 1
        assert len(read_opml_file(path).feeds) == int(expected.group(1)), path.name
    assert checked >= 10


def test_hostile_xxe_and_file_urls() -> None:
    result = read_opml_file(_need(HOSTILE / "opml-xxe-and-file-urls.opml"))
    assert "root:" not in repr(result)
    urls = [f.url for f in result.feeds]
    assert not any(url.startswith("file:") for url in urls)
    assert "https://example.invalid/a.xml" in urls
    assert any("file:" in problem for problem in result.problems)


def test_hostile_deep_nesting() -> None:
    result = read_opml_file(_need(HOSTILE / "opml-nested-10000-outlines.opml"))
    assert [f.url for f in result.feeds] == ["https://example.invalid/feed.xml"]
