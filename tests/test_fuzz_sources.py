"""Fuzzing the local-file reader and the query parser: only the documented failure, ever.

The reader (:func:`newsreader.sources.local.parse_file`, what every local
SOURCE goes through) gets bytes built from the pieces real and hostile files
are made of (BOMs, CR/LF runs, NULs, invalid UTF-8, date lines, datelines,
boilerplate, markup, JSON and XML skeletons) under every extension it knows.
It may only raise ``LoadFailure`` (a one-line reason), and what it returns
must be safe to show. The query parser may only raise ``QueryError``, whose
message, even when it quotes the input, carries nothing a terminal would act
on. Time is bounded by counting the Python calls a parse makes: a quadratic
path shows as a count far beyond the input length on any machine.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.query import MAX_QUERY_LENGTH, QueryError, parse_query
from newsreader.sources.common import LoadFailure
from newsreader.sources.local import parse_file
from test_hostile_files import UNSAFE_LINE, assert_safe_article, assert_safe_reason

EXTENSIONS = [".txt", ".md", ".html", ".json", ".jsonl", ".xml", ".rss", ".atom", ""]

_TEXT_PIECES = [
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\r\n", b"\r", b"\n", b"\n\n", b"\n\n\n\n",
    b"\x00", b"\x1b[2J", b"\x1b]52;c;aGk=\x07", b"\x9b", b"\xc3\x28", b"\xe2\x80\xae",
    b"\xa0", b"\xc2\xa0", b"\t", b"  ", b"Sun, 26 Dec 2021 - 06:05 GMT",
    b"Mon, 31 Feb 2021 - 25:61 GMT", b"CAIRO - 26 December 2021:\xc2\xa0 ",
    b"LONDON (Reuters) - ", b"Leave a Comment", b"Be Social", b"# Heading", b"---\n",
    b"title: x\n", b"```", b"<p>", b"</p>", b"<a href='javascript:x'>", b"<script>",
    b"<!--", b"<![CDATA[", b"&#x1b;", b"&amp;", b"[bold]", b"{", b"}", b"[", b"]", b'"',
    b'{"title": "t", "text": "x"}', b'{"items": [', b'"version": "https://jsonfeed.org/version/1.1"',
    b"<?xml version='1.0'?>", b"<rss version='2.0'><channel>", b"<item><title>",
    b"</title></item>", b"<feed xmlns='http://www.w3.org/2005/Atom'>", b"<entry>",
    b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"&a;", b"Word", b"Egypt", b"\xe5\xad\x97", b".",
]
CONTENT = st.lists(st.one_of(st.sampled_from(_TEXT_PIECES), st.binary(max_size=6)),
                   max_size=40).map(b"".join)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers()
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["title", "text", "content", "body", "date", "published",
                                       "link", "url", "id", "items", "author", "TEXT",
                                       "content_html", "version", "x"]), children, max_size=5),
    max_leaves=20,
)


def _check_file(path: Path) -> None:
    try:
        parsed = parse_file(path)
    except LoadFailure as exc:
        assert_safe_reason(str(exc))
        return
    for article in parsed.articles:
        assert_safe_article(article)
    for warning in parsed.warnings:
        assert_safe_reason(warning)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=CONTENT, extension=st.sampled_from(EXTENSIONS))
def test_local_files_of_any_content_read_or_fail_in_one_line(
    data: bytes, extension: str, tmp_path: Path
) -> None:
    path = tmp_path / f"article{extension}"
    path.write_bytes(data)
    _check_file(path)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=JSON_VALUES, lines=st.booleans())
def test_json_of_any_shape_reads_or_fails_in_one_line(
    value: Any, lines: bool, tmp_path: Path
) -> None:
    path = tmp_path / ("records.jsonl" if lines else "records.json")
    text = json.dumps(value)
    path.write_text(f"{text}\n{text}\n" if lines else text, encoding="utf-8")
    _check_file(path)


# --------------------------------------------------------------------------- work bound


@contextmanager
def counted_calls() -> Iterator[list[int]]:
    """Count Python and C function calls (a clock-free measure of work)."""
    count = [0]

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            count[0] += 1

    sys.setprofile(profile)
    try:
        yield count
    finally:
        sys.setprofile(None)


def calls_for(parse: Callable[[], object]) -> int:
    with counted_calls() as count, suppress(LoadFailure, QueryError):
        parse()
    return count[0]


TEXT_SHAPES = {
    "blank lines": "\n",
    "spaces": " ",
    "date lines": "Sun, 26 Dec 2021 - 06:05 GMT\n\n",
    "boilerplate": "Leave a Comment\n\n",
    "one-word paragraphs": "word\n\n",
    "captions": "The Russian ambassador\n\n",
}


@pytest.mark.parametrize("unit", TEXT_SHAPES.values(), ids=TEXT_SHAPES.keys())
def test_text_reader_work_grows_linearly(unit: str, tmp_path: Path) -> None:
    """Ten times the input may cost about ten times the calls, never a hundred."""
    counts = []
    for size in (2_000, 20_000):
        path = tmp_path / f"a{size}.txt"
        path.write_text("Title\n\n" + unit * (size // len(unit)) + "Last words.", encoding="utf-8")
        counts.append(calls_for(lambda p=path: parse_file(p)))
    assert counts[1] <= 20 * counts[0] + 1_000, counts


QUERY_PIECES = ["a", "word", " ", '"', "-", "*", ":", "feed:", "tag:", "is:", "entity:",
                "type:", "after:", "before:", "title:", "unread", "2021-12-01", "7d",
                "PERSON", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\u202e", "\x00", "\n", "(", ")",
                "OR", "NEAR", "^", "+", "é", "字", "nonsense:", '"unclosed']
QUERIES = st.lists(st.one_of(st.sampled_from(QUERY_PIECES), st.text(max_size=3)),
                   max_size=60).map("".join)
NOW = datetime(2025, 1, 1, tzinfo=UTC)


@settings(max_examples=400, deadline=None)
@given(QUERIES)
def test_any_query_parses_or_fails_with_a_clean_message(text: str) -> None:
    try:
        parse_query(text).to_sql(now=NOW)
        parse_query(text, typing=True).to_sql(fts=False, now=NOW)
    except QueryError as exc:
        message = str(exc)
        assert message and not UNSAFE_LINE.search(message), repr(message)
        assert 0 <= exc.position <= len(text)


@pytest.mark.parametrize("piece", ['"', "-", "*", "a ", "x:", "feed:", "after:x ", "é"])
def test_query_parser_work_grows_linearly(piece: str) -> None:
    small = calls_for(lambda: parse_query(piece * (100 // len(piece))).to_sql(now=NOW))
    large = calls_for(lambda: parse_query(piece * (MAX_QUERY_LENGTH // len(piece)))
                      .to_sql(now=NOW))
    assert large <= 20 * small + 1_000, (small, large)
