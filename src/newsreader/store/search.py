"""Full-text search over stored articles: the FTS5 index and the functions that query it.

The index (lemon24/reader's design, kept in the main file):

* ``articles_fts``: an FTS5 table over ``articles(title, text, source_name)``
  with *external content* (``content='articles'``), so the text is not
  stored twice; ``snippet()`` and ``highlight()`` read it back from
  ``articles`` by key. Tokenizer ``porter unicode61 remove_diacritics 2``
  ("Crème" finds "creme", "elections" finds "election"); prefix indexes for
  2 and 3 characters so search-as-you-type prefixes stay fast.
* Three triggers keep it in step with ``articles`` (insert, delete, and an
  update that changed title, text or feed name; marking read does not touch
  the index). An external-content index must be told the *old* values to
  delete a row, and only a trigger sees them, which is why this is not done
  in :class:`~newsreader.store.core.Store` code.
* Ranking is ``bm25`` with weights title 4, text 1, feed name 2, given per
  query (``rank MATCH``) so changing them needs no migration. FTS5 sorts by
  rank itself, so ``snippet()`` runs only for the rows returned.

A SQLite without FTS5 (rare: Python's own builds have it) gets no index and
:func:`search` falls back to ``LIKE`` matching, newest first, after a
warning at migration time. Results carry highlight *offsets*, never markup,
so the UI styles them itself and data can never be read as Rich markup.
"""

from __future__ import annotations

import math
import sqlite3
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from newsreader.query import FTS_TABLE, Query, QueryError, parse_query
from newsreader.store.convert import clean_line, from_db_time
from newsreader.store.types import ArticleHeader, StoreError

if TYPE_CHECKING:
    from newsreader.store.core import Store

TOKENIZER = "porter unicode61 remove_diacritics 2"
#: bm25 weights for (title, text, source_name).
WEIGHTS = (4.0, 1.0, 2.0)
#: Words of context in a snippet (FTS5 allows at most 64).
SNIPPET_WORDS = 16
ELLIPSIS = "…"
# Highlight markers: control characters the store never keeps in text
# (clean_text drops every C0 control but newline and tab), so they cannot
# collide with article content. They never leave this module.
_OPEN, _CLOSE = "\x02", "\x03"
# How many SQLite VM steps between checks of ``should_stop``.
_PROGRESS_STEPS = 20_000

_CREATE_INDEX = (
    f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        title, text, source_name,
        content='articles', content_rowid='key',
        tokenize='{TOKENIZER}', prefix='2 3'
    )
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO {FTS_TABLE} (rowid, title, text, source_name)
        VALUES (new.key, new.title, new.text, new.source_name);
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, text, source_name)
        VALUES ('delete', old.key, old.title, old.text, old.source_name);
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, text, source_name
    ON articles
    WHEN old.title IS NOT new.title OR old.text IS NOT new.text
        OR old.source_name IS NOT new.source_name
    BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, text, source_name)
        VALUES ('delete', old.key, old.title, old.text, old.source_name);
        INSERT INTO {FTS_TABLE} (rowid, title, text, source_name)
        VALUES (new.key, new.title, new.text, new.source_name);
    END
    """,
    # Every article already stored goes into the index.
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')",
)

# entity: filters look entities up by folded name alone; the table's
# UNIQUE (label, norm) index cannot serve that.
_ENTITIES_BY_NORM = "CREATE INDEX IF NOT EXISTS entities_by_norm ON entities (norm)"

_HEADER_COLUMNS = (
    "articles.key, articles.source, articles.source_name, articles.title, "
    "articles.published, articles.read, "
    "EXISTS (SELECT 1 FROM bookmarks WHERE bookmarks.article_key = articles.key)"
)
# The same order as Store.headers(), served by the articles_by_date index.
_NEWEST_FIRST = "ORDER BY articles.published DESC, articles.title COLLATE NOCASE, articles.key"
_RANK = f"'bm25({', '.join(str(w) for w in WEIGHTS)})'"


class SearchCancelled(Exception):
    """``should_stop`` said so while the query ran (the user typed on)."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: the list row, plus where the query matched.

    ``snippet`` is a one-line excerpt of the article text around the best
    match (``…`` where it was cut; empty when the query has no words).
    ``highlights`` are ``(start, end)`` offsets of matched words in
    ``snippet``; ``title_highlights`` the same in ``header.title``. ``rank``
    is the bm25 score (lower is better), None when listed newest first.
    """

    header: ArticleHeader
    snippet: str = ""
    highlights: tuple[tuple[int, int], ...] = ()
    title_highlights: tuple[tuple[int, int], ...] = ()
    rank: float | None = None


# --------------------------------------------------------------------------- migration


def fts5_available(db: sqlite3.Connection) -> bool:
    """Whether this SQLite can create FTS5 tables (tried in the temp schema)."""
    try:
        db.execute("CREATE VIRTUAL TABLE temp.newsreader_fts5_probe USING fts5(x)")
        db.execute("DROP TABLE temp.newsreader_fts5_probe")
    except sqlite3.Error:
        return False
    return True


def migrate_search(db: sqlite3.Connection) -> None:
    """Schema step: the full-text index over articles, its triggers, and a backfill.

    Safe to run again (everything is ``IF NOT EXISTS``; the backfill rebuilds
    from the articles table). Without FTS5 it creates no index and warns:
    the database must still open, and search falls back to LIKE.
    """
    db.execute(_ENTITIES_BY_NORM)
    if not fts5_available(db):
        warnings.warn(
            "this SQLite has no FTS5: search will be slower and unranked",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    for statement in _CREATE_INDEX:
        db.execute(statement)


def has_index(db: sqlite3.Connection) -> bool:
    """Whether the database has the full-text index (else search uses LIKE)."""
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)
    ).fetchone()
    return row is not None


def rebuild_index(source: Store | sqlite3.Connection) -> None:
    """Rebuild the index from the articles (a repair; never needed in normal use)."""
    with _connection(source) as db:
        if has_index(db):
            db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")


# --------------------------------------------------------------------------- searching


def search(
    source: Store | sqlite3.Connection,
    query: Query | str,
    *,
    limit: int | None = 200,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[SearchHit]:
    """Articles matching ``query``: best first when it has words, else newest first.

    ``source`` is a :class:`~newsreader.store.Store` (its lock is held while
    the query runs) or a bare connection. A string query is parsed first
    (raising :class:`QueryError`). ``limit`` None returns every match (a
    saved query shown as a feed). ``should_stop`` is polled while SQLite
    works; once it returns True the search ends with
    :class:`SearchCancelled`, so a keystroke can abandon a stale search.
    Database failures raise :class:`StoreError`; nothing else escapes.
    """
    if isinstance(query, str):
        query = parse_query(query)
    with _connection(source) as db:
        indexed = has_index(db)
        compiled = query.to_sql(fts=indexed, tz=tz, now=now)
        sql, params = _search_sql(compiled.where, compiled.params, compiled.match)
        rows = _run(db, sql, (*params, _sql_limit(limit)), should_stop)
    if compiled.match is None:
        return [SearchHit(_header(row)) for row in rows]
    return [_hit(row) for row in rows]


def count(
    source: Store | sqlite3.Connection,
    query: Query | str,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
) -> tuple[int, int]:
    """``(total, unread)`` matches: the counts a saved query shows in the feeds pane."""
    if isinstance(query, str):
        query = parse_query(query)
    with _connection(source) as db:
        compiled = query.to_sql(fts=has_index(db), tz=tz, now=now)
        select = "SELECT count(*), coalesce(sum(articles.read = 0), 0)"
        if compiled.match is None:
            sql = f"{select} FROM articles WHERE {compiled.where}"
            params: tuple[Any, ...] = compiled.params
        else:
            sql = (
                f"{select} FROM {FTS_TABLE} CROSS JOIN articles"
                f" ON articles.key = {FTS_TABLE}.rowid"
                f" WHERE {FTS_TABLE} MATCH ? AND ({compiled.where})"
            )
            params = (compiled.match, *compiled.params)
        total, unread = _run(db, sql, params, None)[0]
    return int(total), int(unread)


def _search_sql(
    where: str, params: tuple[Any, ...], match: str | None
) -> tuple[str, tuple[Any, ...]]:
    if match is None:
        return (
            f"SELECT {_HEADER_COLUMNS} FROM articles WHERE {where} {_NEWEST_FIRST} LIMIT ?",
            params,
        )
    # CROSS JOIN keeps the index as the outer loop, so FTS5 hands rows over
    # already sorted by rank and the LIMIT stops it early.
    sql = (
        f"SELECT {_HEADER_COLUMNS},"
        f" highlight({FTS_TABLE}, 0, char(2), char(3)),"
        f" snippet({FTS_TABLE}, 1, char(2), char(3), '{ELLIPSIS}', {SNIPPET_WORDS}),"
        f" {FTS_TABLE}.rank"
        f" FROM {FTS_TABLE} CROSS JOIN articles ON articles.key = {FTS_TABLE}.rowid"
        f" WHERE {FTS_TABLE} MATCH ? AND {FTS_TABLE}.rank MATCH {_RANK} AND ({where})"
        f" ORDER BY {FTS_TABLE}.rank LIMIT ?"
    )
    return sql, (match, *params)


def _sql_limit(limit: int | None) -> int:
    return -1 if limit is None else max(0, int(limit))


@contextmanager
def _connection(source: Store | sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """The connection to use: a Store's under its lock, or a bare one with errors wrapped."""
    if isinstance(source, sqlite3.Connection):
        try:
            yield source
        except sqlite3.Error as exc:
            raise StoreError(f"database error: {clean_line(str(exc))}") from None
    else:
        with source._reading() as db:
            yield db


def _run(
    db: sqlite3.Connection,
    sql: str,
    params: tuple[Any, ...],
    should_stop: Callable[[], bool] | None,
) -> list[Any]:
    if should_stop is not None:
        db.set_progress_handler(lambda: 1 if should_stop() else 0, _PROGRESS_STEPS)
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if should_stop is not None and "interrupt" in message:
            raise SearchCancelled() from None
        if "fts5" in message:
            # The MATCH string is built from quoted tokens only, so this is
            # a bug here rather than a bad query; still, say it in one line.
            raise QueryError(f"cannot search for that ({clean_line(message)})", 0) from None
        raise
    finally:
        if should_stop is not None:
            db.set_progress_handler(None, 0)


def _header(row: Any) -> ArticleHeader:
    key, source, source_name, title, published, read, bookmarked = row[:7]
    return ArticleHeader(
        key, source, source_name, title, from_db_time(published), bool(read), bool(bookmarked)
    )


def _hit(row: Any) -> SearchHit:
    header = _header(row)
    marked_title, marked_snippet, rank = row[7:10]
    _title, title_marks = _unmark(marked_title or "", one_line=False)
    snippet, marks = _unmark(marked_snippet or "", one_line=True)
    score = float(rank) if isinstance(rank, int | float) and math.isfinite(rank) else None
    return SearchHit(header, snippet, marks, title_marks if _title == header.title else (), score)


def _unmark(marked: str, *, one_line: bool) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Text without the highlight markers, and the ``(start, end)`` of each highlight.

    With ``one_line`` every run of whitespace (paragraph breaks included)
    becomes one space and the ends are trimmed, so a snippet fits a list row.
    """
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    start: int | None = None
    pending_space = False
    for char in marked:
        if char == _OPEN:
            if pending_space and out:
                out.append(" ")
            pending_space = False
            start = len(out)
        elif char == _CLOSE:
            if start is not None and len(out) > start:
                spans.append((start, len(out)))
            start = None
        elif one_line and char.isspace():
            pending_space = True
        else:
            if pending_space and out:
                out.append(" ")
            pending_space = False
            out.append(char)
    if start is not None and len(out) > start:
        spans.append((start, len(out)))
    return "".join(out), tuple(spans)
