"""The ingest sanitiser: nothing a terminal would interpret survives, text stays readable."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.sanitize import MAX_LINE, clean_line, clean_text, safe_link, strip_unsafe

# What must never reach the screen: ESC, C0 controls except \n and \t, DEL, C1,
# bidi embeddings/overrides/isolates, zero-width characters.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)

ESC = "\x1b"


def test_csi_sequences_removed_whole() -> None:
    assert clean_line(f"a {ESC}[31;1mred{ESC}[0m b") == "a red b"
    assert clean_line(f"{ESC}[2J{ESC}[Hclear") == "clear"
    assert clean_line(f"x{ESC}[?1049h{ESC}[?25ly") == "xy"


def test_osc_sequences_removed_with_payload() -> None:
    osc8 = f"{ESC}]8;;file:///etc/passwd{ESC}\\innocent{ESC}]8;;{ESC}\\"
    assert clean_line(f"see {osc8} here") == "see innocent here"
    assert clean_line(f"t {ESC}]52;c;Y3VybCB8IHNo\x07 end") == "t end"
    assert clean_line(f"t {ESC}]0;pwned\x07 end") == "t end"
    # Unterminated: the payload is cut at the end of the line, never shown.
    assert clean_text(f"a {ESC}]52;c;secret\nnext") == "a\nnext"


def test_escape_as_character_reference() -> None:
    assert clean_line("title &#x1b;[2J end") == "title end"
    assert clean_line("title &#27;[31mred") == "title red"


def test_c1_and_controls_removed() -> None:
    # 8-bit CSI takes its parameters with it; NEL (U+0085) is a line break.
    assert clean_line("a\x9b2Jb\x00c\x07d\x7fe\x85f") == "abcde f"
    assert clean_line("before\x00after") == "beforeafter"
    assert clean_line("back\bspace") == "backspace"


def test_bidi_and_zero_width_removed() -> None:
    assert clean_line("invoice_\u202egpj.exe") == "invoice_gpj.exe"
    assert clean_line("\u2067RTL isolate") == "RTL isolate"
    assert clean_line("zero\u200bwidth\u2060joiner\ufeffbom") == "zerowidthjoinerbom"


def test_rich_markup_survives_as_literal_text() -> None:
    s = "[bold red]x[/] [link=file:///etc/passwd]click[/link] :skull:"
    assert clean_line(s) == s
    assert clean_text(s) == s


def test_clean_line_collapses_whitespace_and_caps_length() -> None:
    assert clean_line("  a\n\tb   c \r\n") == "a b c"
    long = clean_line("x" * 10_000)
    assert len(long) == MAX_LINE
    assert long.endswith("…")
    assert clean_line(None) == ""
    assert clean_line("") == ""


def test_clean_text_keeps_paragraphs_and_normalises_newlines() -> None:
    assert clean_text("a\r\nb\rc") == "a\nb\nc"
    assert clean_text("p1\n\n\n\n\np2") == "p1\n\np2"
    assert clean_text("p1  \n \n\t\n\np2") == "p1\n\np2"
    assert clean_text("col1\tcol2") == "col1\tcol2"
    assert clean_text("\n\n  indented\n") == "  indented"
    assert clean_text("line\u2028sep") == "line\nsep"


def test_safe_link_allows_only_web_and_mail() -> None:
    assert safe_link("https://example.org/a?b=c#d") == "https://example.org/a?b=c#d"
    assert safe_link("HTTP://Example.org/") == "http://Example.org/"
    assert safe_link("mailto:editor@example.org") == "mailto:editor@example.org"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
                "java\nscript:alert(1)", " data:text/html,<b>x</b>", "file:///etc/passwd",
                "vbscript:x", "ssh://host", "ftp://host/x", "/relative/path", "//no-scheme.org",
                "https://", "", None, "https://" + "a" * 5000 + ".org"):
        assert safe_link(bad) is None, bad


def test_safe_link_strips_whitespace_credentials_and_shows_real_host() -> None:
    assert safe_link("  https://example.org/x\n") == "https://example.org/x"
    assert safe_link("https://example.org/x\nInjected: y") == "https://example.org/xInjected:y"
    assert safe_link("https://bank.example@evil.example/login") == "https://evil.example/login"
    assert safe_link("https://www.\u0430pple.com/") == "https://www.xn--pple-43d.com/"
    assert safe_link(f"https://example.org/{ESC}[2Jx") == "https://example.org/x"


def test_idempotent() -> None:
    s = f"a{ESC}[1m\u202e b \r\n\n\n\nc\x00"
    assert clean_text(clean_text(s)) == clean_text(s)
    assert clean_line(clean_line(s)) == clean_line(s)


_nasty = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("\x1b\x9b\x9d\x07\x00\r\n\t[]];\\\u202e\u2066\u200b\ufeff&#x1b;")),
    ),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(_nasty)
def test_property_nothing_dangerous_survives(s: str) -> None:
    line = clean_line(s)
    text = clean_text(s)
    assert not FORBIDDEN.search(line)
    assert "\n" not in line and "\t" not in line
    assert not FORBIDDEN.search(text)
    assert "\r" not in text
    assert "\n\n\n" not in text
    assert clean_text(text) == text


@settings(max_examples=200, deadline=None)
@given(_nasty)
def test_property_safe_link_is_web_or_none(s: str) -> None:
    for candidate in (s, "https://example.org/" + s, "http://" + s):
        link = safe_link(candidate)
        if link is not None:
            assert link.split(":", 1)[0] in ("http", "https", "mailto")
            assert not FORBIDDEN.search(link)
            assert not re.search(r"\s", link)


def test_joiners_stay_in_article_text_where_they_join() -> None:
    """ZWNJ/ZWJ spell Persian and Indic words and build emoji: article text keeps them."""
    persian = "من می\u200cخواهم بروم"  # "I want to go": ZWNJ keeps می and خواهم apart
    devanagari = "क्\u200dष"  # ZWJ asks for the half form
    family = "👩\u200d👩\u200d👧 at home"
    for text in (persian, devanagari, family):
        assert clean_text(text) == text
        assert strip_unsafe(text) == text
    # One-line values lose them: a name is where an invisible difference spoofs.
    assert clean_line(persian) == "من میخواهم بروم"
    # A joiner that joins nothing (ASCII, a space, the edge) is only a trick: it goes.
    assert clean_text("pay\u200dpal \u200cمن\u200c") == "paypal من"
    assert strip_unsafe("pay\u200dpal") == "paypal"
    # The other invisible characters still go from text.
    assert clean_text("zero\u200bwidth\ufeff\u2060") == "zerowidth"


def test_the_ui_helpers_use_the_sanitiser_classes() -> None:
    """One source of truth: the UI's last-line tables are built from sanitize's sets."""
    from newsreader.sanitize import INVISIBLE, JOINERS, TERMINAL_UNSAFE
    from newsreader.ui import text as ui_text

    assert set(ui_text._BODY_TABLE) == TERMINAL_UNSAFE
    assert set(ui_text._LINE_TABLE) == TERMINAL_UNSAFE | INVISIBLE | {0x09, 0x0A}
    assert {0x09, 0x0A}.isdisjoint(TERMINAL_UNSAFE)
    assert {0x1B, 0x9B, 0x202E, 0x2066, 0x200F}.issubset(TERMINAL_UNSAFE)
    assert {0x200C, 0x200D} == JOINERS
    assert JOINERS.isdisjoint(TERMINAL_UNSAFE | INVISIBLE)
    assert ui_text.safe_text("می\u200cخواهم") == "می\u200cخواهم"
    assert ui_text.safe_line("a\u200bb 👩\u200d👩") == "ab 👩\u200d👩"
