"""Subscriptions as the store keeps them: feeds, their refresh state, tags and retention.

A mixin of :class:`~newsreader.store.core.Store`, kept apart so the article
code and the feed code each stay readable; it uses the Store's connection
helpers and writes nothing else. The refresh engine and the feeds service
(:mod:`newsreader.feeds`) read :class:`Feed` values and hand state back
through :meth:`Subscriptions.update_feed_state`; only this module writes the
``subscriptions`` and ``tombstones`` tables.

A feed is named by its ``url`` or, after it moved, by its original
``source`` too, so ``newsreader remove OLD-URL`` still finds it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from newsreader.sanitize import clean_key
from newsreader.store.convert import from_db_time, now_db_time, to_db_time
from newsreader.store.types import Feed, FeedSpec, FeedStateUpdate, StoreError

_KINDS = ("url", "file", "folder")

_FEED_COLUMNS = (
    "s.id, s.url, s.source, s.kind, s.title, s.user_title, s.tags, s.added_at, s.site_url, "
    "s.etag, s.last_modified, s.body_hash, s.next_attempt, s.last_attempt, s.last_success, "
    "s.last_error, s.error_count, s.max_age_days, s.max_count"
)
# Counts per feed in one statement: per-source totals once, then matched to
# feeds by equal source, or by path prefix for a folder (whose articles are
# stored under each file's own path). The range [folder/, folder0) is every
# string starting with "folder/" ('0' follows '/'), and can use the index.
_FEEDS_SQL = f"""
    WITH counts AS (
        SELECT source, count(*) AS total, sum(read = 0) AS unread
        FROM articles GROUP BY source
    ),
    per_feed AS (
        SELECT s.id AS id, c.total AS total, c.unread AS unread
        FROM subscriptions AS s JOIN counts AS c ON c.source = s.source
        UNION ALL
        SELECT s.id, c.total, c.unread
        FROM subscriptions AS s JOIN counts AS c
            ON s.kind = 'folder' AND c.source >= s.source || '/' AND c.source < s.source || '0'
    )
    SELECT {_FEED_COLUMNS}, coalesce(sum(p.unread), 0), coalesce(sum(p.total), 0)
    FROM subscriptions AS s LEFT JOIN per_feed AS p ON p.id = s.id
    GROUP BY s.id ORDER BY s.added_at, s.id
"""

#: Tombstones of articles the feed has stopped sending are forgotten after
#: this long: long enough that a feed which drops and re-adds items (A/B
#: pages, flapping CDNs) does not resurrect deleted ones, short enough that
#: the table stays about as large as the feeds themselves.
TOMBSTONE_GRACE = timedelta(days=30)


def infer_kind(url: str) -> str:
    """``url`` for http(s), else ``file`` (callers that know it is a folder say so)."""
    return "url" if url.lower().startswith(("http://", "https://")) else "file"


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as stored: one line each, trimmed, no empties, no repeats, order kept."""
    cleaned = (clean_key(str(tag)).strip() for tag in tags)
    return tuple(dict.fromkeys(tag for tag in cleaned if tag))


def _validator(value: str | None) -> str | None:
    """An ETag/Last-Modified kept byte-for-byte, or dropped if it carries controls.

    A validator only works unchanged, so it is never "cleaned"; one with
    control characters (a hostile server) is not stored at all, which costs
    that server its 304s and nothing else.
    """
    if value is None or clean_key(value) != value or "\n" in value or "\t" in value:
        return None
    return value


def _tags_from_db(value: str | None) -> tuple[str, ...]:
    try:
        tags = json.loads(value or "[]")
    except ValueError:
        return ()
    return clean_tags(tag for tag in tags if isinstance(tag, str)) if isinstance(tags, list) else ()


def _feed(row: Sequence[Any]) -> Feed:
    (
        _id, url, source, kind, title, user_title, tags, added_at, site_url, etag,
        last_modified, body_hash, next_attempt, last_attempt, last_success, last_error,
        error_count, max_age_days, max_count, unread, total,
    ) = row
    return Feed(
        url=url,
        source=source,
        kind=kind,
        title=title,
        user_title=user_title,
        tags=_tags_from_db(tags),
        added_at=from_db_time(added_at),
        site_url=site_url,
        etag=etag,
        last_modified=last_modified,
        body_hash=body_hash,
        next_attempt=from_db_time(next_attempt),
        last_attempt=from_db_time(last_attempt),
        last_success=from_db_time(last_success),
        last_error=last_error,
        error_count=int(error_count or 0),
        max_age_days=None if max_age_days is None else float(max_age_days),
        max_count=None if max_count is None else int(max_count),
        unread=int(unread),
        total=int(total),
    )


def _feed_articles(source: str, kind: str) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause (and its parameters) matching a feed's articles or tombstones."""
    if kind == "folder":
        return "(source = ? OR (source >= ? AND source < ?))", (source, source + "/", source + "0")
    return "source = ?", (source,)


class Subscriptions:
    """Feed methods of the Store (see the module docstring)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _writing(self) -> AbstractContextManager[sqlite3.Connection]: ...
        @staticmethod
        def _prune_entities(db: sqlite3.Connection) -> None: ...

    # --- the plain URL list (what the app opens at start-up) -------------
    def subscriptions(self) -> list[str]:
        """Subscribed URLs and paths, in the order they were added."""
        with self._reading() as db:
            rows = db.execute("SELECT url FROM subscriptions ORDER BY added_at, id").fetchall()
        return [row[0] for row in rows]

    def add_subscription(self, url: str, title: str | None = None) -> bool:
        """Subscribe (a new title replaces the old one); return False if already subscribed."""
        added = self.add_feed(url, title)
        if not added and title is not None:
            self.rename_feed(url, title)
        return added

    def remove_subscription(self, url: str) -> bool:
        """Unsubscribe; return False if it was not subscribed. Articles stay.

        :meth:`remove_feed` is the one that also deletes the feed's articles.
        """
        with self._writing() as db:
            found = self._find(db, url)
            if found is None:
                return False
            db.execute("DELETE FROM subscriptions WHERE id = ?", (found[0],))
        return True

    # --- reading feeds ----------------------------------------------------
    def feeds(self) -> list[Feed]:
        """Every subscription with its state and unread/total counts, in the order added."""
        with self._reading() as db:
            rows = db.execute(_FEEDS_SQL).fetchall()
        return [_feed(row) for row in rows]

    def feed(self, url: str) -> Feed | None:
        """One subscription, by its current URL or by the URL it was added with."""
        with self._reading() as db:
            found = self._find(db, url)
            if found is None:
                return None
            feed_id, _url, source, kind = found
            where, params = _feed_articles(source, kind)
            row = db.execute(
                f"SELECT {_FEED_COLUMNS}, "
                f"(SELECT coalesce(sum(read = 0), 0) FROM articles WHERE {where}), "
                f"(SELECT count(*) FROM articles WHERE {where}) "
                "FROM subscriptions AS s WHERE s.id = ?",
                (*params, *params, feed_id),
            ).fetchone()
        return None if row is None else _feed(row)

    @staticmethod
    def _find(db: sqlite3.Connection, url: str) -> tuple[int, str, str, str] | None:
        """``(id, url, source, kind)`` of the feed at ``url`` (current first, then original)."""
        url = clean_key(url).strip()
        for column in ("url", "source"):
            row = db.execute(
                f"SELECT id, url, source, kind FROM subscriptions WHERE {column} = ?", (url,)
            ).fetchone()
            if row is not None:
                return row[0], row[1], row[2], row[3]
        return None

    @staticmethod
    def _fetch_in_full_next(db: sqlite3.Connection, article_key: int) -> None:
        """Make the next refresh of this article's feed download and parse it whatever it is.

        Its validators and body hash are forgotten (inside the caller's
        transaction), so neither a 304 nor an unchanged body skips it.
        """
        db.execute(
            "UPDATE subscriptions SET etag = NULL, last_modified = NULL, body_hash = NULL "
            "WHERE source = (SELECT source FROM articles WHERE key = ?)",
            (article_key,),
        )

    # --- adding and changing ---------------------------------------------
    def add_feed(
        self,
        url: str,
        title: str | None = None,
        tags: Iterable[str] = (),
        *,
        kind: str | None = None,
        site_url: str | None = None,
    ) -> bool:
        """Subscribe to ``url``; return False if it was already subscribed.

        ``title`` is the user's title for it (kept over the feed's own).
        Subscribing again adds any new ``tags`` and changes nothing else.
        """
        return self.add_feeds([FeedSpec(url, title, tuple(tags), kind, site_url)])[0]

    def add_feeds(self, specs: Iterable[FeedSpec]) -> list[bool]:
        """Subscribe to many feeds in one transaction (an imported list); True for each new one.

        A URL that is already subscribed (also as the original URL of a
        feed that moved) is not added again; its new tags are merged in.
        """
        prepared = []
        for spec in specs:
            url = clean_key(spec.url).strip()
            if not url:
                raise StoreError("a subscription needs a URL")
            kind = spec.kind or infer_kind(url)
            if kind not in _KINDS:
                raise StoreError(f"unknown subscription kind {clean_key(kind)!r}")
            title = clean_key(spec.title).strip() if spec.title else None
            site = clean_key(spec.site_url).strip() if spec.site_url else None
            prepared.append((url, kind, title or None, clean_tags(spec.tags), site or None))
        results: list[bool] = []
        now = now_db_time()
        with self._writing() as db:
            for url, kind, title, tags, site in prepared:
                found = self._find(db, url)
                if found is not None:
                    if tags:
                        self._merge_tags(db, found[0], tags)
                    results.append(False)
                    continue
                db.execute(
                    "INSERT INTO subscriptions (url, source, kind, user_title, tags, added_at, "
                    "site_url) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (url, url, kind, title, json.dumps(list(tags), ensure_ascii=False), now, site),
                )
                results.append(True)
        return results

    @staticmethod
    def _merge_tags(db: sqlite3.Connection, feed_id: int, tags: tuple[str, ...]) -> None:
        old = _tags_from_db(
            db.execute("SELECT tags FROM subscriptions WHERE id = ?", (feed_id,)).fetchone()[0]
        )
        merged = clean_tags((*old, *tags))
        if merged != old:
            db.execute(
                "UPDATE subscriptions SET tags = ? WHERE id = ?",
                (json.dumps(list(merged), ensure_ascii=False), feed_id),
            )

    def rename_feed(self, url: str, title: str | None) -> bool:
        """Give the feed the user's own title; an empty or None title goes back to the feed's."""
        cleaned = clean_key(title).strip() if title else ""
        return self._update(url, "user_title = ?", (cleaned or None,))

    def set_feed_tags(self, url: str, tags: Iterable[str]) -> bool:
        """Replace the feed's tags (order kept: the first is its OPML folder)."""
        value = json.dumps(list(clean_tags(tags)), ensure_ascii=False)
        return self._update(url, "tags = ?", (value,))

    def set_feed_retention(
        self, url: str, max_age_days: float | None = None, max_count: int | None = None
    ) -> bool:
        """Set how long the feed's articles are kept (None: no limit of that kind)."""
        if max_age_days is not None and not max_age_days > 0:
            raise StoreError("the maximum age must be a positive number of days")
        if max_count is not None and max_count < 1:
            raise StoreError("the maximum count must be at least 1")
        return self._update(
            url, "max_age_days = ?, max_count = ?", (max_age_days, max_count)
        )

    def _update(self, url: str, assignments: str, values: tuple[Any, ...]) -> bool:
        with self._writing() as db:
            found = self._find(db, url)
            if found is None:
                return False
            db.execute(f"UPDATE subscriptions SET {assignments} WHERE id = ?", (*values, found[0]))
        return True

    def update_feed_state(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
        next_attempt: datetime | None = None,
        error: str | None = None,
        new_url: str | None = None,
        title: str | None = None,
    ) -> str | None:
        """Record one refresh attempt; return the URL now stored (None: not subscribed).

        The validators, body hash and next-attempt time *replace* the stored
        ones (the refresh engine hands over the complete new state, keeping
        the old validators itself when a fetch failed). ``error`` None is a
        success: ``last_success`` is set and the error cleared; otherwise the
        error is kept and ``error_count`` goes up. ``new_url`` (a permanent
        redirect) replaces ``url`` unless another subscription already has
        it; ``source`` never changes. ``title`` is the feed's own title.
        """
        state = FeedStateUpdate(
            url, etag=etag, last_modified=last_modified, body_hash=body_hash,
            next_attempt=next_attempt, error=error, new_url=new_url, title=title,
        )
        return self.update_feed_states([state])[0]

    def update_feed_states(self, states: Sequence[FeedStateUpdate]) -> list[str | None]:
        """:meth:`update_feed_state` for many feeds in one transaction; the URLs now stored.

        A refresh where most feeds answer 304 has only these small writes
        to make; one commit for a batch of them instead of one each.
        """
        now = now_db_time()
        with self._writing() as db:
            return [self._update_state(db, state, now) for state in states]

    def _update_state(self, db: sqlite3.Connection, state: FeedStateUpdate, now: str) -> str | None:
        error = state.error
        outcome = (
            "last_success = ?, last_error = NULL, error_count = 0"
            if error is None
            else "last_error = ?, error_count = error_count + 1"
        )
        update = (
            "UPDATE subscriptions SET etag = ?, last_modified = ?, body_hash = ?, "
            f"next_attempt = ?, last_attempt = ?, {outcome}, "
            "title = coalesce(?, title) WHERE "
        )
        title = state.title
        values = (
            _validator(state.etag),
            _validator(state.last_modified),
            clean_key(state.body_hash) if state.body_hash else None,
            to_db_time(state.next_attempt),
            now,
            now if error is None else clean_key(error) or "error",
            clean_key(title).strip() or None if title else None,
        )
        if not state.new_url:
            # The usual case, the feed found by its current URL: one statement.
            current = clean_key(state.url).strip()
            if db.execute(update + "url = ?", (*values, current)).rowcount == 1:
                return current
        found = self._find(db, state.url)
        if found is None:
            return None
        feed_id, stored_url = found[0], found[1]
        if state.new_url:
            moved = clean_key(state.new_url).strip()
            if moved and moved != stored_url and self._find(db, moved) in (None, found):
                db.execute("UPDATE subscriptions SET url = ? WHERE id = ?", (moved, feed_id))
                stored_url = moved
        db.execute(update + "id = ?", (*values, feed_id))
        return stored_url

    # --- removing and pruning --------------------------------------------
    def remove_feed(self, url: str) -> int | None:
        """Unsubscribe and delete the feed's articles; return how many (None: not subscribed).

        Bookmarks stay (they are full copies, readable under the same key).
        The feed's tombstones go too: subscribing again starts afresh.
        """
        with self._writing() as db:
            found = self._find(db, url)
            if found is None:
                return None
            feed_id, _url, source, kind = found
            where, params = _feed_articles(source, kind)
            deleted = db.execute(f"DELETE FROM articles WHERE {where}", params).rowcount
            db.execute(f"DELETE FROM tombstones WHERE {where}", params)
            db.execute("DELETE FROM subscriptions WHERE id = ?", (feed_id,))
            if deleted:
                self._prune_entities(db)
        return deleted

    def feed_sources(self, url: str) -> list[str]:
        """The distinct article sources stored for a feed (a folder has one per file)."""
        with self._reading() as db:
            found = self._find(db, url)
            if found is None:
                return []
            _id, _url, source, kind = found
            where, params = _feed_articles(source, kind)
            rows = db.execute(f"SELECT DISTINCT source FROM articles WHERE {where}", params)
            found_sources = [row[0] for row in rows.fetchall()]
        return found_sources

    def apply_retention(
        self,
        source: str,
        max_age_days: float | None = None,
        max_count: int | None = None,
        *,
        now: datetime | None = None,
    ) -> int:
        """Drop a source's articles beyond the limits; return how many went.

        Age counts from the published date, or from when the article was
        first seen if it has none. The count keeps the newest ``max_count``.
        Bookmarked articles are never dropped (and are kept on top of the
        count). Dropped articles get a tombstone, so a feed that still
        carries them does not bring them back on the next refresh.
        """
        if max_age_days is None and max_count is None:
            return 0
        source = clean_key(source)
        now = now or datetime.now(UTC)
        with self._writing() as db:
            victims: dict[int, str] = {}
            not_bookmarked = "NOT EXISTS (SELECT 1 FROM bookmarks WHERE article_key = a.key)"
            if max_age_days is not None:
                cutoff = to_db_time(now - timedelta(days=max_age_days))
                victims.update(
                    db.execute(
                        "SELECT key, article_id FROM articles AS a WHERE source = ? "
                        f"AND coalesce(published, first_seen) < ? AND {not_bookmarked}",
                        (source, cutoff),
                    ).fetchall()
                )
            if max_count is not None:
                victims.update(
                    db.execute(
                        "SELECT key, article_id FROM (SELECT key, article_id FROM articles "
                        "WHERE source = ? ORDER BY coalesce(published, first_seen) DESC, key DESC "
                        f"LIMIT -1 OFFSET ?) AS a WHERE {not_bookmarked}",
                        (source, max(0, int(max_count))),
                    ).fetchall()
                )
            if not victims:
                return 0
            stamp = now_db_time()
            db.executemany(
                "INSERT INTO tombstones (source, article_id, deleted_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                ((source, article_id, stamp) for article_id in victims.values()),
            )
            db.executemany("DELETE FROM articles WHERE key = ?", ((key,) for key in victims))
            self._prune_entities(db)
        return len(victims)

    def prune_tombstones(
        self, source: str, present_ids: Iterable[str], *, grace: timedelta = TOMBSTONE_GRACE
    ) -> int:
        """Forget tombstones of ``source`` older than ``grace`` whose id the feed no longer sends.

        ``present_ids`` are the ids in the feed's latest body. Without this
        the table would grow with every article ever deleted.
        """
        cutoff = to_db_time(datetime.now(UTC) - grace)
        with self._writing() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS present_ids (id TEXT PRIMARY KEY)")
            db.execute("DELETE FROM temp.present_ids")
            db.executemany(
                "INSERT OR IGNORE INTO temp.present_ids VALUES (?)",
                ((clean_key(i),) for i in present_ids),
            )
            gone = db.execute(
                "DELETE FROM tombstones WHERE source = ? AND deleted_at < ? "
                "AND article_id NOT IN (SELECT id FROM temp.present_ids)",
                (clean_key(source), cutoff),
            ).rowcount
            db.execute("DELETE FROM temp.present_ids")
        return gone

    def tombstones(self, source: str) -> list[str]:
        """The article ids of ``source`` that stay deleted (for tests and diagnostics)."""
        with self._reading() as db:
            rows = db.execute(
                "SELECT article_id FROM tombstones WHERE source = ? ORDER BY article_id",
                (clean_key(source),),
            ).fetchall()
        return [row[0] for row in rows]
