"""load_source on feeds, local articles, folders and bad input (all offline fixtures)."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.models import Article, LoadResult
from newsreader.sources import load_source, load_sources, parse_feed_bytes
from newsreader.sources.common import MAX_BYTES, LoadFailure
from newsreader.sources.feeds import prepare_xml
from newsreader.sources.mdfile import markdown_to_text_and_links

FIX = Path(__file__).resolve().parent / "fixtures" / "sources"
DANGEROUS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def load(name: str) -> LoadResult:
    return load_source(str(FIX / name))


def only_article(result: LoadResult) -> Article:
    assert not result.errors, result.errors
    assert len(result.articles) == 1
    return result.articles[0]


def error_reason(result: LoadResult) -> str:
    assert not result.articles
    assert len(result.errors) == 1
    reason = result.errors[0].reason
    assert "\n" not in reason and len(reason) <= 200
    return reason


def assert_safe(article: Article) -> None:
    for value in (article.title, article.source_name, article.author or "", article.id,
                  article.link or "", article.caption or ""):
        assert not DANGEROUS.search(value), value
        assert "\n" not in value and "\t" not in value
    body = article.text.replace("\n", "").replace("\t", "")
    assert not DANGEROUS.search(body)


# -- feeds --------------------------------------------------------------------------


def test_rss2_items() -> None:
    result = load("rss2.xml")
    assert not result.errors and not result.warnings
    first, second, untitled, undated = result.articles
    assert first.id == "gazette-1001"
    assert first.title == "Ferry timetable changes from Monday"
    assert first.published == datetime(2025, 3, 3, 7, 30, tzinfo=UTC)
    assert first.published.tzinfo is not None
    assert first.author == "Maria Lindqvist"
    assert first.link == "https://gazette.example.org/news/ferry-timetable"
    assert first.source == str(FIX / "rss2.xml")
    assert first.source_name == "Harbour Town Gazette"
    # Full content preferred over the description, structure kept, script gone.
    assert not first.summary_only
    assert first.text == (
        "## New times\n\nThe harbour authority said on Friday that the new timetable "
        "[1] starts on Monday.\n\n"
        "- First ferry 06:10\n- Last ferry 23:40\n\nTickets stay the same price.\n\n"
        "[image: The morning ferry] [2]\n\n"
        "Links:\n[1] https://harbour.example.org/timetable\n"
        "[2] https://gazette.example.org/ferry.jpg"  # the image links out
    )
    assert second.summary_only
    assert second.id == "https://gazette.example.org/news/library-hours"
    assert second.text == "The town library will open until 21:00 on weekdays."
    # No title: the first words of the text; no guid: the link is the id.
    assert untitled.title.startswith("A title-less note: the market square is closed")
    assert untitled.title.endswith("…")
    assert untitled.id == "https://gazette.example.org/notes/market-square"
    # No date is never "now"; no guid and no link: a hash of title + date.
    assert undated.published is None
    assert undated.id.startswith("sha256:")
    assert load("rss2.xml").articles[3].id == undated.id  # stable across loads


def test_rss1_rdf() -> None:
    result = load("rss1.rdf")
    assert not result.errors
    a, b = result.articles
    assert a.source_name == "Science Notes"
    assert a.title == "Coral reefs recover after cool summer"
    assert a.author == "J. Okafor"
    assert a.published == datetime(2024, 11, 5, 10, 0, tzinfo=UTC)
    assert b.published == datetime(2024, 11, 4, 7, 15, tzinfo=UTC)
    assert b.text == ""


def test_atom_html_title_content_and_plain_text() -> None:
    result = load("atom.xml")
    assert not result.errors
    html_entry, text_entry = result.articles
    assert html_entry.source_name == "Valley Weekly"  # type="html" title rendered, not shown raw
    assert html_entry.author == "Sam Oduya"
    assert html_entry.published == datetime(2025, 1, 9, 21, 45, tzinfo=UTC)
    assert not html_entry.summary_only
    # Relative link target in a local file: not openable, so not shown.
    assert html_entry.text == (
        "The river bridge reopened on Thursday.\n\n1. Cars: yes\n2. Lorries: from March\n\n"
        "See the map."
    )
    assert text_entry.text == "Line one of plain content.\n\nSecond paragraph <b>not markup</b>."
    assert text_entry.published == datetime(2025, 1, 8, 7, 0, tzinfo=UTC)  # updated, no published


def test_json_feed_1_1() -> None:
    result = load("jsonfeed.json")
    assert not result.errors
    assert [w.reason for w in result.warnings] == ["skipped 1 items that are not JSON objects"]
    html_item, text_item, summary_item = result.articles
    assert html_item.source_name == "Orchard Blog"
    assert html_item.id == "post-3"
    assert html_item.author == "Tomás Reyes"
    assert html_item.published == datetime(2025, 2, 1, 9, 0, tzinfo=UTC)
    assert html_item.text == (
        "Prune apple trees while they are dormant.\n\n"
        "Read the guide [1].\n\nLinks:\n[1] https://orchard.example.com/guide"
    )
    assert text_item.id == "2"
    assert text_item.author == "Ines Carvalho"  # the feed's author
    assert text_item.text == "The new seed catalogue is out.\n\nOrders open in March."
    assert summary_item.summary_only
    assert summary_item.link == "https://elsewhere.example.com/story"
    assert summary_item.title == "A short summary only."


def test_json_feed_1_0() -> None:
    article = only_article(load("jsonfeed-1.0.json"))
    assert article.title == "Version one item"
    assert article.author == "Ada Byron"
    assert article.published == datetime(2019, 5, 1, 12, 0, tzinfo=UTC)


def test_relative_links_local_and_fetched() -> None:
    local = only_article(load("relative-links.xml"))
    assert local.link == "/stories/relative-item"  # kept relative: nothing to resolve against
    assert local.text == "See more and elsewhere [1].\n\nLinks:\n[1] https://other.example.org/x"
    data = (FIX / "relative-links.xml").read_bytes()
    fetched = parse_feed_bytes(data, "https://rel.example.org/feed.xml")
    article = fetched.articles[0]
    assert article.link == "https://rel.example.org/stories/relative-item"
    assert article.source == "https://rel.example.org/feed.xml"
    assert article.text == (
        "See more [1] and elsewhere [2].\n\n"
        "Links:\n[1] https://rel.example.org/more\n[2] https://other.example.org/x"
    )


def test_hostile_strings_are_neutralised() -> None:
    result = load("hostile.xml")
    assert not result.errors
    assert len(result.articles) == 2
    for article in result.articles:
        assert_safe(article)
    first, second = result.articles
    assert first.source_name == "Hostile Channel"
    assert first.title == "ANSI clear and link text end"  # OSC 8 target gone, text kept
    assert first.link is None  # javascript:
    assert first.author == "evil@example.invalid (gpj.exe)"
    assert "[link=file:///etc/passwd]x[/link]" in first.text  # literal, never markup
    assert "bidi txt.exe zerowidth" in first.text
    assert second.title == "Raw ESC red and NUL byte"
    assert "Y3VybCBldmlsIHwgc2g" not in second.text  # the OSC 52 payload
    assert "isolate x done" in second.text


def test_duplicate_guids_get_distinct_ids(tmp_path: Path) -> None:
    feed = tmp_path / "dupes.rss"
    feed.write_text(
        "<rss version='2.0'><channel><title>D</title>"
        "<item><guid>X</guid><title>one</title></item>"
        "<item><guid>X</guid><title>two</title></item>"
        "<item><guid>X</guid><title>one</title></item>"
        "</channel></rss>", encoding="utf-8")
    articles = load_source(str(feed)).articles
    assert [a.title for a in articles] == ["one", "two"]  # exact repeat dropped
    assert articles[0].id == "X"
    assert articles[1].id.startswith("X#")
    assert load_source(str(feed)).articles[1].id == articles[1].id


def test_implausible_dates_are_unknown(tmp_path: Path) -> None:
    items = "".join(
        f"<item><guid>{i}</guid><title>t{i}</title><pubDate>{d}</pubDate></item>"
        for i, d in enumerate(["Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
                               "1640995200", "not a date", "-0044-03-15",
                               "Sun, 26 Dec 2021 06:05:00 +0200"])
    )
    feed = tmp_path / "dates.xml"
    feed.write_text(f"<rss version='2.0'><channel><title>D</title>{items}</channel></rss>")
    dates = [a.published for a in load_source(str(feed)).articles]
    assert dates == [None, None, None, None, None, datetime(2021, 12, 26, 4, 5, tzinfo=UTC)]


def test_gzip_feed_under_xml_name(tmp_path: Path) -> None:
    packed = tmp_path / "packed.xml"
    packed.write_bytes(gzip.compress((FIX / "rss2.xml").read_bytes()))
    assert [a.title for a in load_source(str(packed)).articles] == [
        a.title for a in load("rss2.xml").articles
    ]


def test_gzip_bomb_stops_at_the_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(gzip.compress(b"<rss>" + b" " * (MAX_BYTES + 1000), compresslevel=9))
    assert bomb.stat().st_size < 100_000
    assert error_reason(load_source(str(bomb))).startswith("feed too large")


def test_feed_too_large() -> None:
    with pytest.raises(LoadFailure, match="feed too large"):
        prepare_xml(b"<rss>" + b" " * MAX_BYTES)
    result = parse_feed_bytes(b"<rss>" + b" " * MAX_BYTES, "https://big.example/feed")
    assert error_reason(result).startswith("feed too large")


@pytest.mark.parametrize("name", ["billion-laughs-entity-expansion.xml",
                                  "quadratic-blowup-entity.xml"])
def test_entity_bombs_never_expand(name: str) -> None:
    data = (FIX / name).read_bytes()
    prepared = prepare_xml(data)
    assert b"<!ENTITY" not in prepared and b"<!DOCTYPE" not in prepared
    result = load(name)
    assert not result.errors
    for article in result.articles:
        # Expanded, these would be megabytes (quadratic) or gigabytes (billion laughs).
        assert len(article.text) < 50_000 and len(article.title) <= 500
        assert "lollollol" not in article.text and "A" * 500 not in article.text


def test_doctype_without_subset_is_kept() -> None:
    data = (b'<?xml version="1.0"?>\n'
            b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x">\n<rss/>')
    assert b"<!DOCTYPE rss PUBLIC" in prepare_xml(data)


def test_utf16_feed_with_entity_bomb_is_defused() -> None:
    doc = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE rss [<!ENTITY a "aaaa">]>'
           "<rss version='2.0'><channel><title>U</title><item><title>&a;&a;</title></item>"
           "</channel></rss>")
    prepared = prepare_xml(doc.encode("utf-16"))
    assert b"<!ENTITY" not in prepared and b"UTF-16" not in prepared
    result = parse_feed_bytes(doc.encode("utf-16"), "https://u.example/")
    assert [a.source_name for a in result.articles] == ["U"]


def test_feedparser_never_opens_a_path_given_as_content() -> None:
    # Given bytes, feedparser would try them as a file name first.
    result = parse_feed_bytes(str(FIX / "rss2.xml").encode(), "https://evil.example/feed")
    assert not result.articles
    assert error_reason(result).startswith("not a feed")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "not a feed (empty file)"),
        (b"  \n\t \n", "not a feed (empty file)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a feed (PNG image, not text)"),
        (b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>",
         "not a feed (an HTML page)"),
        (b"<?xml version='1.0'?><notafeed><x/></notafeed>", "not a feed ("),
        (b"<?xml version='1.0'?><opml version='2.0'><body/></opml>", "not a feed (an OPML"),
        (b"this is not xml at all", "not a feed ("),
    ],
)
def test_not_a_feed(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    assert error_reason(load_source(str(path))).startswith(expected)


def test_valid_feed_without_items_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "empty-feed.rss"
    path.write_text("<?xml version='1.0'?><rss version='2.0'><channel><title>E</title>"
                    "</channel></rss>")
    result = load_source(str(path))
    assert not result.errors and not result.articles
    assert [w.reason for w in result.warnings] == ["feed has no items"]


def test_bozo_feed_with_items_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "bozo.rss"
    path.write_text("<rss version='2.0'><channel><title>B & B</title>"
                    "<item><title>still read</title></item></channel></rss>")
    result = load_source(str(path))
    assert [a.title for a in result.articles] == ["still read"]
    assert len(result.warnings) == 1 and "not well-formed" in result.warnings[0].reason


def test_json_not_a_feed_over_http_and_records_locally() -> None:
    data = (FIX / "records.json").read_bytes()
    assert error_reason(parse_feed_bytes(data, "https://x.example/")).startswith("not a feed")


def test_deeply_nested_json_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"version": "https://jsonfeed.org/version/1.1", "items": '
                    + "[" * 100_000 + "]" * 100_000 + "}")
    assert error_reason(load_source(str(path))).startswith("invalid JSON")


# -- local article files ---------------------------------------------------------------


def test_seed_article() -> None:
    expected = {
        "title": "Egypt, Russia to reach combat extremist activities agreement",
        "published": "2021-12-26T06:05:00+00:00",
    }
    article = only_article(load("egypt-russia-2021.txt"))
    assert article.title == expected["title"]
    assert article.published is not None
    assert article.published.isoformat() == expected["published"]
    assert article.caption == "The Russian ambassador"
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 8
    assert article.text.startswith("CAIRO - 26 December 2021:")
    assert "Russia and Egypt are close partners" in paragraphs[0]
    assert paragraphs[-1].startswith("The Russian ambassador stressed that the joint exercises bet")
    assert not any(p.strip() == "The Russian ambassador" for p in paragraphs)
    assert "Leave a Comment" not in article.text and "Be Social" not in article.text
    assert "GMT" not in article.text
    assert article.source == str(FIX / "egypt-russia-2021.txt")
    assert article.source_name == "sources"
    assert article.id.startswith("sha256:")


def test_local_id_is_a_content_hash_not_a_path(tmp_path: Path) -> None:
    copy = tmp_path / "renamed.txt"
    shutil.copy(FIX / "egypt-russia-2021.txt", copy)
    assert only_article(load_source(str(copy))).id == only_article(
        load("egypt-russia-2021.txt")).id


def test_bbc_style_article() -> None:
    article = only_article(load("bbc-style.txt"))
    assert article.title == "Council votes to keep 'village green' status"
    assert article.published is None
    assert article.caption is None
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[1].endswith(" - The field will stay open to the public\n"
                                  " - Parking on the grass stays banned")


def test_wire_style_caption_is_not_the_title() -> None:
    article = only_article(load("wire-style.txt"))
    assert article.title == "wire-style"  # first block is a caption sentence
    assert article.caption.startswith("1 of 3. Workers repair the sea wall")
    assert article.text.startswith("PORTSMOUTH, England (Reuters) - Engineers began")
    assert "1 of 3" not in article.text


@pytest.mark.parametrize(
    ("content", "title", "published", "text"),
    [
        # UTF-8 BOM and CRLF
        ("\ufeffTitle after BOM\r\n\r\n\r\nSun, 26 Dec 2021 - 06:05 GMT\r\n\r\n"
         "CAIRO - 26 December 2021: Body.\r\n".encode(), "Title after BOM",
         datetime(2021, 12, 26, 6, 5, tzinfo=UTC), "CAIRO - 26 December 2021: Body."),
        # UTF-16 with BOM
        ("Wide title\n\nBody text here.\n".encode("utf-16"), "Wide title", None,
         "Body text here."),
        # cp1252 fallback ("£" is 0xA3), NUL and ANSI removed, markup literal
        (b"Price \x1b[31mrise\x1b[0m\n\nIt costs \xa35 [bold]now[/bold]\x00.\n",
         "Price rise", None, "It costs £5 [bold]now[/bold]."),
        # repeated blocks collapse, boilerplate removed from the end
        (b"Repeat\n\nSame para.\n\nSame para.\n\nEnd para.\n\nRelated\n\nShare\n",
         "Repeat", None, "Same para.\n\nEnd para."),
        # a first block that ends with a full stop is body text, not a title
        (b"This is a sentence, not a headline.\n\nMore text.\n", "given", None,
         "This is a sentence, not a headline.\n\nMore text."),
        # wire dateline
        (b"Ebola case in Glasgow\n\nLONDON (Reuters) - A healthcare worker fell ill.\n",
         "Ebola case in Glasgow", None, "LONDON (Reuters) - A healthcare worker fell ill."),
        # Wikinews-style date line: dates the article, stays in the body
        (b"Bridge opens\n\nMonday, July 28, 2014\n\nThe bridge opened.\n", "Bridge opens",
         datetime(2014, 7, 28, tzinfo=UTC), "Monday, July 28, 2014\n\nThe bridge opened."),
    ],
)
def test_text_article_variants(tmp_path: Path, content: bytes, title: str,
                               published: datetime | None, text: str) -> None:
    path = tmp_path / "given.txt"
    path.write_bytes(content)
    article = only_article(load_source(str(path)))
    assert (article.title, article.published, article.text) == (title, published, text)
    assert_safe(article)


def test_long_single_line_gets_file_name_title(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    path.write_text("x" * 10_000)
    article = only_article(load_source(str(path)))
    assert article.title == "one-line"
    assert len(article.text) == 10_000


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\n\n\nLeave a Comment\n\nBe Social"])
def test_empty_article(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert error_reason(load_source(str(path))) == "empty article"


def test_markdown_article() -> None:
    article = only_article(load("article.md"))
    assert article.title == "Spring planting guide"
    assert article.author == "Noor Haddad"
    assert article.published == datetime(2025, 3, 1, tzinfo=UTC)
    # The title's "# " heading is taken out; the "## " sub-heading stays one.
    assert "# Spring" not in article.text and "**" not in article.text
    assert article.text == (
        "Some intro text before the heading.\n\n"
        "Plant peas and broad beans as soon as the soil can be worked.\n\n"
        "## What you need\n\n- A spade\n"
        "- Seeds from the seed library [1]\n- Patience\n\n"
        "1. Dig\n2. Sow\n\ncode stays as is\n\n"
        "Links:\n[1] https://seeds.example.org/library"
    )


def test_markdown_links_numbered() -> None:
    md = ("See [the map](https://example.org/map) and [the list](https://example.org/list).\n\n"
          "Map again: [here](https://example.org/map). Bare: <https://example.org/bare>. "
          "FTP: [ftp](ftp://example.org/f). Local: [rel](/x).\n")
    text, links = markdown_to_text_and_links(md)
    assert text == (
        "See the map [1] and the list [2].\n\n"
        "Map again: here [1]. Bare: https://example.org/bare. FTP: ftp. Local: rel.\n\n"
        "Links:\n[1] https://example.org/map\n[2] https://example.org/list"
    )
    assert links == ["https://example.org/map", "https://example.org/list"]


def test_markdown_without_heading_uses_first_line(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("Market day moved\nto Thursday this week.\n\nSecond *para*.\n")
    article = only_article(load_source(str(path)))
    assert article.title == "Market day moved"
    assert article.text == "to Thursday this week.\n\nSecond para."


def test_html_article() -> None:
    article = only_article(load("article.html"))
    assert article.title == "Night trains return to the coast"
    assert article.published == datetime(2025, 2, 20, 18, 30, tzinfo=UTC)
    assert article.author == "Lena Fischer"
    assert article.link == "https://rail.example.com/2025/night-trains"
    assert article.source_name == "rail.example.com"  # no site name: the canonical host
    assert article.text == (
        "Overnight services will run again from May, the operator said on Wednesday.\n\n"
        "Tickets go on sale next week on the booking page [1].\n\n"
        "Links:\n[1] https://rail.example.com/tickets"
    )


def test_html_page_without_article_uses_body_minus_chrome(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(
        b"<html><head><meta charset='windows-1252'></head><body><nav>Menu</nav>"
        b"<h1>Caf\xe9 opens</h1><p>Time: <time datetime='2024-05-06T07:08:09Z'>today</time></p>"
        b"<footer>Legal</footer></body></html>")
    article = only_article(load_source(str(path)))
    assert article.title == "Café opens"
    assert article.published == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert article.text == "Time: today"
    assert article.source_name == tmp_path.name  # says nothing of its site: the folder


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("<meta property='og:site_name' content='The Coast Courier'>", "The Coast Courier"),
        ("<meta name='application-name' content='Courier'>"
         "<link rel='canonical' href='https://www.courier.example/a'>", "Courier"),
        ("<link rel='canonical' href='https://www.courier.example/a'>", "courier.example"),
        # A URL where a name belongs is not a name; the host still is.
        ("<meta property='og:site_name' content='https://evil.example/'>"
         "<link rel='canonical' href='https://courier.example/a'>", "courier.example"),
        ("<meta property='og:site_name' content='[bold]Cour\x1b[31mier'>", "[bold]Courier"),
    ],
)
def test_html_page_source_name_is_the_site(tmp_path: Path, head: str, expected: str) -> None:
    path = tmp_path / "saved" / "page.html"
    path.parent.mkdir()
    path.write_text(f"<html><head>{head}<title>T</title></head><body><p>Words.</p></body></html>")
    assert only_article(load_source(str(path))).source_name == expected


def test_json_records() -> None:
    result = load("records.json")
    assert not result.errors
    assert [w.reason for w in result.warnings] == ["skipped 1 bad records or lines"]
    full, truncated = result.articles
    assert full.title == "Harvest festival draws record crowd"
    assert full.text == "More than 5,000 people visited.\n\nOrganisers thanked volunteers."
    assert full.published == datetime(2024, 9, 21, 15, 0, tzinfo=UTC)
    assert full.link == "https://fair.example.org/harvest"
    assert full.author == "Kofi Mensah"
    assert full.source_name == "Fair News"
    assert not full.summary_only
    assert truncated.summary_only
    assert truncated.text == "The first part of the story is here…"
    assert truncated.published == datetime(2024, 9, 20, tzinfo=UTC)


def test_jsonl_records_case_insensitive_keys_and_bad_lines() -> None:
    result = load("records.jsonl")
    assert not result.errors
    assert [w.reason for w in result.warnings] == ["skipped 2 bad records or lines"]
    vg, html = result.articles
    assert vg.title == "Ferja går igjen"
    assert vg.published == datetime(2023, 10, 9, tzinfo=UTC)
    assert vg.text.startswith("FERJA: Den første avgangen")  # repeated headline dropped
    assert html.text == "HTML content here."
    assert html.published == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_json_without_records_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"unrelated": 1}))
    assert error_reason(load_source(str(path))).startswith("no articles in JSON")
    path.write_text("{broken")
    assert error_reason(load_source(str(path))).startswith("invalid JSON")


# -- folders, paths, URLs ------------------------------------------------------------------


def test_folder_recursive_sorted_with_skips_and_errors(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    shutil.copytree(FIX / "folder", folder)
    (folder / "zz-dangling.txt").symlink_to(tmp_path / "does-not-exist.txt")
    result = load_source(str(folder))
    assert [a.title for a in result.articles] == [
        "Council votes to keep 'village green' status",  # a-bbc.txt
        "Spring planting guide",  # b-article.md
        "c-wire",  # sub/c-wire.txt, after the top folder's files
    ]
    assert [a.source_name for a in result.articles] == ["folder", "folder", "sub"]
    errors = {Path(e.source).name: e.reason for e in result.errors}
    assert errors == {
        "broken.xml": "not a feed (PNG image, not text)",
        "zz-dangling.txt": "no such file",
    }
    loaded = {Path(a.source).name for a in result.articles}
    assert not loaded & {"README.md", "SOURCES.txt", ".hidden.txt", "x.txt", "photo.jpg"}


def test_sample_feeds_load_cleanly(sample_feeds: Path) -> None:
    result = load_source(str(sample_feeds))
    assert not result.errors
    assert len(result.articles) >= 5
    for article in result.articles:
        assert article.title and article.text
        assert_safe(article)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("/definitely/not/here.xml", "no such file"),
        ("ftp://example.org/feed.xml", "unsupported URL scheme 'ftp' (only http and https)"),
        ("file:///etc/passwd", "unsupported URL scheme 'file' (only http and https)"),
        ("javascript:alert(1)", "unsupported URL scheme 'javascript' (only http and https)"),
        ("", "empty source name"),
    ],
)
def test_bad_specs(spec: str, expected: str) -> None:
    assert error_reason(load_source(spec)) == expected


def test_load_sources_merges_and_keeps_going() -> None:
    result = load_sources([str(FIX / "rss1.rdf"), "/nope", str(FIX / "jsonfeed.json")])
    assert len(result.articles) == 5
    assert [e.source for e in result.errors] == ["/nope"]
    assert len(result.warnings) == 1


def test_importing_sources_is_cheap() -> None:
    code = ("import sys, newsreader.sources; "
            "print(sorted(m for m in ('feedparser', 'httpx', 'inscriptis', 'markdown_it', "
            "'lxml', 'textual') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unlistable_subfolder_is_an_error_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod cannot lock out root (tests may run as root), so make listing fail instead.
    real_scandir = os.scandir

    def scandir(path: str = ".") -> object:
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = load_source(str(FIX / "folder"))
    assert len(result.articles) == 2
    assert (str(FIX / "folder" / "sub"), "permission denied") in [
        (e.source, e.reason) for e in result.errors
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)  # reading it would block forever
    assert error_reason(load_source(str(fifo))) == "not a regular file"
