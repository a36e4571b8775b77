"""OPML import and export: round trip, damaged lists, hostile lists."""

from __future__ import annotations

from pathlib import Path

from newsreader.sources.opml import OpmlFeed, read_opml, read_opml_file, write_opml


def test_round_trip_keeps_tags_as_folders_and_categories() -> None:
    feeds = [
        OpmlFeed("https://a.example/feed", "A", ("News", "World"), "https://a.example/"),
        OpmlFeed("https://b.example/rss", "B & Co <x>", ("Tech",)),
        OpmlFeed("https://c.example/atom", "C", ()),
        OpmlFeed("https://d.example/feed", "D", ("News",)),
    ]
    data = write_opml(feeds, title="Mine")
    back = read_opml(data)
    assert back.problems == []
    assert back.title == "Mine"
    # Export groups feeds by folder; each feed comes back whole.
    assert sorted(back.feeds, key=lambda f: f.url) == sorted(feeds, key=lambda f: f.url)
    text = data.decode("utf-8")
    assert '<outline text="News" title="News">' in text
    assert 'category="/News,/World"' in text


def test_nested_folders_and_categories_become_tags() -> None:
    data = b"""<?xml version="1.0"?><opml version="2.0"><head><title>L</title></head><body>
      <outline text="Tech"><outline text="Blogs">
        <outline type="rss" text="One" xmlUrl="https://one.example/feed" category="/x/y,z"/>
      </outline></outline>
      <outline type="rss" text="Two" xmlURL="https://two.example/feed"/>
    </body></opml>"""
    result = read_opml(data)
    assert result.problems == []
    assert [(f.url, f.title, f.tags) for f in result.feeds] == [
        ("https://one.example/feed", "One", ("Tech", "Blogs", "x/y", "z")),
        ("https://two.example/feed", "Two", ()),
    ]


def test_duplicates_are_skipped_and_merge_tags() -> None:
    data = b"""<opml version="1.0"><body>
      <outline text="A"><outline type="rss" text="F" xmlUrl="https://f.example/"/></outline>
      <outline text="B"><outline type="rss" text="F again" xmlUrl="https://f.example/"/></outline>
    </body></opml>"""
    result = read_opml(data)
    assert result.duplicates == 1
    assert [(f.title, f.tags) for f in result.feeds] == [("F", ("A", "B"))]


def test_bad_entries_are_reported_and_the_rest_kept() -> None:
    data = b"""<opml version="2.0"><body>
      <outline type="rss" text="local" xmlUrl="file:///etc/passwd"/>
      <outline type="rss" text="js" xmlUrl="javascript:alert(1)"/>
      <outline type="rss" text="no url"/>
      <outline type="rss" text="bare host" xmlUrl="www.example.com/feed"/>
      <outline type="rss" text="good" xmlUrl="https://good.example/feed"/>
    </body></opml>"""
    result = read_opml(data)
    assert [f.url for f in result.feeds] == [
        "http://www.example.com/feed",
        "https://good.example/feed",
    ]
    assert len(result.problems) == 3
    assert any("'local'" in p and "file:" in p for p in result.problems)
    assert all("\n" not in p for p in result.problems)


def test_xxe_is_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = f"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file://{secret}">]>
<opml version="2.0"><head><title>&xxe;</title></head><body>
<outline type="rss" text="&xxe;" xmlUrl="https://x.example/feed"/>
</body></opml>""".encode()
    result = read_opml(data)
    assert "TOP SECRET" not in repr(result)
    assert [f.url for f in result.feeds] == ["https://x.example/feed"]
    assert any("entities" in p for p in result.problems)


def test_billion_laughs_is_not_expanded() -> None:
    entities = '<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    data = f"""<?xml version="1.0"?><!DOCTYPE opml [{entities}]>
<opml version="2.0"><body><outline type="rss" text="&j;" xmlUrl="https://x.example/"/>
</body></opml>""".encode()
    result = read_opml(data)
    assert len(repr(result)) < 10_000


def test_ten_thousand_nested_outlines() -> None:
    depth = 10_000
    data = (
        '<?xml version="1.0"?><opml version="2.0"><body>'
        + '<outline text="d">' * depth
        + '<outline type="rss" text="leaf" xmlUrl="https://deep.example/feed"/>'
        + "</outline>" * depth
        + "</body></opml>"
    ).encode()
    result = read_opml(data)
    assert [(f.url, f.tags) for f in result.feeds] == [("https://deep.example/feed", ("d",))]


def test_damaged_list_keeps_every_feed() -> None:
    # A raw "&", an HTML entity, and an unescaped quote inside an attribute.
    data = b"""<?xml version="1.0"?><opml version="1.0"><body>
      <outline text="News &amp; Views">
        <outline type="rss" text="Q&A" xmlUrl="https://qa.example/feed"/>
        <outline type="rss" text="caf&eacute;" xmlUrl="https://cafe.example/feed"/>
        <outline type="rss" text="bad" description="see <a href="https://x">x</a>" xmlUrl="https://bad.example/feed"/>
        <outline type="rss" text="after" xmlUrl="https://after.example/feed"/>
      </outline>
    </body></opml>"""
    result = read_opml(data)
    urls = [f.url for f in result.feeds]
    assert urls[:2] == ["https://qa.example/feed", "https://cafe.example/feed"]
    assert set(urls) == {
        "https://qa.example/feed",
        "https://cafe.example/feed",
        "https://bad.example/feed",
        "https://after.example/feed",
    }
    assert result.feeds[1].title == "café"
    assert result.problems  # it says the list was damaged


def test_not_opml() -> None:
    assert read_opml(b"").problems == ["the file is empty"]
    assert read_opml(b"<html><body/></html>").problems
    assert read_opml(b"\x89PNG\r\n\x1a\n\x00\x00").feeds == []


def test_foaf_list() -> None:
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:foaf="http://xmlns.com/foaf/0.1/" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
  xmlns:rss="http://purl.org/rss/1.0/">
<foaf:Group><foaf:name>Planet X</foaf:name><foaf:member><foaf:Agent><foaf:name>User</foaf:name>
<foaf:weblog><foaf:Document rdf:about="http://domain/"><rdfs:seeAlso>
<rss:channel rdf:about="http://domain/feed"/></rdfs:seeAlso></foaf:Document></foaf:weblog>
</foaf:Agent></foaf:member></foaf:Group></rdf:RDF>"""
    result = read_opml(data)
    assert [(f.url, f.title, f.tags) for f in result.feeds] == [
        ("http://domain/feed", "User", ("Planet X",))
    ]


def test_missing_file(tmp_path: Path) -> None:
    result = read_opml_file(tmp_path / "nope.opml")
    assert result.feeds == []
    assert result.problems and "cannot read" in result.problems[0]
