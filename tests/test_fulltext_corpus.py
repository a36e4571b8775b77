"""Full-text extraction on the shared corpus' saved news pages, against their expected bodies.

``shared/corpus/articles/html/readability/*`` hold 12 pages with the body
Mozilla Readability extracts (``expected.html``) and its metadata;
``html/newspaper/*`` hold 8 pages with newspaper's body text. Word-bag F1
against those bodies measures how much article we keep and how little
chrome; at the time of writing the mean is about 0.95 and the worst page
0.87 (the saved-page reader that keeps whole ``<article>`` blocks: 0.73).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from newsreader.content import html_to_text
from newsreader.sources.fulltext import FullTextError, extract_full_text

SHARED = Path(__file__).resolve().parents[2] / "shared"
ARTICLES = SHARED / "corpus" / "articles"
_WORDS = re.compile(r"\w+")

pytestmark = pytest.mark.corpus


def _cases() -> list[tuple[str, Path, str, dict[str, object]]]:
    if not (ARTICLES / "html").is_dir():
        pytest.skip("shared corpus not found beside the repository")
    cases = []
    for folder in sorted((ARTICLES / "html" / "readability").iterdir()):
        expected = html_to_text((folder / "expected.html").read_text("utf-8"))
        meta = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
        cases.append((folder.name, folder / "source.html", expected, meta))
    for page in sorted((ARTICLES / "html" / "newspaper").glob("*.html")):
        text = ARTICLES / "text" / "newspaper" / (page.stem.replace("_article", "") + ".txt")
        if text.exists():
            cases.append((page.stem, page, text.read_text("utf-8"), {}))
    return cases


def _bag(text: str) -> Counter[str]:
    body = re.sub(r"\[\d+\]", " ", text.split("\n\nLinks:\n", 1)[0])
    return Counter(word.casefold() for word in _WORDS.findall(body))


def _f1(got: str, expected: str) -> float:
    found, wanted = _bag(got), _bag(expected)
    common = sum((found & wanted).values())
    if not common:
        return 0.0
    precision, recall = common / sum(found.values()), common / sum(wanted.values())
    return 2 * precision * recall / (precision + recall)


def test_main_text_and_titles_match_the_expected_ones() -> None:
    scores = {}
    titled = titles_matched = 0
    for name, page, expected, meta in _cases():
        try:
            full = extract_full_text(page.read_bytes(), None, "text/html")
        except FullTextError as exc:
            pytest.fail(f"{name}: {exc}")
        scores[name] = _f1(full.text, expected)
        if meta.get("title"):
            assert full.title, name
            wanted, got = str(meta["title"]).casefold(), full.title.casefold()
            titled += 1
            titles_matched += got in wanted or wanted in got
    assert len(scores) >= 15
    mean = sum(scores.values()) / len(scores)
    worst = min(scores, key=scores.__getitem__)
    assert mean >= 0.90, scores
    assert scores[worst] >= 0.75, (worst, scores)
    # Titles differ only by a site-name suffix or a later edit (aktualne).
    assert titled >= 10 and titles_matched >= titled - 2, (titles_matched, titled)
