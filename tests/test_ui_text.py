"""The display helpers every widget draws through: nothing unsafe reaches the terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.ui.text import safe_line, safe_text, web_link

UNSAFE = {chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]} | {
    "\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069",
}


@given(st.text())
def test_safe_text_keeps_every_offset_and_drops_unsafe_characters(text):
    cleaned = safe_text(text)
    assert len(cleaned) == len(text)  # entity offsets stay valid
    assert not UNSAFE & set(cleaned)
    assert cleaned.count("\n") == text.count("\n")


@given(st.text())
def test_safe_line_is_one_clean_line(text):
    line = safe_line(text)
    assert "\n" not in line and "\t" not in line
    assert not UNSAFE & set(line)
    assert line == line.strip()


def test_escape_sequences_become_inert_text():
    assert safe_line("\x1b[31mred\x1b[0m \x1b]8;;https://x\x07link") == "[31mred[0m ]8;;https://xlink"
    assert safe_text("a\x1bb\rc\nd") == "a b c\nd"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("HTTP://Example.org/", "http://Example.org/"),
        ("http://user:pw@evil.example/", "http://evil.example/"),
        ("javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("mailto:desk@example.org", None),
        ("file:///etc/passwd", None),
        ("ftp://example.org/x", None),
        ("/relative/path", None),
        ("", None),
        (None, None),
    ],
)
def test_web_link_opens_only_http_and_https(url, expected):
    assert web_link(url) == expected


def test_a_failed_worker_is_one_clean_line() -> None:
    from newsreader.ui.text import failure_line, failure_reason

    error = ValueError("bad \x1b[31mfeed\x1b[0m\nsecond line")
    assert failure_reason(None) == "failed"
    line = failure_line("Load \u202earticle", error)
    assert line.startswith("Load article: ValueError: bad")
    assert "\x1b" not in line and "\n" not in line and "\u202e" not in line
