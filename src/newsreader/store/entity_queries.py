"""Reading the store by entity: the list filter, the entity view and ``newsreader entity``.

A mixin of :class:`~newsreader.store.core.Store` (like
:mod:`newsreader.store.subscriptions`): it only reads, through the Store's
connection helpers. Every lookup names an entity the way a person would
(label and any spelling) and folds it with :func:`entity_identity`, the
same rule the rows were written under, so "U.N." finds "United Nations".
``label=None`` means "any label" (the CLI without ``--type``).

Which articles count: the list filter follows the list (live articles, or
the bookmarks in the bookmarks view); everything else also counts
bookmarked copies of articles whose source dropped them, as
:meth:`Store.articles_mentioning` does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from newsreader.sanitize import clean_key
from newsreader.store.convert import from_db_time
from newsreader.store.names import entity_identity, normalize_name
from newsreader.store.types import ArticleHeader

__all__ = ["EntityArticle", "EntityFilter", "EntityQueries", "EntityRef"]

#: Labels left out of "often mentioned with": every story has a date.
CO_SKIP_LABELS: tuple[str, ...] = ("DATE",)


@dataclass(frozen=True, slots=True)
class EntityFilter:
    """"Only articles that mention this entity": the list filter as a value.

    Small on purpose: the search language builds on it (``entity:NAME
    type:LABEL``), and the UI only keeps, compares and shows it. ``label``
    None matches the name under any label.
    """

    label: str | None
    name: str

    def describe(self) -> str:
        """How the status line names the filter."""
        return clean_key(self.name).strip() or "?"


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity as stored: its label, display name and how often it occurs.

    ``articles`` and ``mentions`` count what the query was about: all of the
    entity's articles for :meth:`EntityQueries.find_entities`, the shared
    ones for :meth:`EntityQueries.co_occurring`.
    """

    label: str
    name: str
    articles: int
    mentions: int


@dataclass(frozen=True, slots=True)
class EntityArticle:
    """One article mentioning an entity, with its source id and mention count."""

    header: ArticleHeader
    article_id: str
    mentions: int


def _where(label: str | None, name: str) -> tuple[str, list[Any]]:
    """SQL condition on ``entities AS e`` selecting the entity (or, label None, entities)."""
    name = clean_key(name)
    if label is None:
        return "e.norm = ?", [normalize_name(name)]
    return "e.label = ? AND e.norm = ?", list(entity_identity(clean_key(label), name))


def _ids(label: str | None, name: str) -> tuple[str, list[Any]]:
    """A subquery of the entity's row ids.

    Mentions are then filtered with ``entity_id IN (...)``, which walks the
    ``mentions_by_entity`` index; a join on ``entities`` lets SQLite scan
    every mention instead when the label is not given.
    """
    where, params = _where(label, name)
    return f"SELECT e.id FROM entities AS e WHERE {where}", params


def _hits(label: str | None, name: str) -> tuple[str, list[Any]]:
    """A CTE ``hits(key, n)``: the entity's articles and its mentions in each."""
    ids, params = _ids(label, name)
    return (
        "hits AS (SELECT article_key AS key, count(*) AS n FROM mentions "
        f"WHERE entity_id IN ({ids}) GROUP BY article_key)",
        params,
    )


def _header(row: Sequence[Any]) -> ArticleHeader:
    key, source, source_name, title, published, read, bookmarked = row[:7]
    return ArticleHeader(
        key, source, source_name, title, from_db_time(published), bool(read), bool(bookmarked)
    )


class EntityQueries:
    """Entity lookups of the Store (see the module docstring)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def find_entities(self, name: str, label: str | None = None) -> list[EntityRef]:
        """The stored entities ``name`` folds to (one per label), most mentioned first."""
        where, params = _where(label, name)
        with self._reading() as db:
            rows = db.execute(
                "SELECT e.label, e.name, count(DISTINCT m.article_key), count(*) "
                "FROM entities AS e JOIN mentions AS m ON m.entity_id = e.id "
                f"WHERE {where} GROUP BY e.id ORDER BY 4 DESC, 1",
                params,
            ).fetchall()
        return [EntityRef(*row) for row in rows]

    def headers_mentioning(
        self, label: str | None, name: str, *, bookmarked_only: bool = False
    ) -> list[ArticleHeader]:
        """The list pane's rows, filtered to articles that mention the entity.

        Same rows and order as :meth:`Store.headers` (newest first), so the
        filter narrows the list without reshuffling it.
        """
        ids, params = _ids(label, name)
        mentioning = f"SELECT article_key FROM mentions WHERE entity_id IN ({ids})"
        if bookmarked_only:
            sql = (
                "SELECT article_key, source, source_name, title, published, read, 1 "
                f"FROM bookmarks WHERE article_key IN ({mentioning}) "
                "ORDER BY published DESC, title COLLATE NOCASE, article_key"
            )
        else:
            sql = (
                "SELECT a.key, a.source, a.source_name, a.title, a.published, a.read, "
                "b.article_key IS NOT NULL "
                "FROM articles AS a LEFT JOIN bookmarks AS b ON b.article_key = a.key "
                f"WHERE a.key IN ({mentioning}) "
                "ORDER BY a.published DESC, a.title COLLATE NOCASE, a.key"
            )
        with self._reading() as db:
            rows = db.execute(sql, params).fetchall()
        return [_header(row) for row in rows]

    def entity_articles(self, name: str, label: str | None = None) -> list[EntityArticle]:
        """Every stored article mentioning the entity, newest first, with mention counts."""
        hits, params = _hits(label, name)
        with self._reading() as db:
            rows = db.execute(
                f"WITH {hits} "
                "SELECT a.key AS key, a.source, a.source_name, a.title AS title, "
                "a.published AS published, a.read, "
                "EXISTS (SELECT 1 FROM bookmarks WHERE article_key = a.key), a.article_id, h.n "
                "FROM hits AS h JOIN articles AS a ON a.key = h.key "
                "UNION ALL "
                "SELECT b.article_key, b.source, b.source_name, b.title, b.published, b.read, 1, "
                "b.article_id, h.n FROM hits AS h JOIN bookmarks AS b ON b.article_key = h.key "
                "WHERE NOT EXISTS (SELECT 1 FROM articles WHERE key = h.key) "
                "ORDER BY published DESC, title COLLATE NOCASE, key",
                params,
            ).fetchall()
        return [EntityArticle(_header(row), row[7], int(row[8])) for row in rows]

    def entity_timeline(self, label: str | None, name: str) -> list[tuple[date, int]]:
        """Mentions per day, oldest first, days without mentions left out.

        A day is the UTC day the article was published; an undated article
        counts on the day it was first stored (a bookmarked copy: the day
        it was bookmarked), so it still shows up somewhere.
        """
        hits, params = _hits(label, name)
        with self._reading() as db:
            rows = db.execute(
                f"WITH {hits} "
                "SELECT substr(coalesce(a.published, a.first_seen), 1, 10), sum(h.n) "
                "FROM hits AS h JOIN articles AS a ON a.key = h.key GROUP BY 1 "
                "UNION ALL "
                "SELECT substr(coalesce(b.published, b.bookmarked_at), 1, 10), sum(h.n) "
                "FROM hits AS h JOIN bookmarks AS b ON b.article_key = h.key "
                "WHERE NOT EXISTS (SELECT 1 FROM articles WHERE key = h.key) GROUP BY 1",
                params,
            ).fetchall()
        days: dict[date, int] = {}
        for day, count in rows:
            try:
                when = date.fromisoformat(day)
            except (TypeError, ValueError):  # a damaged row: leave it out of the picture
                continue
            days[when] = days.get(when, 0) + int(count)
        return sorted(days.items())

    def co_occurring(
        self,
        label: str | None,
        name: str,
        *,
        limit: int = 10,
        skip_labels: Sequence[str] = CO_SKIP_LABELS,
    ) -> list[EntityRef]:
        """The entities most often found in the same articles, most shared articles first.

        ``articles`` is how many articles they share, ``mentions`` how often
        the other entity is mentioned in those. Dates are left out by
        default: every story has one, so they say nothing about company.
        """
        ids, params = _ids(label, name)
        skip = [clean_key(s) for s in skip_labels]
        skipping = f" AND o.label NOT IN ({', '.join('?' for _ in skip)})" if skip else ""
        with self._reading() as db:
            # Count per companion first, then look the few rows up: the
            # grouping runs over (entity id, article) only, no joined names.
            rows = db.execute(
                f"WITH target AS ({ids}), "
                "arts AS (SELECT DISTINCT article_key FROM mentions "
                "WHERE entity_id IN (SELECT id FROM target)), "
                "counts AS (SELECT m.entity_id AS id, count(DISTINCT m.article_key) AS shared, "
                "count(*) AS n FROM arts JOIN mentions AS m ON m.article_key = arts.article_key "
                "WHERE m.entity_id NOT IN (SELECT id FROM target) GROUP BY m.entity_id) "
                "SELECT o.label, o.name, c.shared, c.n FROM counts AS c "
                f"JOIN entities AS o ON o.id = c.id WHERE 1{skipping} "
                "ORDER BY 3 DESC, 4 DESC, 2 COLLATE NOCASE LIMIT ?",
                [*params, *skip, max(0, int(limit))],
            ).fetchall()
        return [EntityRef(*row) for row in rows]


def dense_days(
    timeline: Sequence[tuple[date, int]], *, max_days: int = 3660, min_days: int = 0
) -> list[int]:
    """Counts for every day of a sparse timeline, with a zero day in front.

    The leading zero (the day before the first mention had none) gives a
    sparkline its floor, so a steady one-a-day entity does not draw as
    empty. ``min_days`` pads the front with more empty days, so a short
    history still reads as "quiet, then this". At most ``max_days`` values
    (the zeros included), the most recent.
    """
    if not timeline:
        return []
    counts = dict(timeline)
    last = timeline[-1][0].toordinal()
    first = min(timeline[0][0].toordinal() - 1, last - min_days + 1)
    first = max(first, last - max_days + 1, 1)
    return [counts.get(date.fromordinal(day), 0) for day in range(first, last + 1)]
