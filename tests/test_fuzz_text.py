"""Fuzzing the text path: the sanitiser's shortcuts and store variants, HTML to text.

Hypothesis feeds arbitrary and markup-shaped strings to the functions every
source and the store run on untrusted input. "Bounded time" is checked without
a clock: html.parser's own scanning patterns are wrapped and the characters
they read are counted, so a quadratic case shows up as a count far above the
input length on any machine, however loaded.
"""

from __future__ import annotations

import _markupbase
import html.parser
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader import content, sanitize
from newsreader.content import html_to_text, html_to_text_and_links
from newsreader.sanitize import MAX_LINE, clean_key, clean_line, clean_text, strip_unsafe

# What no stored or shown string may contain (the store's rule; ZW chars are
# allowed in keys, see clean_key).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

_pieces = st.sampled_from(
    ["\x1b", "\x1b[", "31m", "\x9b", "\x9d", "\x07", "\x00", "\r", "\n", "\t", " ", "  ",
     "\u00a0", "\u2028", "\u2029", "\x85", "\u202e", "\u2066", "\u200b", "\u200c", "\u200d",
     "\ufeff", "&#", "&#x1b;", "&#27;", "x1b;", "[", "]", ";", "\\", "\ud800", "é", "字", "a",
     "Ab.", "\n\n\n"]
)
NASTY = st.lists(st.one_of(_pieces, st.text(max_size=5)), max_size=40).map("".join)


# --------------------------------------------------------------------------- sanitiser


def test_every_character_the_shortcuts_skip_is_non_printable() -> None:
    """The premise of the isprintable() shortcuts in clean_line, clean_text and clean_key."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        acted_on = (
            sanitize._REMOVED_RE.match(char)
            or sanitize._LINE_SEPARATORS.match(char)
            or (char.isspace() and char != " ")
            or char in sanitize._TRAILING.replace(" ", "")
        )
        if acted_on or sanitize._KEY_SUSPECT.match(char):
            assert not char.isprintable(), hex(code)


@settings(max_examples=600, deadline=None)
@given(NASTY)
def test_clean_text_shortcut_equals_the_full_path(s: str) -> None:
    assert clean_text(s) == sanitize._clean_text_slow(s)


@settings(max_examples=600, deadline=None)
@given(NASTY, st.integers(min_value=2, max_value=60))
def test_clean_line_shortcut_equals_the_full_path(s: str, max_len: int) -> None:
    full = sanitize._clean_line_slow(s)
    if len(full) > max_len:
        full = full[: max_len - 1].rstrip() + "…"
    assert clean_line(s, max_len) == full


@settings(max_examples=500, deadline=None)
@given(NASTY)
def test_clean_key_is_one_safe_line_and_idempotent(s: str) -> None:
    key = clean_key(s)
    assert not UNSAFE.search(key)
    assert "\n" not in key and "\t" not in key
    assert clean_key(key) == key
    key.encode("utf-8")  # SQLite stores only valid UTF-8


@settings(max_examples=500, deadline=None)
@given(NASTY)
def test_strip_unsafe_is_safe_idempotent_and_keeps_clean_text_exactly(s: str) -> None:
    text = strip_unsafe(s)
    assert not UNSAFE.search(text)
    assert not sanitize._TEXT_REMOVED_RE.search(text)  # joiners stay in text
    assert strip_unsafe(text) == text
    text.encode("utf-8")
    cleaned = clean_text(s)
    assert strip_unsafe(cleaned) == cleaned  # what sources store is kept as is


def test_keys_are_never_cut_or_trimmed_and_keep_joiners() -> None:
    long_id = "urn:" + "x" * 5000 + " "
    assert clean_key(long_id) == long_id
    assert len(clean_line(long_id)) == MAX_LINE  # the display variant does cut
    persian = "/news/می\u200cخواهم.txt"  # ZWNJ is part of the word
    assert clean_key(persian) == persian
    assert clean_key("a\nb\tc\r\nd") == "a b c d"
    assert clean_key("id\x1b]8;;file:///etc/passwd\x07x\u202e") == "idx"
    assert clean_key("bad\udcff.txt") == "bad\ufffd.txt"


def test_store_text_keeps_layout_and_drops_escapes() -> None:
    text = "Line one\twith tab.\n\nLine \x1b[31mtwo\x1b[0m\x07 \u202eevil\x9b.\r\n"
    assert strip_unsafe(text) == "Line one\twith tab.\n\nLine two evil.\n"
    assert strip_unsafe("  indented\n\n\n\nkept  ") == "  indented\n\n\n\nkept  "


def test_an_eight_bit_csi_takes_only_a_complete_sequence() -> None:
    # U+009B is usually a mis-decoded cp1252 "›": the text after it is text.
    assert clean_line("5\x9b, 6") == "5, 6"
    assert clean_text("evil\x9b.\n") == "evil."
    assert clean_line("a\x9b2Jb") == "ab"
    assert clean_line("a\x1b[2Jb") == "ab"


# --------------------------------------------------------------------------- HTML to text


@contextmanager
def counted_scans() -> Iterator[list[int]]:
    """Count the characters html.parser's end-of-construct searches read.

    Each wrapped pattern adds how far it looked (to the end of its match, or
    to the end of the input when it found nothing), which is the work that
    becomes quadratic when the same tail is searched from every "<".
    """
    total = [0]

    class Counting:
        def __init__(self, pattern: re.Pattern[str]) -> None:
            self.pattern = pattern

        def _count(self, m: re.Match[str] | None, s: str, pos: int) -> re.Match[str] | None:
            total[0] += (m.end() if m else len(s)) - pos
            return m

        def match(self, s: str, pos: int = 0) -> re.Match[str] | None:
            return self._count(self.pattern.match(s, pos), s, pos)

        def search(self, s: str, pos: int = 0) -> re.Match[str] | None:
            return self._count(self.pattern.search(s, pos), s, pos)

    names = [
        (html.parser, "locatestarttagend_tolerant"),
        (html.parser, "endendtag"),
        (html.parser, "piclose"),
        (html.parser, "commentclose"),
        (_markupbase, "_commentclose"),
        (_markupbase, "_markedsectionclose"),
        (_markupbase, "_msmarkedsectionclose"),
    ]
    saved = []
    for module, name in names:
        if hasattr(module, name):
            saved.append((module, name, getattr(module, name)))
            setattr(module, name, Counting(getattr(module, name)))
    try:
        yield total
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


PATHOLOGICAL = {
    "unclosed tags": "<a ",
    "unclosed tags with attributes": "<a" + " b" * 50,
    "unclosed comments": "<!--x",
    "comments with > but no -->": "<!-- a > b ",
    "unclosed quotes": '<a b="x ',
    "a quoted > in every tag": "<a b='>' ",
    "unclosed end tags": "</a b ",
    "unclosed processing instructions": "<?x ",
    "unclosed declarations": "<!x ",
    "unknown marked sections": "<![x ",
    "unclosed CDATA sections": "<![CDATA[x ",
}


@pytest.mark.parametrize("unit", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_html_parser_work_is_linear_on_unclosed_markup(unit: str) -> None:
    """The fallback once read the tail again from every "<": 80 KB of "<a " took 70 s."""
    doc = "<p>lead</p>" + unit * (80_000 // len(unit)) + "<p>tail &amp; end</p>"
    with counted_scans() as scanned:
        text, _ = content._reference_html_to_text_and_links(doc)
    assert scanned[0] <= 4 * len(doc)
    assert text.startswith("lead")
    assert text.endswith("tail & end")


def test_unclosed_markup_is_kept_as_text() -> None:
    assert html_to_text("<p>a <b b c <i>d</i></p>") == "a <b b c d"
    assert html_to_text("x <!-- never closed") == "x <!-- never closed"
    assert html_to_text("<p>1 < 2 and 3 > 2</p>") == "1 < 2 and 3 > 2"


_markup = st.sampled_from(
    ["<", ">", "/", "!", "?", "-", "--", "<!--", "-->", "<![CDATA[", "]]>", "]", "=", '"', "'",
     " ", "\n", "\t", "&", "&amp;", "&#x1b;", ";", "a", "p", "b", "div", "script", "style",
     "pre", "li", "ol", "href", "x", "<a href='https://e.org/'>", "</a>", "<p>", "</p>",
     "<script>", "</script>", "<style>", "</style", "<br/>", "<!doctype html>", "<?xml ?>",
     "\x00", "\x1b[2J", "é"]
)
MARKUP = st.lists(_markup, max_size=60).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKUP)
def test_html_to_text_never_raises_and_stays_linear(doc: str) -> None:
    with counted_scans() as scanned:
        text, links = html_to_text_and_links(doc)
        reference, ref_links = content._reference_html_to_text_and_links(doc)
    assert text == reference and links == ref_links
    assert clean_text(text) == text
    assert not sanitize._REMOVED_RE.search(text)
    assert all(link.startswith(("http://", "https://", "mailto:")) for link in links)
    assert scanned[0] <= 8 * len(doc) + 64


@settings(max_examples=300, deadline=None)
@given(MARKUP, st.integers(min_value=2, max_value=40))
def test_defused_markup_repeated_stays_linear(unit: str, times: int) -> None:
    """Any markup fragment repeated many times: the shape every blow-up above has."""
    doc = unit * times
    with counted_scans() as scanned:
        content._reference_html_to_text_and_links(doc)
    assert scanned[0] <= 8 * len(doc) + 64


def test_defuse_leaves_well_formed_markup_alone() -> None:
    doc = (
        '<div class="a"><p title=\'1 < 2\'>x</p><!-- c <b> --><br/><img src=x alt="y">'
        "<script>if (a<b) x()</script><![CDATA[z]]><?pi x?></div>"
    )
    assert content._defuse(doc) == doc
