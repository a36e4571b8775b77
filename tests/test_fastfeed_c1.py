"""fastfeed's C1 check and mojibake repair: byte searches first, the slow steps only when needed.

The check decides whether the fast parser hands a text to feedparser (which
maps C1 controls through cp1252), so it must agree with the plain regex on
every string, lone surrogates included.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.sources.fastfeed import (
    _has_c1,
    _has_latin1_range,
    _stripped_text,
    _text,
    _Unsure,
    parse_feed_fast,
)
from newsreader.sources.feeds import parse_feed

_C1 = re.compile("[\x80-\x9f]")


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF)))
def test_agrees_with_the_regex(text: str) -> None:
    assert _has_c1(text) == (_C1.search(text) is not None)


@given(st.text(alphabet=st.characters(min_codepoint=0x60, max_codepoint=0x1FF)))
def test_agrees_near_the_c1_block(text: str) -> None:
    assert _has_c1(text) == (_C1.search(text) is not None)


def test_every_c1_and_its_neighbours() -> None:
    for code in range(0x70, 0x200):
        assert _has_c1(f"ab{chr(code)}\u00e9") == (0x80 <= code <= 0x9F)
    assert not _has_c1("\ud800x")
    assert _has_c1("\ud800\x85")


# The document-level shortcut: without U+0080..U+00BF anywhere, every text is
# taken as it stands (no mojibake repair, no C1 check). Checked against the
# per-text path, and against feedparser itself, on documents made to tempt it.

_CHARS = st.sampled_from(
    ["a", " ", "é", "Ã", "©", "\u00a0", "\u0085", "—", "字", "ü", "Â", "\u00bf", "\u00c2"]
)


@given(st.lists(_CHARS, max_size=12).map("".join))
def test_the_shortcut_is_taken_only_when_no_text_could_change(text: str) -> None:
    data = _feed(text)
    if not _has_latin1_range(data):
        for value in (text, f" {text} "):
            element = ET.fromstring(f"<t>{escape(value)}</t>")
            try:
                assert _text(element) == _stripped_text(element)
            except _Unsure:
                raise AssertionError("a text the shortcut takes must be one _text takes") from None


def test_the_shortcut_sees_character_references_and_continuations() -> None:
    assert not _has_latin1_range(_feed("plain é ü — 字"))
    assert _has_latin1_range(_feed("Â© double-encoded"))  # \xc3\x82\xc2\xa9
    assert _has_latin1_range(_feed("no\u00a0break"))
    assert _has_latin1_range(b"<rss>&#195;&#169;</rss>")
    assert _has_latin1_range(b"<rss>&#x85;</rss>")


@pytest.mark.parametrize(
    "title", ["CafÃ© opens", "Caf&#195;&#169; opens", "Plain café opens", "Caf\u0085 opens"]
)
def test_titles_agree_with_feedparser_either_way(title: str) -> None:
    data = _feed(title)
    fast = parse_feed_fast(data, source="s", fallback_name="f")
    slow = parse_feed(data, source="s", fallback_name="f")
    if fast is not None:
        assert [a.title for a in fast.articles] == [a.title for a in slow.articles]


def _feed(title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
        f"<item><title>{title}</title><guid>x</guid><description>d</description></item>"
        "</channel></rss>"
    ).encode()
