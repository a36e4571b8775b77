"""Full-text search over stored articles: the FTS5 index and the functions that query it.

The index (lemon24/reader's design, kept in the main file):

* ``articles_fts``: an FTS5 table over ``articles(title, text, source_name)``
  with *external content* (``content='articles'``), so the text is not
  stored twice; ``snippet()`` and ``highlight()`` read it back from
  ``articles`` by key. Tokenizer ``porter unicode61 remove_diacritics 2``
  ("Crème" finds "creme", "elections" finds "election"); prefix indexes for
  2 and 3 characters so search-as-you-type prefixes stay fast.
* Three triggers on ``articles`` (insert, delete, and an update that
  changed title, text or feed name; marking read does not count) note the
  article in ``search_pending``, with the old values an external-content
  index needs to delete a row (only a trigger still sees them).
  :func:`sync_index` applies the notes in one batch. The triggers do not
  write the index themselves: every trigger-firing statement opens a
  savepoint, and FTS5 flushes its buffer into a new segment at each one,
  so indexing row by row cost 0.5-1.2 ms per article instead of ~0.2 ms
  batched. :func:`search` syncs first when anything is pending, so results
  are never stale; syncing right after storing (the refresh worker) keeps
  that cost out of the first search.
* Ranking is ``bm25`` with weights title 4, text 1, feed name 2, given per
  query (``rank MATCH``) so changing them needs no migration. FTS5 sorts by
  rank itself, so the LIMIT stops it early. Snippets cost ~0.1 ms each
  (FTS5 re-reads the text), so only the first rows get one up front.

A SQLite without FTS5 (rare: Python's own builds have it) gets no index and
:func:`search` falls back to ``LIKE`` matching, newest first, after a
warning at migration time. Results carry highlight *offsets*, never markup,
so the UI styles them itself and data can never be read as Rich markup.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from newsreader.query import FTS_TABLE, CompiledQuery, Query, QueryError, parse_query
from newsreader.sanitize import clean_key
from newsreader.store.convert import from_db_time
from newsreader.store.types import ArticleHeader, StoreError

if TYPE_CHECKING:
    from newsreader.store.core import Store

TOKENIZER = "porter unicode61 remove_diacritics 2"
#: bm25 weights for (title, text, source_name).
WEIGHTS = (4.0, 1.0, 2.0)
#: Words of context in a snippet (FTS5 allows at most 64).
SNIPPET_WORDS = 16
ELLIPSIS = "…"
#: Hits of a ranked search that get an :class:`Excerpt` straight away (a screenful).
EXCERPT_ROWS = 30
#: Only the newest this many matches are ranked by bm25; older ones follow,
#: most recently stored first. Only words found in more than 3% of 100k
#: articles reach it, and for such words relevance says little anyway.
RANK_WINDOW = 3000
#: A phrase of two or more words found in more articles than this is not
#: ranked at all (see :func:`_common_phrase`): its matches are listed most
#: recently stored first.
PHRASE_RANK_MAX = 10_000
_NO_FLOOR = 2**63 - 1  # above every key: the "older than the window" tail is everything
#: A set filter (feed:, tag:, entity:, is:bookmarked) of at most this many
#: articles drives a newest-first listing (read through its index, then
#: sorted); a larger one is checked row by row along the date index.
DRIVE_MAX = 1500
# Highlight markers: control characters the store never keeps in text
# (strip_unsafe drops every C0 control but newline and tab), so they cannot
# collide with article content. They never leave this module.
_OPEN, _CLOSE = "\x02", "\x03"
_MARKERS = re.compile("([\x02\x03])")
_SPACES = re.compile(r"\s+")
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
    # Articles whose index entry is out of date. ``indexed`` 1 means the
    # index holds this key with the values in this row (an external-content
    # index can only delete a row when told its old values); 0 means the
    # index does not hold the key. The first change since the last sync
    # wins: it alone says what the index holds.
    """
    CREATE TABLE IF NOT EXISTS search_pending (
        key INTEGER PRIMARY KEY,
        indexed INTEGER NOT NULL,
        title TEXT,
        text TEXT,
        source_name TEXT
    )
    """,
    # NOT EXISTS rather than INSERT OR IGNORE: an outer INSERT OR REPLACE
    # would override a trigger's conflict clause.
    """
    CREATE TRIGGER IF NOT EXISTS articles_search_insert AFTER INSERT ON articles BEGIN
        INSERT INTO search_pending (key, indexed)
        SELECT new.key, 0 WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE key = new.key);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_search_delete AFTER DELETE ON articles BEGIN
        INSERT INTO search_pending (key, indexed, title, text, source_name)
        SELECT old.key, 1, old.title, old.text, old.source_name
        WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE key = old.key);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_search_update
    AFTER UPDATE OF title, text, source_name ON articles
    WHEN old.title IS NOT new.title OR old.text IS NOT new.text
        OR old.source_name IS NOT new.source_name
    BEGIN
        INSERT INTO search_pending (key, indexed, title, text, source_name)
        SELECT old.key, 1, old.title, old.text, old.source_name
        WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE key = old.key);
    END
    """,
    # Every article already stored goes into the index.
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')",
    "DELETE FROM search_pending",
)

# Bring the index up to date with the pending changes: one statement each,
# so FTS5 writes one segment for the whole batch.
_APPLY_PENDING = (
    f"""
    INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, text, source_name)
    SELECT 'delete', key, title, text, source_name FROM search_pending WHERE indexed = 1
    """,
    f"""
    INSERT INTO {FTS_TABLE} (rowid, title, text, source_name)
    SELECT a.key, a.title, a.text, a.source_name
    FROM search_pending AS p JOIN articles AS a ON a.key = p.key
    """,
    "DELETE FROM search_pending",
)

_REBUILD = _CREATE_INDEX[-2:]

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
# FTS5 looks each key up by rowid (one lookup per key in the list).
_EXCERPTS_SQL = (
    f"SELECT rowid, highlight({FTS_TABLE}, 0, char(2), char(3)),"
    f" snippet({FTS_TABLE}, 1, char(2), char(3), '{ELLIPSIS}', {SNIPPET_WORDS})"
    f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?"
    f" AND rowid IN (SELECT value FROM json_each(?))"
)


class SearchCancelled(Exception):
    """``should_stop`` said so while the query ran (the user typed on)."""


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Where a query matched one article, as plain text plus offsets (never markup).

    ``snippet`` is a one-line excerpt of the article text around the best
    match (``…`` where it was cut). ``highlights`` are ``(start, end)``
    offsets of the matched words in ``snippet``; ``title_highlights`` the
    same in the article's title.
    """

    snippet: str
    highlights: tuple[tuple[int, int], ...] = ()
    title_highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: the list row, its bm25 ``rank`` (lower is better; None when
    listed by date) and, for the first rows of a ranked search, its
    :class:`Excerpt` (the UI asks :func:`excerpts` for rows it scrolls to).
    """

    header: ArticleHeader
    rank: float | None = None
    excerpt: Excerpt | None = None


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


def sync_index(source: Store | sqlite3.Connection) -> int:
    """Index the articles stored, changed or deleted since the last sync; return how many.

    Cheap when nothing is pending (one indexed lookup). Runs in its own
    write transaction, or in the caller's if a bare connection is already
    in one.
    """
    if isinstance(source, sqlite3.Connection):
        with _connection(source) as db:
            if not _pending(db):
                return 0
            if db.in_transaction:
                return _apply_pending(db)
            db.execute("BEGIN IMMEDIATE")
            try:
                done = _apply_pending(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return done
    with source._reading() as db:
        if not _pending(db):
            return 0
    with source._writing() as db:
        return _apply_pending(db)


def _pending(db: sqlite3.Connection) -> bool:
    if not has_index(db):
        return False
    return db.execute("SELECT EXISTS (SELECT 1 FROM search_pending)").fetchone()[0] == 1


def _apply_pending(db: sqlite3.Connection) -> int:
    done = int(db.execute("SELECT count(*) FROM search_pending").fetchone()[0])
    for statement in _APPLY_PENDING:
        db.execute(statement)
    return done


def has_index(db: sqlite3.Connection) -> bool:
    """Whether the database has the full-text index (else search uses LIKE)."""
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)
    ).fetchone()
    return row is not None


def rebuild_index(source: Store | sqlite3.Connection) -> None:
    """Rebuild the index from the articles (a repair; never needed in normal use)."""
    if isinstance(source, sqlite3.Connection):
        with _connection(source) as db:
            if has_index(db):
                for statement in _REBUILD:
                    db.execute(statement)
        return
    with source._writing() as db:
        if has_index(db):
            for statement in _REBUILD:
                db.execute(statement)


# --------------------------------------------------------------------------- searching


def search(
    source: Store | sqlite3.Connection,
    query: Query | str,
    *,
    limit: int | None = 200,
    excerpts: int = EXCERPT_ROWS,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[SearchHit]:
    """Articles matching ``query``: best first when it has words, else newest first.

    ``source`` is a :class:`~newsreader.store.Store` (its lock is held while
    the query runs) or a bare connection. A string query is parsed first
    (raising :class:`QueryError`). ``limit`` None returns every match (a
    saved query shown as a feed). The first ``excerpts`` hits of a ranked
    search carry an :class:`Excerpt`; each costs ~0.1 ms, so the rest are
    left to :func:`excerpts`. ``should_stop`` is polled while SQLite works;
    once it returns True the search ends with :class:`SearchCancelled`, so a
    keystroke can abandon a stale search. Database failures raise
    :class:`StoreError`; nothing else escapes.
    """
    if isinstance(query, str):
        query = parse_query(query)
    _sync_quietly(source)
    wanted_rows = _sql_limit(limit)
    with _connection(source) as db:
        compiled = query.to_sql(fts=has_index(db), tz=tz, now=now)
        if compiled.match is None:
            compiled, driven = _listing_sql(db, query, compiled, tz, now, should_stop)
            sql, params = _newest_sql(compiled.where, compiled.params, driven=driven)
            rows = _run(db, sql, (*params, wanted_rows), should_stop)
            return [SearchHit(_header(row)) for row in rows]
        hits: list[SearchHit] = []
        if _common_phrase(db, query, should_stop):
            floor: int | None = _NO_FLOOR
        else:
            floor = _nth_newest(db, compiled.match, RANK_WINDOW, should_stop)
            sql, params = _ranked_sql(compiled.where, compiled.params, compiled.match, floor)
            rows = _run(db, sql, (*params, wanted_rows), should_stop)
            hits = [SearchHit(_header(row), _score(row[7])) for row in rows]
        if floor is not None and (wanted_rows < 0 or len(hits) < wanted_rows):
            sql, params = _tail_sql(compiled.where, compiled.params, compiled.match, floor)
            more = wanted_rows - len(hits) if wanted_rows >= 0 else -1
            rows = _run(db, sql, (*params, more), should_stop)
            hits.extend(SearchHit(_header(row)) for row in rows)
        wanted = [hit.header.key for hit in hits[: max(0, excerpts)]]
        found = _excerpts(db, compiled.match, wanted, should_stop)
    return [
        SearchHit(hit.header, hit.rank, found.get(hit.header.key)) if n < len(wanted) else hit
        for n, hit in enumerate(hits)
    ]


def _listing_sql(
    db: sqlite3.Connection,
    query: Query,
    compiled: CompiledQuery,
    tz: tzinfo | None,
    now: datetime | None,
    should_stop: Callable[[], bool] | None,
) -> tuple[CompiledQuery, bool]:
    """Recompile a query without words so its smallest set filter drives, if one is small.

    Measured at 100k articles: an entity in 71 articles took 0.5 ms read
    through its index and 38 ms by walking the date index; one in 14,000
    took 145 ms and 1 ms. Counting each set up to :data:`DRIVE_MAX` costs
    little, so count and choose.
    """
    smallest: tuple[int, int] | None = None
    for probe in query.probes():
        rows = _run(db, probe.count_sql, (*probe.params, DRIVE_MAX + 1), should_stop)
        size = int(rows[0][0])
        if size <= DRIVE_MAX and (smallest is None or size < smallest[0]):
            smallest = (size, probe.index)
    if smallest is None:
        return compiled, False
    return query.to_sql(fts=has_index(db), tz=tz, now=now, drive=smallest[1]), True


def _nth_newest(
    db: sqlite3.Connection, match: str, n: int, should_stop: Callable[[], bool] | None
) -> int | None:
    """The key of the ``n``-th most recently stored match (None: fewer match).

    FTS5 walks matches in key order for almost nothing, while bm25 costs
    ~2-5 us per match ("the" over 100k articles took 480 ms to rank), so
    ranking is kept to the matches above this key.
    """
    rows = _run(
        db,
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?"
        " ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (match, n - 1),
        should_stop,
    )
    return int(rows[0][0]) if rows else None


def _common_phrase(
    db: sqlite3.Connection, query: Query, should_stop: Callable[[], bool] | None
) -> bool:
    """Whether a phrase of the query matches over :data:`PHRASE_RANK_MAX` articles by itself.

    bm25 first counts the articles each phrase occurs in, matching it across
    the whole index: 88 ms for "the the" at 100k articles even when only 500
    matches were ranked. Such phrases are listed by date instead.
    """
    return any(
        _nth_newest(db, phrase, PHRASE_RANK_MAX + 1, should_stop) is not None
        for phrase in query.phrases()
    )


def excerpts(
    source: Store | sqlite3.Connection,
    query: Query | str,
    keys: list[int],
) -> dict[int, Excerpt]:
    """Excerpts of these articles for ``query`` (the rows the list scrolled to).

    Keys that do not match the query (or no longer exist) are left out; a
    query without words has no excerpts.
    """
    if isinstance(query, str):
        query = parse_query(query)
    with _connection(source) as db:
        if not has_index(db):
            return {}
        match = query.to_sql().match
        return {} if match is None else _excerpts(db, match, keys, None)


def _excerpts(
    db: sqlite3.Connection,
    match: str,
    keys: list[int],
    should_stop: Callable[[], bool] | None,
) -> dict[int, Excerpt]:
    if not keys:
        return {}
    rows = _run(db, _EXCERPTS_SQL, (match, json.dumps([int(key) for key in keys])), should_stop)
    found = {}
    for key, marked_title, marked_text in rows:
        _title, title_marks = _unmark(marked_title or "", one_line=False)
        snippet, marks = _unmark(marked_text or "", one_line=True)
        found[key] = Excerpt(snippet, marks, title_marks)
    return found


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
    _sync_quietly(source)
    with _connection(source) as db:
        compiled = query.to_sql(fts=has_index(db), tz=tz, now=now)
        select = "SELECT count(*), coalesce(sum(articles.read = 0), 0)"
        if compiled.match is None:
            compiled, _driven = _listing_sql(db, query, compiled, tz, now, None)
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


def _sync_quietly(source: Store | sqlite3.Connection) -> None:
    """:func:`sync_index` before a search; if the file is busy, search what is indexed."""
    with suppress(StoreError):
        sync_index(source)


def _newest_sql(
    where: str, params: tuple[Any, ...], *, driven: bool = False
) -> tuple[str, tuple[Any, ...]]:
    """Newest first. ``driven``: a small set filter leads, so the ORDER BY is written so
    the date index cannot serve it (else SQLite walks that index to skip the sort)."""
    order = _NEWEST_FIRST.replace("BY articles.published", "BY +articles.published")
    return (
        f"SELECT {_HEADER_COLUMNS} FROM articles WHERE {where}"
        f" {order if driven else _NEWEST_FIRST} LIMIT ?",
        params,
    )


def _ranked_sql(
    where: str, params: tuple[Any, ...], match: str, floor: int | None
) -> tuple[str, tuple[Any, ...]]:
    # CROSS JOIN keeps the index as the outer loop, so FTS5 hands rows over
    # already sorted by rank and the LIMIT stops it early.
    window = "" if floor is None else f" AND {FTS_TABLE}.rowid >= ?"
    sql = (
        f"SELECT {_HEADER_COLUMNS}, {FTS_TABLE}.rank"
        f" FROM {FTS_TABLE} CROSS JOIN articles ON articles.key = {FTS_TABLE}.rowid"
        f" WHERE {FTS_TABLE} MATCH ? AND {FTS_TABLE}.rank MATCH {_RANK}{window} AND ({where})"
        f" ORDER BY {FTS_TABLE}.rank LIMIT ?"
    )
    return sql, (match, *(() if floor is None else (floor,)), *params)


def _tail_sql(
    where: str, params: tuple[Any, ...], match: str, floor: int
) -> tuple[str, tuple[Any, ...]]:
    """Matches older than the ranking window, most recently stored first."""
    sql = (
        f"SELECT {_HEADER_COLUMNS}"
        f" FROM {FTS_TABLE} CROSS JOIN articles ON articles.key = {FTS_TABLE}.rowid"
        f" WHERE {FTS_TABLE} MATCH ? AND {FTS_TABLE}.rowid < ? AND ({where})"
        f" ORDER BY {FTS_TABLE}.rowid DESC LIMIT ?"
    )
    return sql, (match, floor, *params)


def _sql_limit(limit: int | None) -> int:
    return -1 if limit is None else max(0, int(limit))


@contextmanager
def _connection(source: Store | sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """The connection to use: a Store's under its lock, or a bare one with errors wrapped."""
    if isinstance(source, sqlite3.Connection):
        try:
            yield source
        except sqlite3.Error as exc:
            raise StoreError(f"database error: {clean_key(str(exc))}") from None
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
            raise QueryError(f"cannot search for that ({clean_key(message)})", 0) from None
        raise
    finally:
        if should_stop is not None:
            db.set_progress_handler(None, 0)


def _header(row: Any) -> ArticleHeader:
    key, source, source_name, title, published, read, bookmarked = row[:7]
    return ArticleHeader(
        key, source, source_name, title, from_db_time(published), bool(read), bool(bookmarked)
    )


def _score(rank: Any) -> float | None:
    return float(rank) if isinstance(rank, int | float) and math.isfinite(rank) else None


def _unmark(marked: str, *, one_line: bool) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Text without the highlight markers, and the ``(start, end)`` of each highlight.

    With ``one_line`` every run of whitespace (paragraph breaks included)
    becomes one space and the ends are trimmed, so a snippet fits a list row.
    """
    out: list[str] = []
    length = 0
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for part in _MARKERS.split(marked):
        if part == _OPEN:
            start = length
        elif part == _CLOSE:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        elif part:
            if one_line:
                part = _SPACES.sub(" ", part)
                if part.startswith(" ") and (not out or out[-1].endswith(" ")):
                    part = part[1:]  # no leading space, no double space across a marker
            out.append(part)
            length += len(part)
    if start is not None and length > start:
        spans.append((start, length))
    text = "".join(out)
    if one_line and text.endswith(" "):
        text = text.rstrip(" ")
        spans = [(a, min(b, len(text))) for a, b in spans if a < len(text)]
    return text, tuple(spans)
