"""Hostile files: a clear one-line message or a sanitised article, never a traceback.

The inputs are ``tests/fixtures/hostile/`` (copies of the shared corpus files
that matter most) and generated ones too big to keep (10,000 nested
elements, 10,000-character titles, entity blow-ups, a feed over the size
limit, 100,000 nested JSON arrays, 10,000 nested OPML folders). Each goes
through the source layer, the store, ``newsreader parse`` and the app; what
comes out anywhere must carry no escape sequence, no C0/C1 control (but
newline and tab in article text), no bidi override or zero-width character,
and only http(s)/mailto links. ``tests/test_hostile_corpus.py`` runs the
whole shared corpus the same way when it is present.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.strip import Strip

from newsreader.feeds import import_opml
from newsreader.models import Article
from newsreader.sources import load_source, parse_feed_bytes
from newsreader.store import Store
from newsreader.ui.app import NewsReaderApp
from test_ui_app import make_app, panes, settle

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
CLI = [sys.executable, "-m", "newsreader"]

# Never on screen or in storage: C0 (text keeps \n and \t), DEL, C1, bidi
# embeddings/overrides/isolates/marks, zero-width characters, BOM. Article
# text keeps ZWNJ/ZWJ (U+200C/D) where they join two non-ASCII characters
# (Persian, Indic, emoji sequences); one-line values never keep them.
_NEVER_IN_TEXT = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff"
)
_NEVER = _NEVER_IN_TEXT + "\u200c\u200d"
STRAY_JOINER = re.compile(
    "(?<![^\x00-\x7f\\s])[\u200c\u200d]+|[\u200c\u200d]+(?![^\x00-\x7f\\s])"
)
UNSAFE_TEXT = re.compile(f"[{_NEVER_IN_TEXT}]|{STRAY_JOINER.pattern}")
UNSAFE_LINE = re.compile(f"[{_NEVER}\n\t]")
# On screen: a line's rules, but the reader shows article text with its joiners.
UNSAFE_ON_SCREEN = re.compile(f"[{_NEVER_IN_TEXT}\n\t]")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
PASSWD = re.compile(r"root:.*:0:0:")


def assert_safe_line(value: str | None, what: str) -> None:
    if value is not None:
        assert not UNSAFE_LINE.search(value), f"{what}: {value!r}"
        assert not PASSWD.search(value), f"{what} leaks /etc/passwd"


def assert_safe_link(link: str | None, what: str) -> None:
    if link is None:
        return
    assert_safe_line(link, what)
    scheme = SCHEME.match(link)
    assert scheme is None or scheme.group(1).lower() in ("http", "https", "mailto"), link


def assert_safe_article(article: Article) -> None:
    for name in ("title", "author", "source_name"):
        assert_safe_line(getattr(article, name), name)
    assert article.title.strip(), "an article always has a title to show"
    for name in ("text", "caption"):
        value = getattr(article, name)
        if value is not None:
            assert not UNSAFE_TEXT.search(value), f"{name}: {value[:200]!r}"
            assert not PASSWD.search(value)
    assert_safe_link(article.link, "link")


def assert_safe_reason(reason: str) -> None:
    assert reason and len(reason) < 400
    assert_safe_line(reason, "reason")
    assert "Traceback" not in reason and "unexpected error" not in reason, reason


def load_checked(path: Path) -> tuple[list[Article], list[str]]:
    result = load_source(str(path))
    for problem in [*result.errors, *result.warnings]:
        assert_safe_reason(problem.reason)
    for article in result.articles:
        assert_safe_article(article)
    return result.articles, [error.reason for error in result.errors]


FIXTURES = sorted(p.name for p in HOSTILE.iterdir())
ERRORS = {
    "empty-file.xml": "not a feed (empty file)",
    "binary-png-bytes-named-xml.xml": "not a feed (PNG image, not text)",
    "html-page-saved-as-feed.xml": "not a feed (an HTML page)",
}


@pytest.mark.parametrize("name", FIXTURES)
def test_each_fixture_gives_a_message_or_safe_articles(name: str, tmp_path: Path) -> None:
    articles, errors = load_checked(HOSTILE / name)
    if name in ERRORS:
        assert errors == [ERRORS[name]] and articles == []
        return
    assert errors == [] and articles
    # The store keeps what the sources made exactly as it is.
    with Store.open(tmp_path / "news.db") as store:
        keys = store.add_articles(articles)
        for key, article in zip(keys, articles, strict=True):
            stored = store.article(key)
            assert stored is not None
            assert (stored.title, stored.text, stored.link, stored.author) == (
                article.title, article.text, article.link, article.author)
        assert len(store.headers()) == len({(a.source, a.id) for a in articles})


def titles(name: str) -> list[str]:
    articles, _ = load_checked(HOSTILE / name)
    return [article.title for article in articles]


def test_escape_sequences_are_removed_whole() -> None:
    for name in ("ansi-osc-escapes-raw-bytes.xml", "ansi-osc-escapes-char-refs.xml"):
        found = titles(name)
        assert "title csi-colour: red end" in found
        assert "title osc8-hyperlink: innocent text end" in found
        assert not any("52;c" in title or "file://" in title for title in found)
    assert titles("ansi-escapes-in-cdata.xml") == ["(untitled)"]  # nothing but escapes


def test_markup_stays_literal_text() -> None:
    found = titles("rich-markup-in-titles.xml")
    assert "[link=file:///etc/passwd]click[/link]" in found
    assert "[bold red]x[/]" in found
    assert ":warning: :skull: emoji codes" in found


def test_entities_are_never_expanded_or_fetched() -> None:
    (leak,) = titles("xxe-external-entity-file-etc-passwd.xml")
    assert leak == "leak: &xxe;"
    assert titles("xxe-parameter-entity-external-dtd.xml") == ["external DTD must not be fetched"]


def test_text_encodings_and_invisible_characters() -> None:
    assert titles("article-utf16le-bom.txt") == ["Title in UTF-16LE"]
    assert titles("article-crlf-and-bom.txt") == ["Title after a UTF-8 BOM"]
    assert titles("article-nul-and-invalid-utf8.txt") == ["Title with NUL byte"]
    assert titles("nul-bytes.xml")[0] == "beforeafter"
    bidi = titles("bidi-override-and-invisible-chars.xml")
    assert bidi[0] == "invoice_gpj.exe" and "zerowidthjoinersandBOM" in bidi


def test_impossible_dates_are_no_date_and_sort() -> None:
    articles, _ = load_checked(HOSTILE / "hostile-dates.xml")
    by_title = {article.title: article.published for article in articles}
    for title in ("year 9999", "year 0001", "31 February", "epoch seconds",
                  "far past negative year", "garbage date", "empty date"):
        assert by_title[title] is None, title


def test_duplicate_guids_never_overwrite_another_story() -> None:
    articles, _ = load_checked(HOSTILE / "duplicate-and-empty-guids.xml")
    assert len(articles) == 5
    assert len({article.id for article in articles}) == 5


# --------------------------------------------------------------------------- generated


def rss_file(path: Path, items: str, head: str = "") -> Path:
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0"><channel>'
        f"<title>Generated</title><link>https://example.invalid/</link>{items}"
        "</channel></rss>",
        encoding="utf-8",
    )
    return path


def item(title: str, description: str, guid: str = "g") -> str:
    return (f"<item><title>{title}</title><guid>{guid}</guid>"
            f"<description>{description}</description></item>")


def test_ten_thousand_nested_elements(tmp_path: Path) -> None:
    divs = "<div>" * 10_000 + "deep text" + "</div>" * 10_000
    escaped = divs.replace("<", "&lt;").replace(">", "&gt;")
    unclosed = ("&lt;div&gt;" * 10_000) + "unclosed text"
    xml_nest = "<x>" * 10_000 + "nested" + "</x>" * 10_000
    path = rss_file(tmp_path / "nested.xml", item("escaped", escaped, "1")
                    + item("cdata", f"<![CDATA[{divs}]]>", "2")
                    + item("unclosed", unclosed, "3")
                    + f"<item><title>xml</title><guid>4</guid>{xml_nest}</item>")
    articles, errors = load_checked(path)
    assert errors == []
    texts = {article.title: article.text for article in articles}
    assert texts["escaped"] == texts["cdata"] == "deep text"
    assert texts["unclosed"] == "unclosed text"
    assert "xml" in texts


def test_ten_thousand_character_titles(tmp_path: Path) -> None:
    long_titles = ["x" * 10_000, "word " * 2_000, "\u0645" * 10_000, "\u5b57" * 10_000]
    path = rss_file(tmp_path / "long.xml", "".join(
        item(title, "body", str(n)) for n, title in enumerate(long_titles)))
    articles, _ = load_checked(path)
    assert len(articles) == 4
    assert all(len(article.title) <= 500 and article.title.endswith("…") for article in articles)


@pytest.mark.parametrize("shape", ["quadratic", "billion-laughs"])
def test_entity_blowups_are_not_expanded(tmp_path: Path, shape: str) -> None:
    if shape == "quadratic":
        head = f'<!DOCTYPE rss [<!ENTITY a "{"x" * 10_000}">]>'
        title = "&a;" * 10_000  # 100 MB if expanded
    else:
        levels = ['<!ENTITY l0 "lol">'] + [
            f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
        head = f"<!DOCTYPE rss [{''.join(levels)}]>"
        title = "&l9;"
    path = rss_file(tmp_path / f"{shape}.xml", item(title, title), head)
    result = load_source(str(path))
    for article in result.articles:
        assert_safe_article(article)
        assert len(article.text) < 100_000 and "x" * 1000 not in article.text
    for problem in [*result.errors, *result.warnings]:
        assert_safe_reason(problem.reason)


def test_a_feed_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.xml"
    one = item("ordinary headline", "An ordinary paragraph of text. " * 10)
    with path.open("w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>')
        handle.write(one * (21_000_000 // len(one)))
        handle.write("</channel></rss>")
    articles, errors = load_checked(path)
    assert articles == [] and errors == ["file too large (over 20 MB)"]
    fetched = parse_feed_bytes(path.read_bytes(), "https://example.invalid/huge.xml")
    assert fetched.articles == [] and "too large" in fetched.errors[0].reason


def test_json_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", '
                    '"content_text": ' + "[" * 100_000 + "]" * 100_000 + "}]}")
    articles, errors = load_checked(path)
    assert articles == [] and errors == ["invalid JSON (nested too deeply)"]


def test_opml_with_ten_thousand_nested_folders(tmp_path: Path) -> None:
    path = tmp_path / "nested.opml"
    path.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        + '<outline text="folder">' * 10_000
        + '<outline text="deep" type="rss" xmlUrl="https://example.invalid/feed.xml"/>'
        + "</outline>" * 10_000 + "</body></opml>")
    with Store.open(tmp_path / "news.db") as store:
        try:
            report = import_opml(store, path)
        except Exception as exc:  # only the documented one-line error is allowed
            assert type(exc).__name__ == "FeedsError", repr(exc)
            assert_safe_reason(str(exc))
        else:
            assert report.feeds <= 1


# --------------------------------------------------------------------------- CLI


def run_parse(paths: Iterable[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "parse", "--json", *map(str, paths)], capture_output=True,
                          text=True, timeout=120)


def check_parse_output(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    """stderr: ``newsreader: SOURCE: reason`` lines only; stdout: clean JSON lines."""
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    for line in result.stderr.splitlines():
        assert line.startswith("newsreader: "), line
        assert_safe_line(line, "stderr")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    for row in rows:
        for key in ("title", "author", "source", "id"):
            assert_safe_line(row.get(key), key)
        assert_safe_link(row.get("link"), "link")
    return rows


def test_newsreader_parse_on_every_fixture() -> None:
    result = run_parse(HOSTILE / name for name in FIXTURES)
    rows = check_parse_output(result)
    assert result.returncode == 1  # some sources are not feeds
    failed = [line for line in result.stderr.splitlines() if "warning:" not in line]
    assert len(failed) == len(ERRORS)
    assert {row["title"] for row in rows} >= {"[bold red]x[/]", "leak: &xxe;", "Headline"}


# --------------------------------------------------------------------------- the app


def screen_problems(app: NewsReaderApp,
                    unsafe: re.Pattern[str] = UNSAFE_ON_SCREEN) -> list[str]:
    """Anything on screen that data should never produce: controls, foreign links, actions."""
    problems = []
    strips: list[Strip] = app.screen._compositor.render_strips()
    for strip in strips:
        for segment in strip:
            if unsafe.search(segment.text):
                problems.append(f"unsafe character in {segment.text!r}")
            style = segment.style
            if style is None:
                continue
            if style.link and not style.link.startswith(("http://", "https://")):
                problems.append(f"link to {style.link!r}")
            click = (style.meta or {}).get("@click")
            if click and ("passwd" in str(click) or "bell" in str(click)):
                problems.append(f"action {click!r}")
    return problems


async def walk_every_article(app: NewsReaderApp, pilot: Pilot) -> int:
    """Show every article in turn and check the whole screen each time; return the count."""
    await settle(app, pilot)
    articles, reader, _ = panes(app)
    problems = screen_problems(app)
    for index in range(articles.row_count):
        if index:
            await pilot.press("j")
            await settle(app, pilot)
        assert reader.article_key == articles.rows[index].key
        problems += [f"row {index}: {p}" for p in screen_problems(app)]
    assert problems == []
    return articles.row_count


async def test_the_app_shows_every_fixture_safely(db_path: Path, fake_extractor: Any,
                                                  tmp_path: Path) -> None:
    long = rss_file(tmp_path / "long.xml", item("y" * 10_000, "word " * 5_000, "1")
                    + item("[@click=app.bell]press[/] " + "\u202e" * 50, "body", "2"))
    # The char-ref twin of the raw-bytes file, the dates and the guids add rows, not cases.
    skip = {"ansi-osc-escapes-char-refs.xml", "hostile-dates.xml", "duplicate-and-empty-guids.xml"}
    sources = [str(HOSTILE / name) for name in FIXTURES if name not in skip] + [str(long)]
    app = make_app(db_path, sources, fake_extractor)
    notes: list[str] = []
    app.notify = lambda message, *a, **k: notes.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        shown = await walk_every_article(app, pilot)
        rows = panes(app)[0].rows
        assert any(row.title == "[link=file:///etc/passwd]click[/link]" for row in rows)
    assert shown >= 35
    for note in notes:  # failures are notices, one line each
        assert_safe_line(note, "notice")
    assert any("not a feed" in note for note in notes)
