"""fastfeed's C1 check: a byte search first, the regex only when it might match.

The check decides whether the fast parser hands a text to feedparser (which
maps C1 controls through cp1252), so it must agree with the plain regex on
every string, lone surrogates included.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from newsreader.sources.fastfeed import _has_c1

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
