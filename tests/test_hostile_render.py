"""Property: arbitrary strings shown in the list and the reader stay inert text.

Hypothesis writes articles whose title, author, feed name and text mix Rich
and Textual markup (``[link=file://...]``, ``[@click=app.bell]``), ANSI and
OSC sequences, C0/C1 controls, bidi overrides and zero-width characters with
arbitrary text. Half of them go through the store (cleaned at ingest), the
other half are written straight into SQLite, as an older version or another
tool could have, so the UI's own last line of defence is tested too. The
real app then shows each article, and the whole screen is checked:

* no segment carries a control, escape, bidi or zero-width character;
* no hyperlink other than an http(s) one, no click action smuggled in;
* the reader's title is exactly the cleaned title with no style spans, and
  its body is the cleaned text, whose styled spans (link references, a
  ``Links:`` block) lie inside it and link nowhere but http(s), so no
  style reaches beyond the text it belongs to and nothing was parsed as
  markup (markup would have been consumed from the text).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.models import Article
from newsreader.store import Store
from newsreader.ui.text import safe_line, safe_text
from test_hostile_files import screen_problems
from test_ui_app import make_app, panes, settle

_FRAGMENTS = [
    "[bold red]", "[/]", "[/bold]", "[link=file:///etc/passwd]", "[/link]", "[@click=app.bell]",
    "[on red]", ":skull:", "\\[", "\x1b[31m", "\x1b[2J", "\x1b]8;;file:///etc/passwd\x1b\\",
    "\x1b]52;c;aGk=\x07", "\x1b]0;pwned\x07", "\x9b31m", "\x9d", "\x07", "\x00", "\r", "\n",
    "\n\n", "\t", "\x85", "\u2028", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\u00ad",
    "字", "é", "\u0645", "Z\u0351\u036b", "👩\u200d👩", " ", "a", "Merkle", "[1]",
    "https://e.org/x", "https://e.org/x [2]", "Links:\n[1] https://e.org/a\n[2] javascript:x",
]
HOSTILE = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=4)),
                   min_size=1, max_size=12).map("".join)
ARTICLE = st.fixed_dictionaries(
    {"title": HOSTILE, "text": HOSTILE, "author": HOSTILE, "source_name": HOSTILE}
)


# What a terminal acts on or what reorders text: never on screen, whoever wrote the row.
# (Zero-width characters are removed at ingest by every source; a row written by
# another tool keeps them, which is ugly but inert, so they are not checked here.)
TERMINAL_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def write_articles(db: Path, drafts: list[dict[str, str]]) -> None:
    """Odd drafts through the store; even ones also raw into SQLite, uncleaned."""
    with Store.open(db) as store:
        keys = store.add_articles(
            [Article(id=f"a{n}", source="https://example.invalid/feed", source_name="Feed",
                     title=f"plain {n}", text="plain") for n in range(len(drafts))]
        )
        for key, draft in zip(keys, drafts, strict=True):
            if key % 2:
                store.add_articles([Article(
                    id=f"a{keys.index(key)}", source="https://example.invalid/feed",
                    source_name=draft["source_name"], title=draft["title"],
                    text=draft["text"], author=draft["author"])])
    with contextlib.closing(sqlite3.connect(db)) as con:
        for key, draft in zip(keys, drafts, strict=True):
            if not key % 2:
                con.execute(
                    "UPDATE articles SET title = ?, text = ?, author = ?, source_name = ? "
                    "WHERE key = ?",
                    (draft["title"].replace("\x00", ""), draft["text"].replace("\x00", ""),
                     draft["author"], draft["source_name"], key),
                )
        con.commit()


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(drafts=st.lists(ARTICLE, min_size=4, max_size=4))
async def test_arbitrary_strings_render_as_inert_text(
    drafts: list[dict[str, str]], tmp_path_factory: Any, fake_extractor: Any,
) -> None:
    folder = tmp_path_factory.mktemp("render")
    db = folder / "news.db"
    write_articles(db, drafts)
    (folder / "none").mkdir()  # a source with nothing in it: the list shows the store
    app = make_app(db, [str(folder / "none")], fake_extractor)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        articles, reader, _ = panes(app)
        assert articles.row_count == len(drafts)
        for index in range(articles.row_count):
            if index:
                await pilot.press("j")
                await settle(app, pilot)
            assert screen_problems(app, TERMINAL_UNSAFE) == []
            article = reader.article
            assert article is not None
            title = reader.title_content
            assert title.plain == (safe_line(article.title) or "(untitled)")
            assert not list(title.spans)
            body = reader.body_content
            assert body.plain == safe_text(article.text)
            for span in body.spans:  # the reader's own styling, inside the text
                assert 0 <= span.start < span.end <= len(body.plain)
                link = getattr(span.style, "link", None)
                assert not link or link.startswith(("http://", "https://")), link
            meta = reader.meta_content
            assert not TERMINAL_UNSAFE.search(meta.plain)
