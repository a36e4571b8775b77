"""Saved queries and the per-feed / per-tag article lists the feeds pane selects.

A mixin of :class:`~newsreader.store.core.Store`. Saved queries are named
query-language strings (newsboat's query feeds, elfeed's saved searches)
listed in the feeds pane beside the feeds; their counts come from
:meth:`Store.count_query`. The pane also lists each feed and each tag, and
choosing one narrows the article list, so the header queries for "this
feed" and "feeds with this tag" live here too, next to the pane's other
reads. Only this module writes the ``saved_queries`` table.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newsreader.sanitize import clean_key
from newsreader.store.convert import from_db_time, now_db_time
from newsreader.store.types import ArticleHeader, StoreError

#: Longest name and query kept; longer ones are refused rather than cut.
MAX_NAME = 200
MAX_QUERY = 1000

# Live articles of a set of sources (a feed's own source, or each file of a
# folder), newest first, with the bookmark flag; same columns as Store.headers.
_FEED_HEADERS = """
    SELECT a.key, a.source, a.source_name, a.title, a.published, a.read,
           b.article_key IS NOT NULL
    FROM articles AS a LEFT JOIN bookmarks AS b ON b.article_key = a.key
    WHERE {where}
    ORDER BY a.published DESC, a.title COLLATE NOCASE, a.key
"""


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """One saved query: its ``id``, the user's ``name`` and the ``query`` text."""

    id: int
    name: str
    query: str
    position: int
    created_at: datetime | None


def _header(row: Sequence[Any]) -> ArticleHeader:
    key, source, source_name, title, published, read, bookmarked = row[:7]
    return ArticleHeader(
        key, source, source_name, title, from_db_time(published), bool(read), bool(bookmarked)
    )


def _clean_name(name: str) -> str:
    cleaned = clean_key(name).strip()
    if not cleaned:
        raise StoreError("a saved query needs a name")
    if len(cleaned) > MAX_NAME:
        raise StoreError(f"a saved query name is at most {MAX_NAME} characters")
    return cleaned


def _clean_query(query: str) -> str:
    cleaned = clean_key(query).strip()
    if not cleaned:
        raise StoreError("a saved query needs a query")
    if len(cleaned) > MAX_QUERY:
        raise StoreError(f"a saved query is at most {MAX_QUERY} characters")
    return cleaned


def _sources_where(rows: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """A WHERE clause over ``a.source`` for feeds given as (source, kind) pairs."""
    parts: list[str] = []
    params: list[str] = []
    for source, kind in rows:
        if kind == "folder":
            # A folder's articles are stored under each file's path inside it.
            parts.append("(a.source = ? OR (a.source >= ? AND a.source < ?))")
            params.extend((source, source + "/", source + "0"))
        else:
            parts.append("a.source = ?")
            params.append(source)
    return (" OR ".join(parts) or "0"), params


class SavedQueries:
    """Saved-query and feed-pane methods of the Store (see the module docstring)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _writing(self) -> AbstractContextManager[sqlite3.Connection]: ...

    # --- saved queries ----------------------------------------------------
    def saved_queries(self) -> list[SavedQuery]:
        """Every saved query in the user's order."""
        with self._reading() as db:
            rows = db.execute(
                "SELECT id, name, query, position, created_at FROM saved_queries "
                "ORDER BY position, id"
            ).fetchall()
        return [SavedQuery(r[0], r[1], r[2], r[3], from_db_time(r[4])) for r in rows]

    def saved_query(self, name: str) -> SavedQuery | None:
        """The saved query called ``name`` (exactly), or None."""
        cleaned = clean_key(name).strip()
        return next((q for q in self.saved_queries() if q.name == cleaned), None)

    def add_saved_query(self, name: str, query: str) -> SavedQuery:
        """Save ``query`` under ``name`` at the end of the list.

        Saving under a name that exists replaces that query's text and keeps
        its place, so "save this search" twice with one name is not an error.
        The caller checks the query parses (:func:`newsreader.query.parse_query`);
        the store keeps text, not parsed queries, so a saved ``after:7d``
        keeps meaning "the last week".
        """
        name, query = _clean_name(name), _clean_query(query)
        with self._writing() as db:
            row = db.execute("SELECT id FROM saved_queries WHERE name = ?", (name,)).fetchone()
            if row is not None:
                db.execute("UPDATE saved_queries SET query = ? WHERE id = ?", (query, row[0]))
            else:
                last = db.execute("SELECT coalesce(max(position), -1) FROM saved_queries")
                position = int(last.fetchone()[0]) + 1
                db.execute(
                    "INSERT INTO saved_queries (name, query, position, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    (name, query, position, now_db_time()),
                )
        found = self.saved_query(name)
        assert found is not None
        return found

    def rename_saved_query(self, name: str, new_name: str) -> bool:
        """Rename; False when ``name`` is not saved. Refuses a name already taken."""
        old, new = clean_key(name).strip(), _clean_name(new_name)
        with self._writing() as db:
            row = db.execute("SELECT id FROM saved_queries WHERE name = ?", (old,)).fetchone()
            if row is None:
                return False
            if new != old and db.execute(
                "SELECT 1 FROM saved_queries WHERE name = ?", (new,)
            ).fetchone():
                raise StoreError(f"a saved query is already called {new!r}")
            db.execute("UPDATE saved_queries SET name = ? WHERE id = ?", (new, row[0]))
        return True

    def set_saved_query_text(self, name: str, query: str) -> bool:
        """Change what a saved query asks; False when ``name`` is not saved."""
        text = _clean_query(query)
        with self._writing() as db:
            cursor = db.execute(
                "UPDATE saved_queries SET query = ? WHERE name = ?",
                (text, clean_key(name).strip()),
            )
        return cursor.rowcount > 0

    def delete_saved_query(self, name: str) -> bool:
        """Forget a saved query (articles are untouched); False when it was not saved."""
        with self._writing() as db:
            cursor = db.execute(
                "DELETE FROM saved_queries WHERE name = ?", (clean_key(name).strip(),)
            )
        return cursor.rowcount > 0

    def reorder_saved_queries(self, names: Sequence[str]) -> None:
        """Put the saved queries in this order; ones not named keep their order, after."""
        wanted = [clean_key(n).strip() for n in names]
        with self._writing() as db:
            rows = db.execute("SELECT id, name FROM saved_queries ORDER BY position, id").fetchall()
            rank = {name: i for i, name in enumerate(dict.fromkeys(wanted))}
            ordered = sorted(
                enumerate(rows), key=lambda item: (rank.get(item[1][1], len(rank)), item[0])
            )
            db.executemany(
                "UPDATE saved_queries SET position = ? WHERE id = ?",
                ((position, row[0]) for position, (_, row) in enumerate(ordered)),
            )

    def move_saved_query(self, name: str, step: int) -> bool:
        """Move one saved query up (negative ``step``) or down the list; False if unknown."""
        names = [q.name for q in self.saved_queries()]
        cleaned = clean_key(name).strip()
        if cleaned not in names:
            return False
        index = names.index(cleaned)
        target = max(0, min(len(names) - 1, index + step))
        names.insert(target, names.pop(index))
        self.reorder_saved_queries(names)
        return True

    # --- what a feed or a tag lists ----------------------------------------
    def headers_for_feed(self, url: str) -> list[ArticleHeader]:
        """The stored articles of one subscription (a folder: of every file in it)."""
        cleaned = clean_key(url).strip()
        with self._reading() as db:
            row = db.execute(
                "SELECT source, kind FROM subscriptions WHERE url = ? OR source = ? LIMIT 1",
                (cleaned, cleaned),
            ).fetchone()
            if row is None:
                return []
            where, params = _sources_where([(row[0], row[1])])
            rows = db.execute(_FEED_HEADERS.format(where=where), params).fetchall()
        return [_header(r) for r in rows]

    def headers_for_tag(self, tag: str) -> list[ArticleHeader]:
        """The stored articles of every subscription carrying ``tag`` (case ignored)."""
        wanted = clean_key(tag).strip().casefold()
        with self._reading() as db:
            feeds = db.execute("SELECT source, kind, tags FROM subscriptions").fetchall()
            chosen = [(source, kind) for source, kind, tags in feeds if wanted in _tags(tags)]
            if not chosen:
                return []
            where, params = _sources_where(chosen)
            rows = db.execute(_FEED_HEADERS.format(where=where), params).fetchall()
        return [_header(r) for r in rows]


def _tags(value: str | None) -> set[str]:
    try:
        tags = json.loads(value or "[]")
    except ValueError:
        return set()
    if not isinstance(tags, list):
        return set()
    return {clean_key(t).strip().casefold() for t in tags if isinstance(t, str)}
