"""Full text for summary-only items: fetch a page, keep its main text, store it, CLI.

Pages are served on 127.0.0.1 by a small threaded server. The main fixture
(`fixtures/fulltext/article-page.html`) is a news page written for these
tests, wrapped in the usual chrome: consent banner, navigation, share bar,
related stories, newsletter form, footer.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsreader import cli
from newsreader.models import Article
from newsreader.query import parse_query
from newsreader.sources.fulltext import (
    MAX_ELEMENTS,
    FullText,
    FullTextError,
    adds_text,
    extract_full_text,
    fetch_full_text,
)
from newsreader.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fulltext"
PAGE = (FIXTURES / "article-page.html").read_bytes()
BODY_PARAGRAPHS = (
    "Deutsche Bahn will run a nightly sleeper service between Berlin and Munich again",
    "Angela Merkel, who chairs the passenger association",
    "We expect the first month to be sold out within days.",
    "- track works on the high-speed line finished in February;",
    "the company said on Sunday.",
)
CHROME = ("cookies", "Subscribe now", "Related stories", "Rail strike ends", "morning briefing",
          "All rights reserved", "Terms of use", "Share", "Privacy settings", "dataLayer")
SUMMARY = "Deutsche Bahn brings back the night train to Munich."

HOSTILE = (
    "<!doctype html><html><head><title>Bad \x1b]0;owned\x07page\u202e</title></head><body>"
    "<article><h1>Hostile</h1>"
    "<p>Clear the screen \x1b[2J now and &#x1b;[31mred&#x1b;[0m text, a C1 \x9b control, "
    "a bidi \u202eoverride\u202c and [link=file:///etc/passwd]Rich markup[/link] stay text. "
    "This paragraph is long enough for any main-content extractor to keep it whole.</p>"
    "<p>A second paragraph with a <a href='javascript:alert(1)'>script link</a> and a "
    "<a href='data:text/html,x'>data link</a>, neither of which may become a link reference "
    "that the reader could open, plus some more words to make the article long enough.</p>"
    "</article></body></html>"
).encode()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str | None = None,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/article.html":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif path == "/moved":
            self._send(301, b"", extra={"Location": "/news/article.html"})
        elif path == "/news/article.html":
            self._send(200, PAGE, "text/html")
        elif path == "/untyped":
            self._send(200, PAGE)
        elif path == "/latin1.html":
            body = ("<html><body><article><p>Un café à Zürich coûte cher, disent les habitants "
                    "de la ville, qui paient plus que partout ailleurs en Europe pour un "
                    "expresso servi au comptoir.</p></article></body></html>").encode("cp1252")
            self._send(200, body, "text/html; charset=windows-1252")
        elif path == "/hostile.html":
            self._send(200, HOSTILE, "text/html")
        elif path == "/missing":
            self._send(404, b"<html><body><p>Not found</p></body></html>", "text/html")
        elif path == "/feed.xml":
            self._send(200, b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>",
                       "application/rss+xml")
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
        elif path == "/binary":
            self._send(200, b"\x00\x01\x02 not markup at all")
        elif path == "/chrome-only.html":
            self._send(200, b"<html><body><nav></nav><footer></footer></body></html>",
                       "text/html")
        elif path == "/to-file":
            self._send(302, b"", extra={"Location": "file:///etc/passwd"})
        elif path == "/big.html":
            self._send(200, b"<html><body>" + b"<p>filler words here</p>" * 20_000, "text/html")
        else:
            self._send(404, b"")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


# --------------------------------------------------------------------------- fetch + extract


def test_fetch_keeps_the_body_and_drops_the_chrome(server: str) -> None:
    full = fetch_full_text(f"{server}/article.html")
    for paragraph in BODY_PARAGRAPHS:
        assert paragraph in full.text
    for chrome in CHROME:
        assert chrome not in full.text, chrome
    # Paragraphs are separated like feed content, the headline is not repeated.
    assert "\n\nThe train leaves Berlin at 22:40" in full.text
    assert not full.text.startswith("Night trains return")
    assert full.title == "Night trains return to the Berlin–Munich line"
    assert full.author == "Anna Schmidt"
    assert full.published == datetime(2024, 3, 4, 8, 30, tzinfo=UTC)
    assert full.url == f"{server}/article.html"


def test_links_become_numbered_references_resolved_against_the_final_url(server: str) -> None:
    full = fetch_full_text(f"{server}/moved")
    assert full.url == f"{server}/news/article.html"
    assert "figures published by the transport ministry [1]" in full.text
    assert full.text.endswith(f"Links:\n[1] {server}/data/rail-demand-2023")


def test_missing_content_type_is_sniffed(server: str) -> None:
    assert BODY_PARAGRAPHS[0] in fetch_full_text(f"{server}/untyped").text


def test_the_http_charset_decodes_the_page(server: str) -> None:
    assert "Un café à Zürich coûte cher" in fetch_full_text(f"{server}/latin1.html").text


def test_hostile_page_gives_clean_text(server: str) -> None:
    full = fetch_full_text(f"{server}/hostile.html")
    text = full.text
    assert "Clear the screen" in text and "red" in text
    assert not any(ch in text for ch in "\x1b\x07\x9b\u202e\u202c")
    assert "[2J" not in text and "[31m" not in text
    assert "[link=file:///etc/passwd]Rich markup[/link]" in text  # text, never markup
    assert "script link" in text and "Links:" not in text  # unsafe targets get no number
    assert full.title is not None and "\x1b" not in full.title and "\u202e" not in full.title


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "HTTP 404"),
        ("/feed.xml", "not a web page (application/rss+xml)"),
        ("/image.png", "not a web page (image/png)"),
        ("/binary", "not a web page (unknown type)"),
        ("/chrome-only.html", "no article text found on the page"),
        ("/to-file", "redirected to a URL that is not http or https"),
    ],
)
def test_failures_are_one_line(server: str, path: str, reason: str) -> None:
    with pytest.raises(FullTextError) as caught:
        fetch_full_text(server + path)
    assert str(caught.value) == reason


def test_too_big_is_refused(server: str) -> None:
    with pytest.raises(FullTextError, match=r"^response too large") as caught:
        fetch_full_text(f"{server}/big.html", max_bytes=100_000)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/a", "", "http://", "//x/y",
     "news/article.html", "http://[::1"],
)
def test_only_http_urls_are_fetched(url: str) -> None:
    with pytest.raises(FullTextError, match=r"^not an http\(s\) link: ") as caught:
        fetch_full_text(url)
    assert "\n" not in str(caught.value)


def test_extract_without_network_resolves_links_against_the_canonical_url() -> None:
    full = extract_full_text(PAGE, None, "text/html")
    assert BODY_PARAGRAPHS[1] in full.text
    assert full.text.endswith("Links:\n[1] https://courier.example/data/rail-demand-2023")


def test_a_reference_to_a_control_character_does_not_lose_the_page() -> None:
    # lxml refuses "&#1;"; unhandled, trafilatura then returns nothing at all.
    page = PAGE.replace(b"eleven years after", b"eleven&#1; years&#x0C; after")
    full = extract_full_text(page, None, "text/html")
    assert "again from Monday, eleven years after the last" in full.text


def test_a_page_with_too_many_elements_is_refused_quickly() -> None:
    page = b"<html><body><article>" + b"<p><b>x</b></p>" * (MAX_ELEMENTS // 2 + 1)
    with pytest.raises(FullTextError) as caught:
        extract_full_text(page, None, "text/html")
    assert str(caught.value) == "page too large to extract (over 30,000 elements)"


def test_adds_text_compares_words_without_the_link_block() -> None:
    full = FullText(text="one two three\n\nLinks:\n[1] https://a.example/ https://b.example/")
    assert adds_text(full, "one two")
    assert not adds_text(full, "one two three")
    assert not adds_text("Home", SUMMARY)


def test_importing_the_module_does_not_import_trafilatura() -> None:
    code = ("import sys, newsreader.sources.fulltext, newsreader.cli; "
            "sys.exit('trafilatura' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --------------------------------------------------------------------------- store


def _summary_article(
    link: str | None = "https://courier.example/night-trains", **changes: object
) -> Article:
    fields: dict[str, object] = {
        "id": "guid-1", "source": "https://courier.example/rss", "source_name": "Courier",
        "title": "Night trains return", "text": SUMMARY, "link": link,
        "published": datetime(2024, 3, 4, 8, 30, tzinfo=UTC), "summary_only": True,
    }
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


FULL = "Angela Merkel spoke in Berlin.\n\nThe night train to Munich starts on Monday."


def test_set_full_text_replaces_the_text_clears_entities_keeps_state() -> None:
    with Store.open(":memory:") as store:
        [key] = store.add_articles([_summary_article()])
        store.save_entities(key, "fake:1", [])
        store.set_read(key, True)
        store.set_bookmark(key, True)
        assert store.entities(key, "fake:1") == []

        assert store.set_full_text(key, FULL.replace("Berlin", "Ber\x1b[2Jlin")) is True

        article = store.article(key)
        assert article is not None
        assert article.text == FULL and not article.summary_only
        assert article.title == "Night trains return"
        assert store.entities(key, "fake:1") is None  # to be extracted again
        header = store.header(key)
        assert header is not None and header.read and header.bookmarked
        [bookmark] = store.bookmarks()
        assert bookmark.article.text == FULL and not bookmark.article.summary_only
        assert [hit.header.key for hit in store.search(parse_query("Munich"))] == [key]


def test_refresh_with_the_summary_keeps_the_full_text() -> None:
    with Store.open(":memory:") as store:
        [key] = store.add_articles([_summary_article()])
        store.set_full_text(key, FULL)
        store.save_entities(key, "fake:1", [])
        again = store.store_articles([_summary_article()])
        assert again.keys == [key] and again.unchanged == 1
        assert store.entities(key, "fake:1") == []  # nothing changed: entities kept
        # The feed's other fields still follow the feed; the text stays full.
        store.add_articles([_summary_article(title="Night trains are back",
                                             text="A changed teaser.")])
        article = store.article(key)
        assert article is not None
        assert article.title == "Night trains are back"
        assert article.text == FULL and not article.summary_only
        # A feed that starts sending full content replaces it, as any update does.
        store.add_articles([_summary_article(text="Full feed content now.", summary_only=False)])
        article = store.article(key)
        assert article is not None and article.text == "Full feed content now."


def test_set_full_text_on_an_orphaned_bookmark_and_unknown_keys() -> None:
    with Store.open(":memory:") as store:
        [key] = store.add_articles([_summary_article()])
        store.set_bookmark(key, True)
        store.delete_source("https://courier.example/rss")
        assert store.set_full_text(key, FULL) is True
        article = store.article(key)
        assert article is not None and article.text == FULL
        assert store.set_full_text(key + 100, FULL) is False
        with pytest.raises(ValueError):
            store.set_full_text(key, " \n\x1b[2J ")


def test_find_article_keys_by_key_or_id() -> None:
    with Store.open(":memory:") as store:
        keys = store.add_articles([
            _summary_article(),
            _summary_article(id="shared"),
            _summary_article(id="shared", source="https://other.example/rss"),
            _summary_article(id="12345"),
        ])
        assert store.find_article_keys(str(keys[0])) == [keys[0]]
        assert store.find_article_keys("guid-1") == [keys[0]]
        assert store.find_article_keys(" guid-1 ") == [keys[0]]
        assert store.find_article_keys("shared") == [keys[1], keys[2]]
        assert store.find_article_keys("12345") == [keys[3]]  # not a key: an id
        assert store.find_article_keys("nope") == []
        assert store.find_article_keys("9" * 40) == []


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def stored(tmp_path: Path, server: str) -> tuple[Path, int]:
    db = tmp_path / "cli.db"
    with Store.open(db) as store:
        [key] = store.add_articles([_summary_article(f"{server}/article.html")])
    return db, key


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch, fake_extractor: object) -> object:
    monkeypatch.setattr(cli, "_get_extractor", lambda name: fake_extractor)
    return fake_extractor


def test_cli_fetches_stores_and_extracts_entities(
    stored: tuple[Path, int], fake_engine: object, capsys: pytest.CaptureFixture[str]
) -> None:
    db, key = stored
    assert cli.main(["fulltext", str(key), "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    with Store.open(db) as store:
        article = store.article(key)
        assert article is not None and not article.summary_only
        assert BODY_PARAGRAPHS[1] in article.text
        assert out == f"Fetched {len(article.text)} characters for Night trains return\n"
        assert err == ""
        names = {(e.label, e.name) for e in store.entities(key, "fake:1") or []}
        assert ("PERSON", "Angela Merkel") in names and ("GPE", "Berlin") in names

    # Again: it has its full text now, so nothing is fetched (unless --force).
    assert cli.main(["fulltext", "guid-1", "--db", str(db), "--json"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line == {"key": key, "id": "guid-1", "title": "Night trains return",
                    "chars": len(article.text), "fetched": False}
    assert cli.main(["--db", str(db), "fulltext", "guid-1", "--json", "--force"]) == 0
    assert json.loads(capsys.readouterr().out)["fetched"] is True


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("/missing", "/missing: HTTP 404"),
        ("/image.png", "/image.png: not a web page (image/png)"),
        ("/chrome-only.html", "/chrome-only.html: no article text found on the page"),
    ],
)
def test_cli_errors_are_one_line_and_leave_the_summary(
    tmp_path: Path, server: str, link: str, message: str, fake_engine: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "err.db"
    with Store.open(db) as store:
        [key] = store.add_articles([_summary_article(server + link)])
    assert cli.main(["fulltext", str(key), "--db", str(db)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"newsreader: {server}{message}\n"
    with Store.open(db) as store:
        article = store.article(key)
        assert article is not None and article.text == SUMMARY and article.summary_only


def test_cli_refuses_unknown_ambiguous_and_linkless(
    tmp_path: Path, fake_engine: object, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "refs.db"
    with Store.open(db) as store:
        store.add_articles([
            _summary_article(id="dup"),
            _summary_article(id="dup", source="https://other.example/rss"),
            _summary_article(id="nolink", link=None),
            _summary_article(id="local", link="articles/a.html"),
        ])
    cases = {
        "missing": "newsreader: no stored article with key or id missing\n",
        "dup": "newsreader: 2 articles have the id dup; give the key "
               "(`newsreader search --json` shows it)\n",
        "nolink": "newsreader: Night trains return: the article has no link to fetch\n",
        "local": "newsreader: articles/a.html: not an http(s) link: articles/a.html\n",
    }
    for ref, expected in cases.items():
        assert cli.main(["fulltext", ref, "--db", str(db)]) == 1
        out, err = capsys.readouterr()
        assert (out, err) == ("", expected)


def test_cli_keeps_a_summary_longer_than_the_page(
    tmp_path: Path, server: str, fake_engine: object, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "teaser.db"
    long_summary = " ".join(["word"] * 1000)
    with Store.open(db) as store:
        [key] = store.add_articles([_summary_article(f"{server}/latin1.html", text=long_summary)])
    assert cli.main(["fulltext", str(key), "--db", str(db)]) == 1
    assert "no more text than the summary" in capsys.readouterr().err
    assert cli.main(["fulltext", str(key), "--db", str(db), "--force"]) == 0
    with Store.open(db) as store:
        article = store.article(key)
        assert article is not None and article.text.startswith("Un café")


def test_cli_help_lists_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "fulltext ID" in capsys.readouterr().out
