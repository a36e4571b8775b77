"""HTML to readable text: structure kept, active content and unsafe targets dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.content import LinkRefs, html_to_text, html_to_text_and_links
from newsreader.content import _reference_html_to_text_and_links as reference

SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_paragraphs_headings_and_breaks() -> None:
    html = "<h1>Title</h1><p>First <b>bold</b> para.</p><p>Second<br>line two</p>"
    assert html_to_text(html) == "# Title\n\nFirst bold para.\n\nSecond\nline two"


def test_whitespace_collapses_but_pre_is_kept() -> None:
    html = "<p>  many \n\n  spaces   here </p><pre>code\n    indented</pre>"
    assert html_to_text(html) == "many spaces here\n\ncode\n    indented"


def test_lists_ordered_unordered_nested() -> None:
    html = ("<p>Intro</p><ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul>"
            "<ol><li>first</li><li>second</li></ol><p>After</p>")
    assert html_to_text(html) == (
        "Intro\n\n- one\n- two\n  - inner\n\n1. first\n2. second\n\nAfter"
    )


def test_links_show_safe_targets_only() -> None:
    html = ('<p><a href="https://example.org/a">a link</a>, '
            '<a href="javascript:alert(1)">js</a>, '
            '<a href="java&#x09;script:alert(1)">tab js</a>, '
            '<a href="data:text/html,x">data</a>, '
            '<a href="file:///etc/passwd">file</a>, '
            '<a href="mailto:desk@example.org">mail us</a>, '
            '<a href="https://example.org/b">https://example.org/b</a>.</p>')
    assert html_to_text(html) == (
        "a link [1], js, tab js, data, file, mail us [2], https://example.org/b.\n\n"
        "Links:\n[1] https://example.org/a\n[2] mailto:desk@example.org"
    )


def test_relative_links_resolved_against_base_or_hidden() -> None:
    html = '<p>See <a href="/more">more</a>.</p>'
    assert html_to_text(html) == "See more."
    assert html_to_text(html, "https://news.example.org/feed/") == (
        "See more [1].\n\nLinks:\n[1] https://news.example.org/more"
    )


def test_link_numbers_in_first_seen_order_with_reuse() -> None:
    html = ('<p><a href="https://example.org/b">Bee</a> then <a href="https://example.org/a">Ay</a>'
            '</p><p>Bee again: <a href="https://example.org/b">here</a>, '
            '<a href="mailto:desk@example.org">desk</a>.</p>')
    text, links = html_to_text_and_links(html)
    assert text == (
        "Bee [1] then Ay [2]\n\nBee again: here [1], desk [3].\n\n"
        "Links:\n[1] https://example.org/b\n[2] https://example.org/a\n[3] mailto:desk@example.org"
    )
    assert links == ["https://example.org/b", "https://example.org/a", "mailto:desk@example.org"]
    assert html_to_text(html) == text


def test_unsafe_relative_and_overlong_targets_get_no_number() -> None:
    long = "https://example.org/" + "x" * 400
    html = ('<p><a href="javascript:alert(1)">js</a> <a href="ftp://example.org/f">ftp</a> '
            f'<a href="/rel">rel</a> <a href="{long}">long</a> '
            '<a href="https://example.org/ok">ok</a></p>')
    assert html_to_text_and_links(html) == (
        "js ftp rel long ok [1]\n\nLinks:\n[1] https://example.org/ok",
        ["https://example.org/ok"],
    )
    assert html_to_text_and_links("<p>no <b>links</b></p>") == ("no links", [])
    assert html_to_text_and_links("plain") == ("plain", [])
    assert html_to_text_and_links("") == ("", [])


def test_bare_url_needs_no_number() -> None:
    html = ('<p><a href="https://example.org/x">https://example.org/x</a> and '
            '<a href="https://example.org/y/">https://example.org/y</a> and '
            '<a href="mailto:desk@example.org">desk@example.org</a></p>')
    assert html_to_text_and_links(html) == (
        "https://example.org/x and https://example.org/y and desk@example.org", []
    )


def test_image_inside_link_keeps_alt_and_number() -> None:
    html = '<p><a href="https://example.org/photo"><img src="p.jpg" alt="The quay"></a></p>'
    assert html_to_text(html) == "[image: The quay] [1]\n\nLinks:\n[1] https://example.org/photo"


def test_link_refs_off_for_one_line_html() -> None:
    html = 'Read <a href="https://example.org/a">this</a> now'
    assert html_to_text_and_links(html, link_refs=False) == ("Read this now", [])


def test_link_refs_helper() -> None:
    refs = LinkRefs()
    assert refs.block() == "" and refs.append_to("body") == "body"
    assert [refs.number(u) for u in ("https://a.example", "https://b.example",
                                     "https://a.example")] == [1, 2, 1]
    assert len(refs) == 2 and refs.urls == ["https://a.example", "https://b.example"]
    assert refs.append_to("body") == (
        "body\n\nLinks:\n[1] https://a.example\n[2] https://b.example"
    )


def test_images_alt_text_and_tracking_pixels() -> None:
    html = '<p>Before</p><img src="a.jpg" alt="A  harbour\nview"><img src="pixel.gif" width="1">'
    assert html_to_text(html) == "Before\n\n[image: A harbour view]"


def test_script_style_and_friends_dropped() -> None:
    html = ("<style>p{color:red}</style><script>alert('x')</script><p>Text</p>"
            "<noscript>enable js</noscript><iframe src='x'>frame</iframe><template>t</template>")
    assert html_to_text(html) == "Text"


def test_tables_rows_on_lines() -> None:
    html = "<table><tr><th>City</th><th>Temp</th></tr><tr><td>Oslo</td><td>-3</td></tr></table>"
    assert html_to_text(html) == "City  Temp\nOslo  -3"


def test_entities_markup_and_escapes() -> None:
    html = "<p>Fish &amp; chips &lt;b&gt; [bold]x[/bold] &#x1b;[2Jafter \u202eevil</p>"
    assert html_to_text(html) == "Fish & chips <b> [bold]x[/bold] after evil"


def test_plain_text_passes_through() -> None:
    assert html_to_text("Just text.\r\n\r\n\r\nNext.") == "Just text.\n\nNext."
    assert html_to_text("") == ""


def test_broken_markup_never_raises() -> None:
    for html in ("<p>unclosed <b>bold <i>italic", "</p></div>stray end tags", "<a href=>x</a>",
                 "<<<>>>", "<!-- unterminated comment", "<![CDATA[x]]>", "<p attr='x>y</p>"):
        assert isinstance(html_to_text(html), str)


def test_ten_thousand_nested_divs_keep_their_text() -> None:
    # lxml (and so inscriptis) silently drops text nested deeper than 255 elements.
    assert html_to_text("<div>" * 10_000 + "deep" + "</div>" * 10_000) == "deep"
    assert html_to_text("<div>" * 10_000 + "never closed") == "never closed"
    assert html_to_text("<ul><li>" * 2_000 + "x").endswith("- x")


def test_large_item_converts() -> None:
    html = "".join(
        f"<p>Paragraph {i} with <a href='https://example.org/{i}'>a link</a> and <b>bold</b>.</p>"
        for i in range(1_200)
    )
    assert len(html) > 100_000
    text = html_to_text(html)
    assert text.count("\n\n") == 1_200  # 1,200 paragraphs, then the Links block
    assert "Paragraph 1199 with a link [1200] and bold." in text
    assert text.endswith("\n[1200] https://example.org/1199")


def test_scope_and_page_mode() -> None:
    html = ("<nav>Menu</nav><article>Teaser</article><article><p>Main story</p>"
            "<aside>Related</aside></article><footer>Footer</footer>")
    assert html_to_text(html, scope=("article", 1), page=True) == "Main story"
    assert html_to_text(html, page=True) == "Teaser\n\nMain story"


@pytest.mark.corpus
def test_hostile_nested_divs_feed_from_corpus() -> None:
    path = SHARED / "corpus" / "hostile" / "deeply-nested-html-10000-divs.xml"
    if not path.exists():
        pytest.skip("shared corpus not available")
    from newsreader.sources import load_source

    result = load_source(str(path))
    assert not result.errors
    texts = [a.text for a in result.articles]
    assert "deep" in texts and "never closed" in texts


_html_bits = st.lists(
    st.one_of(
        st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<ul>", "<li>", "</ul>", "<ol>",
                         "<pre>", "</pre>", "<br>", "<a href='https://x.org/a'>", "</a>",
                         "<a href='javascript:x'>", "<script>", "</script>", "<img alt='i'>",
                         "<table><tr><td>", "&amp;", "&#x1b;[2J", "\x1b]8;;f\x07", "<!--",
                         "\u202e", "\r\n", "  ", "[bold]", "<", ">", "&"]),
        st.text(max_size=20),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(_html_bits)
def test_property_any_markup_gives_clean_text(bits: list[str]) -> None:
    text = html_to_text("".join(bits))
    assert not re.search(
        "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]", text
    )
    assert "\n\n\n" not in text and "\r" not in text
    assert text == text.strip("\n")


# -- structure (issue 5): headings, quotes, images that link out --------------------


def test_headings_keep_their_level_as_hash_marks() -> None:
    html = "".join(f"<h{n}>Level <i>{n}</i></h{n}>" for n in range(1, 7)) + "<p>Body</p>"
    assert html_to_text(html) == (
        "# Level 1\n\n## Level 2\n\n### Level 3\n\n#### Level 4\n\n"
        "##### Level 5\n\n###### Level 6\n\nBody"
    )


def test_empty_heading_leaves_no_line_and_heading_lines_each_marked() -> None:
    assert html_to_text("<p>a</p><h2> </h2><h2></h2><p>b</p>") == "a\n\nb"
    assert html_to_text("<h3>One<br>Two</h3>after") == "### One\n### Two\n\nafter"


def test_quote_lines_start_with_marks_nested_quotes_with_two() -> None:
    html = (
        "<p>Before</p><blockquote><p>Said <b>this</b>.</p><p>And<br>that.</p>"
        "<blockquote><p>Inner</p></blockquote><p>Outer again</p></blockquote><p>After</p>"
    )
    assert html_to_text(html) == (
        "Before\n\n> Said this.\n>\n> And\n> that.\n>\n> > Inner\n>\n> Outer again\n\nAfter"
    )


def test_quote_marks_every_line_of_pre_list_and_heading_inside() -> None:
    html = "<blockquote><h2>Head</h2><ul><li>one</li></ul><pre>a\n  b</pre></blockquote>"
    assert html_to_text(html) == "> ## Head\n>\n> - one\n>\n> a\n>   b"


def test_empty_and_unclosed_quotes() -> None:
    assert html_to_text("<p>a</p><blockquote> </blockquote><p>b</p>") == "a\n\nb"
    assert html_to_text("</blockquote><p>a</p>") == "a"  # a stray end tag changes nothing
    assert html_to_text("<blockquote>open to the end") == "> open to the end"


def test_marks_in_the_data_are_text_not_structure() -> None:
    # "#" and ">" typed in a paragraph stay as they are; nothing is escaped or added.
    assert html_to_text("<p># 1 fan</p><p>&gt; quoted</p>") == "# 1 fan\n\n> quoted"


def test_image_with_web_source_links_out() -> None:
    html = (
        '<p>See <a href="https://x.org/story">the story</a>.</p>'
        '<img src="/pics/cat.jpg" alt="A  cat"><img src="https://x.org/story" alt="Same">'
    )
    text, links = html_to_text_and_links(html, "https://x.org/feed")
    assert text == (
        "See the story [1].\n\n[image: A cat] [2] [image: Same] [1]\n\n"
        "Links:\n[1] https://x.org/story\n[2] https://x.org/pics/cat.jpg"
    )
    assert links == ["https://x.org/story", "https://x.org/pics/cat.jpg"]


@pytest.mark.parametrize(
    "src",
    ["javascript:alert(1)", "data:image/png;base64,AAAA", "mailto:a@x.org", "ftp://x.org/a.png",
     "", "/relative.png", "https://x.org/" + "a" * 400],
)
def test_image_without_web_source_has_no_number(src: str) -> None:
    # Relative without a base cannot be opened; absurdly long is tracking noise.
    text, links = html_to_text_and_links(f'<img alt="Pic" src="{src}">')
    assert (text, links) == ("[image: Pic]", [])


def test_image_without_alt_stays_out_even_with_a_source() -> None:
    assert html_to_text_and_links('<p>x<img src="https://t.example/p.gif"></p>') == ("x", [])


def test_image_number_not_given_without_link_refs() -> None:
    html = '<img alt="Pic" src="https://x.org/p.png">'
    assert html_to_text_and_links(html, link_refs=False) == ("[image: Pic]", [])


def test_image_source_never_carries_escapes() -> None:
    text, links = html_to_text_and_links('<img alt="P\x1b[2J" src="https://x.org/\x1b[2J.png">')
    assert "\x1b" not in text and not any("\x1b" in link for link in links)


def test_deep_quotes_cost_a_bounded_prefix_per_line() -> None:
    # 10,000 nested quotes around 2,000 paragraphs: "> " * 10,000 on every line
    # would be 40 MB of marks; deeper than the cap they are shown at the cap.
    html = "<blockquote>" * 10_000 + "<p>x</p>" * 2_000
    for convert in (html_to_text, lambda h: reference(h)[0]):
        text = convert(html)
        lines = text.split("\n")
        assert lines[0] == "> " * 8 + "x"
        assert len(text) < 2_000 * 40
