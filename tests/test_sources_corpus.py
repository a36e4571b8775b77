"""The sources layer over the shared real-world corpus (skipped when ../shared is absent)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from newsreader.models import LoadResult
from newsreader.sources import load_source
from newsreader.sources.common import decode_text

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
DANGEROUS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)

DANGEROUS_IN_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
    "|(?<![^\x00-\x7f\\s])[\u200c\u200d]+|[\u200c\u200d]+(?![^\x00-\x7f\\s])"
)

pytestmark = pytest.mark.corpus


def _files(folder: str) -> list[Path]:
    root = CORPUS / folder
    return sorted(p for p in root.iterdir() if p.is_file()) if root.is_dir() else []


def _require(path: Path) -> None:
    if not path.exists():
        pytest.skip("shared corpus not available")


def _check_result(result: LoadResult) -> None:
    assert isinstance(result, LoadResult)
    for error in result.errors + result.warnings:
        assert error.reason and "\n" not in error.reason and len(error.reason) <= 200
    for article in result.articles:
        for value in (article.title, article.source_name, article.author or "",
                      article.link or "", article.id, article.caption or ""):
            assert not DANGEROUS.search(value), value
            assert "\n" not in value
        # Text keeps ZWNJ/ZWJ inside words and emoji (🤷🏻\u200d♂️), nowhere else.
        assert not DANGEROUS_IN_TEXT.search(article.text.replace("\n", "").replace("\t", ""))
        assert "root:x:0:0" not in article.text  # no XXE ever reads /etc/passwd
        if article.published is not None:
            assert article.published.tzinfo is not None
            assert article.published.year >= 1970


@pytest.mark.parametrize("path", _files("feeds/real"), ids=lambda p: p.name)
def test_real_feeds(path: Path) -> None:
    result = load_source(str(path))
    _check_result(result)
    if result.errors:
        assert len(result.errors) == 1 and not result.articles
        return
    assert result.articles, path.name
    assert all(a.title.strip() for a in result.articles)
    assert len({a.id for a in result.articles}) == len(result.articles)


@pytest.mark.parametrize("path", _files("hostile"), ids=lambda p: p.name)
def test_hostile_files(path: Path) -> None:
    started = time.monotonic()
    result = load_source(str(path))
    elapsed = time.monotonic() - started
    _check_result(result)
    assert result.articles or result.errors
    assert elapsed < 5.0, f"{path.name} took {elapsed:.1f} s"


def test_seed_matches_expected_reading() -> None:
    seed = CORPUS / "articles" / "seed" / "egypt-russia-2021.txt"
    _require(seed)
    expected = json.loads(seed.with_name("egypt-russia-2021.expected.json").read_text())
    (article,) = load_source(str(seed)).articles
    assert article.title == expected["title"]
    assert article.published.isoformat() == expected["published"]
    assert article.caption == expected["caption"]
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == expected["body_paragraph_count"]
    assert paragraphs[0].endswith(expected["body_first_paragraph_without_dateline"])
    assert paragraphs[-1].startswith(expected["body_last_paragraph_starts"])
    for boilerplate in expected["boilerplate_trailing"]:
        assert boilerplate not in article.text


def test_bbc_dataset() -> None:
    root = CORPUS / "articles" / "bbc"
    _require(root)
    result = load_source(str(root))
    assert not result.errors
    assert len(result.articles) == 2225  # README.TXT skipped
    assert all(a.published is None for a in result.articles)
    for article in result.articles:  # line 1 is the title, whatever it looks like
        first_line = Path(article.source).read_bytes().split(b"\n", 1)[0]
        assert article.title == " ".join(decode_text(first_line).split()), article.source
    assert {a.source_name for a in result.articles} == {
        "business", "entertainment", "politics", "sport", "tech"}
    sport = {Path(a.source).name: a for a in result.articles if a.source_name == "sport"}
    assert "£" in sport["199.txt"].text  # a Latin-1 byte, decoded via cp1252


def test_newspaper_texts_never_take_a_caption_as_title() -> None:
    root = CORPUS / "articles" / "text" / "newspaper"
    _require(root)
    for path in sorted(root.glob("*.txt")):
        (article,) = load_source(str(path)).articles
        if article.caption:
            assert article.title == path.stem
            assert article.caption not in article.text


def test_json_article_collections() -> None:
    root = CORPUS / "articles" / "json"
    _require(root)
    for path in sorted(root.glob("*.jsonl")):
        result = load_source(str(path))
        _check_result(result)
        assert not result.errors and result.articles
        assert all(a.title and a.published for a in result.articles)


def test_saved_html_pages() -> None:
    root = CORPUS / "articles" / "html" / "readability"
    _require(root)
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        page = folder / "source.html"
        if not page.exists():
            continue
        result = load_source(str(page))
        _check_result(result)
        assert not result.errors, (folder.name, result.errors)
        (article,) = result.articles
        assert article.title and len(article.text) > 200, folder.name
