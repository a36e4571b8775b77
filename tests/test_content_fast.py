"""The fast HTML converter gives exactly the html.parser converter's output.

``html_to_text_and_links`` converts most markup on a fast path and leaves
anything unusual to the html.parser converter (``_reference_...`` forces
that one). These tests compare the two on every fixture, on the shared
corpus (real feeds, the hostile set, the synthetic benchmark feeds) and on
generated markup, and check that the fast path really takes ordinary feed
HTML and really gives up on the constructs it does not handle.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader import content
from newsreader.content import _reference_html_to_text_and_links as reference
from newsreader.content import html_to_text_and_links
from newsreader.sanitize import clean_text, esc_refs_to_esc

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"
BASE = "https://news.example.org/feed/"


def takes_fast_path(html: str, page: bool = False) -> bool:
    return content._convert_fast(esc_refs_to_esc(html), None, page, True) is not None


def assert_agree(html: str, where: str = "") -> None:
    """Same text and links with and without a base URL, with and without link numbers."""
    for base in (None, BASE):
        for link_refs in (True, False):
            fast = html_to_text_and_links(html, base, link_refs=link_refs)
            slow = reference(html, base, link_refs=link_refs)
            assert fast == slow, f"{where} base={base} link_refs={link_refs}: {html[:300]!r}"


def strings_in_json(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from strings_in_json(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in_json(item)
    elif isinstance(value, str) and ("<" in value or "&" in value):
        yield value


def feed_html(path: Path) -> list[str]:
    """Every string of a feed file the sources code may hand to the converter.

    The quadratic-blowup file is left out: feedparser spends seconds
    expanding it to 100 MB, which the sources code never lets it do.
    """
    if "quadratic-blowup" in path.name:
        return []
    data = path.read_bytes()
    if path.suffix in (".json", ".jsonl"):
        try:
            docs = [json.loads(line) for line in data.splitlines() if line.strip()] \
                if path.suffix == ".jsonl" else [json.loads(data)]
        except ValueError:
            return []
        return [s for doc in docs for s in strings_in_json(doc)]
    parsed = feedparser.parse(data)
    found: list[str] = []
    for entry in parsed.entries:
        found += [entry[key] for key in ("title", "summary") if entry.get(key)]
        found += [c["value"] for c in entry.get("content") or [] if c.get("value")]
    return found


# -- fixtures (always run) -----------------------------------------------------------


def test_agree_on_every_fixture() -> None:
    checked = 0
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.suffix in (".jpg", ".md", ".txt"):
            continue
        if path.suffix in (".html", ".htm"):
            text = path.read_text(encoding="utf-8")
            for scope in (None, ("article", 0)):
                assert html_to_text_and_links(text, BASE, scope=scope, page=True) == reference(
                    text, BASE, scope=scope, page=True
                ), path
            checked += 1
            continue
        for html in feed_html(path):
            assert_agree(html, str(path))
            checked += 1
    assert checked > 50


def test_agree_on_markdown_fixture_html() -> None:
    from markdown_it import MarkdownIt

    for path in sorted(FIXTURES.rglob("*.md")):
        html = MarkdownIt("commonmark").enable("table").render(path.read_text(encoding="utf-8"))
        assert takes_fast_path(html)
        assert_agree(html, str(path))


def test_ordinary_feed_html_takes_the_fast_path() -> None:
    html = (
        '<p>The <a href="https://example.org/a?x=1&amp;y=2" title="A &quot;quote&quot;">'
        "council</a> met on <b>Monday</b> &amp; <em>Tuesday</em>.</p>\n"
        '<h3>Votes</h3><ul><li>One</li><li class="x">Two</li></ul>\n'
        '<ol start="3"><li value="7">Seven</li></ol><!-- more -->'
        '<blockquote><p>Said &ldquo;so&rdquo;&nbsp;then.</p></blockquote>'
        '<figure><img src="a.jpg" alt="A view" width="640"/><figcaption>Cap</figcaption></figure>'
        "<pre>  kept\n  as is</pre><table><tr><th>A</th><td>1</td></tr></table><br/><hr />"
    )
    assert takes_fast_path(html)
    assert_agree(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>a</p><script>var x = '<p>';</script><p>b</p>",
        "<style>p { color: red }</style>text",
        "<textarea><b>x</b></textarea>",
        "<title>a &amp; b</title>",
        "<iframe src='https://example.org/'></iframe>",
        "<noscript><p>no</p></noscript>",
        "<xmp><b></xmp>",
        "<p>a < b</p>",
        "<p>unclosed <b",
        "<!DOCTYPE html><p>x</p>",
        "<![CDATA[<p>x</p>]]>",
        "<?php echo 1 ?><p>x</p>",
        "<!---->x",
        "<!-->x-->",
        "<!-- a -- b -->x",
        "<!-- x --!>y",
        "<a href=https://example.org/x/>slash</a>",
        "<a href='https://example.org/?a=1&copy=2'>ref</a>",
        "<img alt='&ampx'>",
        "<p/ class=x>x</p>",
        "<a href='https://example.org/'title='t'>x</a>",
        "<p\vclass=x>x</p>",
        "</ p>x",
    ],
)
def test_unusual_markup_goes_to_html_parser(html: str) -> None:
    assert not takes_fast_path(html)
    assert_agree(html)


def test_scope_always_uses_html_parser() -> None:
    html = "<article>Teaser</article><article><p>Main story</p></article>"
    assert html_to_text_and_links(html, scope=("article", 1), page=True) == ("Main story", [])


def test_fast_path_is_flat_for_deep_nesting() -> None:
    html = "<div>" * 10_000 + "deep" + "</div>" * 10_000
    assert takes_fast_path(html)
    assert html_to_text_and_links(html) == ("deep", [])
    lists = "<ul><li>" * 2_000 + "x"
    assert takes_fast_path(lists)
    assert html_to_text_and_links(lists) == reference(lists)


def test_attribute_references_both_html_parser_versions_agree_on() -> None:
    # &amp; and numeric references read the same before and after the 2025
    # html.parser change; a bare "&b=" or "&copy=" does not.
    assert content._unescape_attr_html5("a=1&amp;b=2&#38;c&copy;") == "a=1&b=2&c©"
    assert content._unescape_attr_html5("a=1&copy=2&b=3&ampx") == "a=1&copy=2&b=3&ampx"
    html = '<a href="https://example.org/?a=1&amp;b=2">x</a>'
    assert takes_fast_path(html)
    assert html_to_text_and_links(html) == (
        "x [1]\n\nLinks:\n[1] https://example.org/?a=1&b=2", ["https://example.org/?a=1&b=2"]
    )


# -- generated markup --------------------------------------------------------------

_BITS = [
    "<p>", "</p>", "<P >", "</P>", "<div>", "</div>", "<ul>", "<ol>", "</ul>", "</ol>",
    "<li>", "</li>", "<li value='4'>", "<menu>", "<pre>", "</pre>", "<br>", "<br/>",
    "<BR />", "<hr>", "<p/>", "<li/>", "<a href='https://x.org/a'>", "<a HREF=https://x.org/b>",
    "<a href=\"https://x.org/a\" title='t'>", "<a href='/rel'>", "<a href='javascript:x'>",
    "<a href='mailto:m@x.org'>", "<a>", "<a href=''>", "<a href='https://x.org/c'/>", "</a>",
    "https://x.org/a", "<img alt='i  j'>", "<img alt>", "<img/>", "<table>", "<tr>", "<td>",
    "<th>", "</td>", "</tr>", "</table>", "<svg>", "</svg>", "<svg/>", "<nav>", "</nav>",
    "<head>", "</head>", "<b>", "</b>", "<o:p>", "</o:p>", "<!-- c -->", "<!-- <p> -->",
    "&amp;", "&lt;p&gt;", "&nbsp;", "&#1;", "&#x1b;[2J", "&copy", "&", "\x1b]8;;f\x07",
    "&#9;", "&Tab;", "&#13;", "&#x0c;", "&NewLine;", "&#11;", "&#x85;", "&#32;&#32;",
    "\u202e", "\xa0", "\r\n", "\n", "\t", "  ", " ", "[bold]", ">", "x", "Word", "é",
    # Bits the fast path leaves to html.parser:
    "<", "<script>", "</script>", "<title>", "<!---->", "<!DOCTYPE x>", "<a href=x/>",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_BITS),
            st.text(max_size=8),
            st.integers(0, 0x110000).map(lambda n: f"&#{n};"),
        ),
        max_size=40,
    ),
    st.booleans(),
)
def test_property_fast_equals_html_parser(bits: list[str], page: bool) -> None:
    html = "".join(bits)
    for base in (None, BASE):
        assert html_to_text_and_links(html, base, page=page) == reference(html, base, page=page)


# Issue 5's structure: headings, quotes (nested, around lists and <pre>), images
# that link out, mixed with the bits that break lines.
_STRUCTURE_BITS = [
    "<h1>", "</h1>", "<H2>", "</h2>", "<h3 id='x'>", "</h3>", "<h6>", "</h6>", "<h2/>",
    "<blockquote>", "</blockquote>", "<BLOCKQUOTE cite='https://x.org/q'>", "<blockquote/>",
    "<img alt='Cat' src='https://x.org/c.png'>", "<img alt=Dog src=/d.png>",
    "<img src='https://x.org/pixel.gif'>", "<img alt='J' src='javascript:x'>",
    "<img alt='D' src='data:image/png;base64,AA'>", "<img alt='M' src='mailto:m@x.org'>",
    "<img alt='Same' src='https://x.org/a'/>", "<a href='https://x.org/a'>", "</a>",
    "<p>", "</p>", "<br>", "<ul>", "<li>", "</ul>", "<pre>", "</pre>", "<div>", "</div>",
    "<script>", "</script>", "\n", " ", "x", "# not a heading", "> ", "&gt; ",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(_STRUCTURE_BITS), st.text(max_size=4)), max_size=40),
    st.booleans(),
)
def test_property_fast_equals_html_parser_on_structure(bits: list[str], page: bool) -> None:
    html = "".join(bits)
    for base in (None, BASE):
        for link_refs in (True, False):
            assert html_to_text_and_links(html, base, page=page, link_refs=link_refs) == (
                reference(html, base, page=page, link_refs=link_refs)
            )


def test_all_printable_characters_survive_clean_text() -> None:
    # _clean_converted skips clean_text's removal step for printable text:
    # that is only right while clean_text removes no printable character.
    printable = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isprintable())
    assert clean_text(printable) == printable


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(" \n\t\r\xa0&#\u2028\x1b\u200b\x85"),
                                  st.characters()), max_size=30))
def test_property_clean_converted_is_clean_text(text: str) -> None:
    assert content._clean_converted(text) == clean_text(text)


# -- shared corpus -------------------------------------------------------------------


def _shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip("shared corpus not available")
    return path


@pytest.mark.corpus
def test_agree_on_real_feeds() -> None:
    fallback = total = 0
    for path in sorted(_shared("corpus", "feeds", "real").iterdir()):
        for html in feed_html(path):
            for base in (None, BASE):
                assert html_to_text_and_links(html, base) == reference(html, base), path
            total += 1
            fallback += not takes_fast_path(html)
    assert total > 5_000
    assert fallback < total / 100  # real feed HTML is nearly all on the fast path


@pytest.mark.corpus
def test_agree_on_hostile_and_peer_suite() -> None:
    paths = sorted(_shared("corpus", "hostile").glob("*.xml"))
    paths += sorted(_shared("corpus", "feeds", "peer-suite").rglob("*.xml"))
    for path in paths:
        for html in feed_html(path):
            assert html_to_text_and_links(html, BASE) == reference(html, BASE), path


@pytest.mark.corpus
def test_agree_on_html_pages() -> None:
    for path in sorted(_shared("corpus", "articles", "html").rglob("*.html")):
        html = path.read_text(encoding="utf-8", errors="replace")
        assert html_to_text_and_links(html, BASE, page=True) == reference(
            html, BASE, page=True
        ), path


@pytest.mark.corpus
def test_agree_on_benchmark_feeds(tmp_path: Path) -> None:
    gen = _shared("bench", "gen_feeds.py")
    subprocess.run(
        [sys.executable, str(gen), "--feeds", "6", "--items", "25", "--out", str(tmp_path),
         "--quiet"],
        check=True,
    )
    bodies = [html for path in sorted(tmp_path.glob("feed-*.xml")) for html in feed_html(path)]
    assert len(bodies) >= 150
    for html in bodies:
        assert takes_fast_path(html)  # the speed of a refresh depends on it
        assert html_to_text_and_links(html, BASE) == reference(html, BASE)
