"""content.urljoin_fast must be urllib.parse.urljoin, result for result and error for error."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.content import urljoin_fast

BASES = [
    "http://127.0.0.1:8765/feed-1.xml",
    "https://example.com/news/feed.xml",
    "HTTPS://Example.com/a/b?c#d",
    "ftp://example.com/x",
    "https://[::1]:80/feed",
    "https://[::1/feed",
    "//example.com/feed",
    "",
]
# Pieces that are plain, and pieces that make urljoin normalise, resolve or raise.
PIECES = [
    "https://", "http://", "HTTP://", "https:", "//", "/", "a", "b.example", "x", "..", ".",
    "?", "#", "?#", ";", ";p", "[", "]", "[::1]", "\t", "\n", "\r", " ", "é", "%20", ":",
    "@", "80", "q=1", "&", "\x01",
]


def same(base: str, url: str) -> None:
    try:
        expected: object = urljoin(base, url)
    except ValueError:
        expected = ValueError
    try:
        got: object = urljoin_fast(base, url)
    except ValueError:
        got = ValueError
    assert got == expected, (base, url)


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a/b", "http://example.com/a", "https://example.com",
        "https://example.com?q", "https://example.com/a?", "https://example.com/a#",
        "https://example.com/a?#f", "https://example.com/a;p?q#f", "https:///a", "https://?q",
        "https://#f", "https://[::1]/a", "https://ex\tample.com/", "https://example.com/é",
        "https://example.com/../a/./b", "https://example.com/a#b?c", "https://a?b/c",
        "http://", "https://", "relative/path", "/abs", "//host/path", "mailto:x@y",
    ],
)
def test_known_shapes(base: str, url: str) -> None:
    same(base, url)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(BASES), st.lists(st.sampled_from(PIECES), max_size=8))
def test_any_assembly_of_awkward_pieces(base: str, pieces: list[str]) -> None:
    same(base, "".join(pieces))


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(BASES), st.sampled_from(["https://", "http://"]), st.text(max_size=30))
def test_absolute_urls_with_any_tail(base: str, scheme: str, tail: str) -> None:
    same(base, scheme + tail)


def same_as_feedparser(base: str, uri: str) -> None:
    from feedparser.urls import _urljoin

    from newsreader.sources.fastfeed import _join

    assert _join(base, uri) == _urljoin(base, uri), (base, uri)


@settings(max_examples=2000, deadline=None)
@given(st.sampled_from(BASES), st.lists(st.sampled_from(PIECES), max_size=8))
def test_fastfeed_join_is_feedparsers(base: str, pieces: list[str]) -> None:
    same_as_feedparser(base, "".join(pieces))


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(BASES), st.sampled_from(["https://", "http://", "https:///", "http:////"]),
       st.text(max_size=30))
def test_fastfeed_join_with_any_tail(base: str, scheme: str, tail: str) -> None:
    same_as_feedparser(base, scheme + tail)
