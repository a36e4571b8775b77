"""The :class:`Store`: every read and write of the database goes through here.

One SQLite connection per Store, shared by all threads and guarded by an
``RLock``; the UI calls in from Textual thread workers and the main thread.
Writes are short ``BEGIN IMMEDIATE`` transactions, so another process using
the same file waits (``busy_timeout``) instead of failing half way.
Every ``sqlite3`` error becomes a one-line :class:`StoreError`.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from sys import intern
from typing import Any

from newsreader.models import Article
from newsreader.sanitize import clean_key, strip_unsafe
from newsreader.store.bookmark_notes import BookmarkNotes
from newsreader.store.checkpoint import (
    BULK_AUTOCHECKPOINT_PAGES,
    DEFAULT_AUTOCHECKPOINT_PAGES,
    Checkpointer,
)
from newsreader.store.connection import BUSY_TIMEOUT_MS, MEMORY, connect, describe
from newsreader.store.convert import (
    clean_optional,
    content_hash,
    from_db_time,
    now_db_time,
    to_db_time,
)
from newsreader.store.entity_queries import EntityQueries
from newsreader.store.fulltext import FullTextStore, keep_full_text
from newsreader.store.names import entity_identity
from newsreader.store.paths import default_db_path
from newsreader.store.saved_queries import SavedQueries
from newsreader.store.settings import Settings
from newsreader.store.spool import Spool, digest
from newsreader.store.subscriptions import Subscriptions
from newsreader.store.types import ArticleHeader, Bookmark, Ingested, StoredEntity, StoreError

# Column lists shared by articles and bookmarks (the bookmark is a copy).
_FIELDS = (
    "source, article_id, source_name, title, link, author, published, text, caption, "
    "summary_only, content_hash"
)
_HEADER_ORDER = "ORDER BY published DESC, title COLLATE NOCASE, key"

_HEADERS_SQL = """
    SELECT a.key, a.source, a.source_name, a.title, a.published, a.read,
           b.article_key IS NOT NULL
    FROM articles AS a LEFT JOIN bookmarks AS b ON b.article_key = a.key
    ORDER BY a.published DESC, a.title COLLATE NOCASE, a.key
"""
_BOOKMARK_HEADERS_SQL = """
    SELECT article_key, source, source_name, title, published, read, 1
    FROM bookmarks
    ORDER BY published DESC, title COLLATE NOCASE, article_key
"""
# Live articles and orphaned bookmarks (article row gone) as one relation.
_ALL_HEADERS = """
    SELECT a.key AS key, a.source AS source, a.source_name AS source_name,
           a.title AS title, a.published AS published, a.read AS read,
           b.article_key IS NOT NULL AS bookmarked
    FROM articles AS a LEFT JOIN bookmarks AS b ON b.article_key = a.key
    UNION ALL
    SELECT b.article_key, b.source, b.source_name, b.title, b.published, b.read, 1
    FROM bookmarks AS b
    WHERE NOT EXISTS (SELECT 1 FROM articles WHERE key = b.article_key)
"""


@dataclass(frozen=True, slots=True)
class _Row:
    """An Article cleaned and shaped as column values, ready to write."""

    source: str
    article_id: str
    source_name: str
    title: str
    link: str | None
    author: str | None
    published: str | None
    text: str
    caption: str | None
    summary_only: int
    content_hash: bytes

    @classmethod
    def of(cls, article: Article) -> _Row:
        title = clean_key(article.title)
        text = strip_unsafe(article.text)
        return cls(
            source=clean_key(article.source),
            article_id=clean_key(article.id),
            source_name=clean_key(article.source_name),
            title=title,
            link=clean_optional(article.link),
            author=clean_optional(article.author),
            published=to_db_time(article.published),
            text=text,
            caption=None if article.caption is None else strip_unsafe(article.caption),
            summary_only=int(bool(article.summary_only)),
            content_hash=content_hash(title, text),
        )

    def with_text(self, text: str) -> _Row:
        """This row with ``text`` (cleaned) in place of its own, and the hash to match."""
        text = strip_unsafe(text)
        return dataclasses.replace(self, text=text, content_hash=content_hash(self.title, text))

    def values(self) -> tuple[Any, ...]:
        """In :data:`_FIELDS` order."""
        return (
            self.source,
            self.article_id,
            self.source_name,
            self.title,
            self.link,
            self.author,
            self.published,
            self.text,
            self.caption,
            self.summary_only,
            self.content_hash,
        )


# A pending row's columns, as _pending_html takes them.
_PENDING = "p.html, p.base_url, p.spool, p.spool_offset, p.spool_length, p.digest"


def _pending_html(spool: Spool | None, row: Sequence[Any]) -> str | None:
    """The HTML of a pending row (:data:`_PENDING`'s columns), or None if it was lost.

    Inline rows hold it; spooled rows point into a file, whose bytes are
    checked against the row's digest (see :mod:`newsreader.store.spool`).
    """
    html, _base, name, offset, length, expected = row
    if name is None:
        return html if isinstance(html, str) else bytes(html).decode("utf-8", "replace")
    if spool is None:
        return None
    data = spool.read((name, offset, length, expected))
    return None if data is None else _as_text(data)


def _as_bytes(html: str | bytes) -> bytes:
    return html if isinstance(html, bytes) else html.encode("utf-8", "surrogatepass")


def _as_text(html: str | bytes) -> str:
    return html if isinstance(html, str) else html.decode("utf-8", "surrogatepass")


def _same_html(stored: Sequence[Any], html: str | bytes) -> bool:
    """Whether a pending row (:data:`_PENDING`'s columns) holds exactly ``html``.

    A spooled row is compared by length and digest, without reading its file.
    """
    inline, _base, name, _offset, length, expected = stored
    if name is None:
        if isinstance(html, bytes):
            return isinstance(inline, str) and _as_bytes(inline) == html
        return inline == html
    data = _as_bytes(html)
    return len(data) == length and digest(data) == expected


def _html_text(html: str, base_url: str | None) -> str:
    """The stored text of pending HTML: exactly what a feed parser would have made of it.

    The sources turn an HTML entry body into text with ``html_to_text``
    and the store cleans it; a deferred body takes the same two steps.
    """
    from newsreader.content import html_to_text

    return strip_unsafe(html_to_text(html, base_url))


def _convert_keys(db: sqlite3.Connection, spool: Spool | None, keys: Iterable[int]) -> None:
    """Write the text of these articles' pending HTML, inside the caller's transaction.

    Writing ``text`` deletes the pending row (trigger ``articles_text_written``).
    HTML that was lost (see :func:`_forget_lost`) leaves the text empty.
    """
    for key in keys:
        found = db.execute(
            f"SELECT {_PENDING}, a.title FROM pending_text AS p "
            "JOIN articles AS a ON a.key = p.key WHERE p.key = ?",
            (key,),
        ).fetchone()
        if found is None:
            continue
        html = _pending_html(spool, found[:6])
        if html is None:
            _forget_lost(db, key, found[5])
            continue
        text = _html_text(html, found[1])
        db.execute(
            "UPDATE articles SET text = ?, content_hash = ? WHERE key = ?",
            (text, content_hash(found[6], text), key),
        )


def _forget_lost(db: sqlite3.Connection, key: int, expected: bytes | None) -> int:
    """Drop a pending row whose spooled HTML is gone and have its feed fetched in full again.

    Only a crash or power cut between writing the spool and syncing it (or
    someone deleting the ``-pending`` folder) gets here. The article keeps
    its empty text until the feed sends it again: with the feed's
    validators and body hash cleared, the next refresh downloads and parses
    it whatever the server says, and the article's text is written as an
    update. Returns 1 when the row was still there (0 if converted meanwhile).
    """
    gone = db.execute(
        "DELETE FROM pending_text WHERE key = ? AND digest IS ?", (key, expected)
    ).rowcount
    if gone:
        Subscriptions._fetch_in_full_next(db, key)
    return gone


def _header(row: Sequence[Any]) -> ArticleHeader:
    """A header whose ``source`` and ``source_name`` are interned.

    SQLite hands back a new str per row: at 100k articles from 200 feeds that
    is 200k strings where 400 would do (~15 MB); interning shares one per feed.
    """
    key, source, source_name, title, published, read, bookmarked = row
    return ArticleHeader(
        key, intern(source), intern(source_name), title, from_db_time(published),
        bool(read), bool(bookmarked),
    )


def _article(row: Sequence[Any]) -> Article:
    """An Article from columns in :data:`_FIELDS` order (the hash is ignored)."""
    source, article_id, source_name, title, link, author, published, text, caption, summary = row[
        :10
    ]
    return Article(
        id=article_id,
        source=source,
        source_name=source_name,
        title=title,
        text=text,
        link=link,
        author=author,
        published=from_db_time(published),
        caption=caption,
        summary_only=bool(summary),
    )


def _timestamp(value: datetime | None) -> float:
    """Sort key for "newer first" with undated last."""
    return float("-inf") if value is None else value.timestamp()


def _span_name(span: Any) -> str:
    """What a span stands for: its canonical name, else its own text."""
    return clean_key(str(getattr(span, "canonical", "") or span.text)).strip()


class Store(EntityQueries, Subscriptions, SavedQueries, Settings, FullTextStore,
            BookmarkNotes):
    """A connection to the newsreader database. Open with :meth:`open`.

    Safe to share between threads. Usable as a context manager (closes on
    exit). Unknown keys are not errors: reads return ``None``/``False`` and
    writes do nothing, because a key can vanish between a list refresh and a
    key press (``delete_source`` in another worker).
    """

    def __init__(self, db: sqlite3.Connection, path: Path | str) -> None:
        """Wrap an already checked connection; use :meth:`open` instead."""
        self._db: sqlite3.Connection | None = db
        self._path = path
        self._lock = threading.RLock()
        # Set when SQLite reports the file damaged: from then on nothing more
        # is written to it, so a corrupt file is left as it was found.
        self._corrupt: str | None = None
        self._bulk_depth = 0
        self._checkpointer: Checkpointer | None = None
        # Pending HTML goes to files beside a database file (store/spool.py).
        self._spool = None if str(path) == MEMORY else Spool(Path(path))

    @classmethod
    def open(cls, path: Path | str | None = None) -> Store:
        """Open (creating and migrating as needed) the database at ``path``.

        ``None`` means :func:`default_db_path`; ``":memory:"`` gives a private
        in-memory database (handy in UI tests).
        """
        if path is None:
            path = default_db_path()
        if str(path) != MEMORY:
            path = Path(path)
        return cls(connect(path), path)

    @property
    def path(self) -> Path | str:
        """The database file (or ``":memory:"``)."""
        return self._path

    def close(self) -> None:
        """Close the connection; closing twice is harmless."""
        with self._lock:
            if self._db is None:
                return
            if self._checkpointer is not None:  # closed inside bulk_writes()
                self._bulk_depth = 0
                self._end_bulk()
            if self._corrupt is None:  # optimize may write; a damaged file gets nothing
                with suppress(sqlite3.Error):
                    self._db.execute("PRAGMA optimize")
                with suppress(sqlite3.Error, StoreError):
                    self._sweep_spool(wait=False)
            self._db.close()
            self._db = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """For a burst of many short write transactions (a refresh): checkpoint elsewhere.

        While the block runs, the write-ahead log is checkpointed by a
        background thread (:mod:`newsreader.store.checkpoint`), so the thread
        that writes never stops to wait for the disk. Nests; does nothing for
        an in-memory store.
        """
        if str(self._path) == MEMORY:
            yield
            return
        with self._lock:
            if self._db is None:
                raise StoreError("the store is closed")
            self._bulk_depth += 1
            if self._bulk_depth == 1:
                with suppress(sqlite3.Error):
                    self._db.execute(f"PRAGMA wal_autocheckpoint = {BULK_AUTOCHECKPOINT_PAGES:d}")
                self._checkpointer = Checkpointer(self._path)
                self._checkpointer.start()
        try:
            yield
        finally:
            with self._lock:
                if self._bulk_depth > 0:  # 0 when the store was closed inside the block
                    self._bulk_depth -= 1
                    if self._bulk_depth == 0:
                        self._end_bulk()

    def _end_bulk(self) -> None:
        """Stop the background checkpoints and give the writer its own back (lock held)."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.execute(
                    f"PRAGMA wal_autocheckpoint = {DEFAULT_AUTOCHECKPOINT_PAGES:d}"
                )

    # --- plumbing -------------------------------------------------------
    def _fail(self, exc: sqlite3.Error) -> StoreError:
        reason = clean_key(str(exc))
        # SQLITE_CORRUPT / SQLITE_NOTADB ("database disk image is malformed",
        # "file is not a database"): damage found in pages the opening checks
        # did not read.
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
            exc, sqlite3.OperationalError | sqlite3.IntegrityError
        ) and ("malformed" in reason or "not a database" in reason):
            self._corrupt = reason
            return self._corrupt_error()
        return StoreError(f"database error in {describe(self._path)}: {reason}")

    def _corrupt_error(self) -> StoreError:
        return StoreError(
            f"{describe(self._path)} is corrupt ({self._corrupt}); left untouched from now on "
            "(restore a backup or move it away)"
        )

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._db is None:
                raise StoreError("the store is closed")
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise self._fail(exc) from None

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One short IMMEDIATE transaction; rolled back on any exception."""
        with self._lock:
            db = self._db
            if db is None:
                raise StoreError("the store is closed")
            if self._corrupt is not None:
                raise self._corrupt_error()
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise self._fail(exc) from None

    # --- articles -------------------------------------------------------
    def add_articles(self, articles: Iterable[Article]) -> list[int]:
        """Insert or update articles (dedup by (source, id)); return the stored keys in order.

        Read and bookmark state survive a re-add. When the title or text
        changed, the article's stored entities are dropped so they get
        recomputed. An article that comes back after :meth:`delete_source`
        while it is still bookmarked gets its old key back. An article
        deleted with :meth:`delete_article` (or dropped by retention) stays
        deleted: it is skipped and has no key in the result.
        """
        return self.store_articles(articles).keys

    def store_articles(
        self,
        articles: Iterable[Article],
        *,
        pending_html: Sequence[str | bytes | None] | None = None,
        base_url: str | None = None,
    ) -> Ingested:
        """:meth:`add_articles`, also saying how many were new, changed or skipped.

        ``pending_html[i]``, when given and not None, is the HTML body of
        ``articles[i]`` (text, or UTF-8 bytes), whose ``text`` is then empty:
        a refresh leaves the conversion to text for later
        (:meth:`convert_pending`, or when the article is read). ``base_url``
        resolves its relative links. A new article is stored with its HTML
        pending, in the spool files of a file store (one write per call);
        one already stored is converted now, because it must be compared
        with what is stored.
        """
        articles = list(articles)
        rows = [_Row.of(article) for article in articles]
        htmls: Sequence[str | bytes | None] = (
            [None] * len(rows) if pending_html is None else list(pending_html)
        )
        if len(htmls) != len(rows):
            raise ValueError("pending_html must have one entry per article")
        now = now_db_time()
        keys: list[int] = []
        outcomes: Counter[str] = Counter()
        with self._writing() as db:
            known = self._known_identities(db, rows)
            pending: list[tuple[int, str | bytes]] = []
            added: set[tuple[str, str]] = set()
            for row, html in zip(rows, htmls, strict=True):
                identity = (row.source, row.article_id)
                if identity in known:
                    if identity in added and pending:  # compared with its own pending row
                        self._add_pending(db, pending, base_url)
                        pending = []
                    key, outcome = self._upsert_html(db, row, html, base_url, now)
                else:
                    # Nowhere yet (no row, tombstone or bookmark): a plain insert,
                    # without the three look-ups _upsert would make for it.
                    key, outcome = self._insert_new(db, row, now), "new"
                    known.add(identity)  # a repeat later in the batch is an update
                    added.add(identity)
                    if html is not None:
                        pending.append((key, html))
                outcomes[outcome] += 1
                if key is not None:
                    keys.append(key)
            self._add_pending(db, pending, base_url)
        return Ingested(
            keys,
            new=outcomes["new"],
            updated=outcomes["updated"],
            unchanged=outcomes["unchanged"],
            skipped=outcomes["skipped"],
        )

    def _add_pending(
        self, db: sqlite3.Connection, pending: Sequence[tuple[int, str | bytes]],
        base_url: str | None,
    ) -> None:
        """Keep new articles' HTML for later conversion: spooled when it can be, else inline.

        The spool is written before the rows that point at it, inside the
        transaction, so a failed write (a full disk) means the HTML is
        stored inline instead and a failed commit leaves only unreferenced
        bytes, which :meth:`_sweep_spool` deletes.
        """
        if not pending:
            return
        if self._spool is not None:
            bodies = [_as_bytes(html) for _key, html in pending]
            try:
                refs = self._spool.append(bodies)
            except OSError:
                pass
            else:
                db.executemany(
                    "INSERT INTO pending_text (key, html, base_url, spool, spool_offset, "
                    "spool_length, digest) VALUES (?, '', ?, ?, ?, ?, ?)",
                    [
                        (key, base_url, *ref)
                        for (key, _html), ref in zip(pending, refs, strict=True)
                    ],
                )
                return
        db.executemany(
            "INSERT INTO pending_text (key, html, base_url) VALUES (?, ?, ?)",
            [
                (key, html if isinstance(html, str) else html.decode("utf-8", "replace"), base_url)
                for key, html in pending
            ],
        )

    def _sweep_spool(self, *, wait: bool = True) -> None:
        """Delete the spool files no pending row refers to.

        Inside a write transaction: every store appends to the spool inside
        its own (see :meth:`_add_pending`), so while this one holds the
        database's write lock no other process is between appending to a
        file and committing the rows that point at it, and a file nothing
        refers to now is garbage (a rolled-back batch's bytes included).
        Without ``wait``, a busy database means no sweep this time: the files
        wait for the next one. Cheap when there is nothing to sweep (no file,
        no transaction), as after most searches, which convert first.
        """
        if self._spool is None or not self._spool.has_files():
            return
        with self._lock:
            connection = self._db
            if connection is None:
                return
            if not wait:
                connection.execute("PRAGMA busy_timeout = 0")
            try:
                with self._writing() as db:
                    referenced = {
                        name for (name,) in db.execute(
                            "SELECT DISTINCT spool FROM pending_text WHERE spool IS NOT NULL"
                        )
                    }
                    self._spool.sweep(referenced)
            finally:
                if not wait:
                    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")

    @staticmethod
    def _known_identities(db: sqlite3.Connection, rows: Sequence[_Row]) -> set[tuple[str, str]]:
        """The batch's (source, article_id) pairs that any table already knows.

        One query for the whole batch instead of three per article: in a
        refresh most articles are either all new (a new feed) or all known,
        and only the known ones need :meth:`_upsert`'s careful path.
        """
        if not rows:
            return set()
        wanted = json.dumps([[row.source, row.article_id] for row in rows])
        found = db.execute(
            """
            WITH wanted AS (
                SELECT DISTINCT json_extract(value, '$[0]') AS source,
                                json_extract(value, '$[1]') AS article_id
                FROM json_each(?)
            )
            SELECT w.source, w.article_id FROM wanted AS w
            WHERE EXISTS (SELECT 1 FROM articles AS a
                          WHERE a.source = w.source AND a.article_id = w.article_id)
               OR EXISTS (SELECT 1 FROM tombstones AS t
                          WHERE t.source = w.source AND t.article_id = w.article_id)
               OR EXISTS (SELECT 1 FROM bookmarks AS b
                          WHERE b.source = w.source AND b.article_id = w.article_id)
            """,
            (wanted,),
        ).fetchall()
        return {(source, article_id) for source, article_id in found}

    def _upsert_html(
        self, db: sqlite3.Connection, row: _Row, html: str | bytes | None,
        base_url: str | None, now: str,
    ) -> tuple[int | None, str]:
        """:meth:`_upsert` for a known article whose incoming text may still be HTML.

        When the stored article is pending with the very same HTML, base and
        kind, the two texts are equal without converting either (the usual
        case of a feed refetched before anyone read it): only the other
        fields are compared. Otherwise both sides become text first, so the
        comparison (and the rule that a summary never replaces a full text)
        works on text as always.
        """
        stored = db.execute(
            "SELECT p.key, a.summary_only, p.html, p.base_url, p.spool, p.spool_offset, "
            "p.spool_length, p.digest FROM articles AS a "
            "JOIN pending_text AS p ON p.key = a.key WHERE a.source = ? AND a.article_id = ?",
            (row.source, row.article_id),
        ).fetchone()
        if html is not None and stored is not None and (
            (stored[1], stored[3]) == (row.summary_only, base_url)
            and _same_html(stored[2:], html)
        ):
            key, outcome = self._upsert(db, row, now)
            if outcome == "updated":  # its UPDATE of text dropped the pending row
                db.execute(
                    "INSERT OR REPLACE INTO pending_text (key, html, base_url, spool, "
                    "spool_offset, spool_length, digest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (key, *stored[2:]),
                )
            return key, outcome
        if stored is not None:
            _convert_keys(db, self._spool, [stored[0]])
        if html is not None:
            row = row.with_text(_html_text(_as_text(html), base_url))
        return self._upsert(db, row, now)

    @staticmethod
    def _insert_new(db: sqlite3.Connection, row: _Row, now: str) -> int:
        cursor = db.execute(
            # OR FAIL, not the default ABORT: callers checked the identity new in
            # this transaction, so no conflict is expected, and an INSERT that may
            # abort half-done (it fires the search trigger) needs a statement
            # journal: a temporary file of every page it touches, ~65 MB of
            # writes per 10,000 articles. FAIL raises all the same, and the
            # caller's transaction is rolled back whole.
            f"INSERT OR FAIL INTO articles ({_FIELDS}, first_seen, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*row.values(), now, now),
        )
        return int(cursor.lastrowid or 0)

    def _upsert(self, db: sqlite3.Connection, row: _Row, now: str) -> tuple[int | None, str]:
        found = db.execute(
            f"SELECT key, {_FIELDS} FROM articles WHERE source = ? AND article_id = ?",
            (row.source, row.article_id),
        ).fetchone()
        if found is not None:
            key = found[0]
            row = keep_full_text(row, found[8], found[10])  # a summary never undoes a fetch
            if tuple(found[1:]) == row.values():
                return key, "unchanged"
            db.execute(
                "UPDATE articles SET source_name = ?, title = ?, link = ?, author = ?, "
                "published = ?, text = ?, caption = ?, summary_only = ?, "
                "content_hash = ?, updated = ? WHERE key = ?",
                (*row.values()[2:], now, key),
            )
            self._sync_bookmark(db, key, row, content_changed=found[11] != row.content_hash)
            return key, "updated"
        tombstone = db.execute(
            "SELECT 1 FROM tombstones WHERE source = ? AND article_id = ?",
            (row.source, row.article_id),
        ).fetchone()
        if tombstone is not None:
            return None, "skipped"
        bookmark = db.execute(
            "SELECT article_key, content_hash, read, read_at FROM bookmarks "
            "WHERE source = ? AND article_id = ?",
            (row.source, row.article_id),
        ).fetchone()
        if bookmark is None:  # found absent just above
            return self._insert_new(db, row, now), "new"
        key, old_hash, read, read_at = bookmark
        db.execute(
            f"INSERT INTO articles (key, {_FIELDS}, first_seen, updated, read, read_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, *row.values(), now, now, read, read_at),
        )
        self._sync_bookmark(db, key, row, content_changed=old_hash != row.content_hash)
        return key, "new"

    def delete_article(self, key: int) -> bool:
        """Delete one article for good: it stays deleted when its feed sends it again.

        A tombstone ``(source, article_id)`` is written so later adds skip
        it. A bookmarked article is deleted from the list too, but its
        bookmark (the full copy) is kept and stays readable under the same
        key: bookmarking is the explicit "keep this". Returns False when
        there was no live article with that key.
        """
        with self._writing() as db:
            row = db.execute(
                "SELECT source, article_id FROM articles WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                return False
            db.execute(
                "INSERT INTO tombstones (source, article_id, deleted_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (row[0], row[1], now_db_time()),
            )
            db.execute("DELETE FROM articles WHERE key = ?", (key,))
            self._prune_entities(db)
        return True

    @staticmethod
    def _sync_bookmark(
        db: sqlite3.Connection, key: int, row: _Row, *, content_changed: bool
    ) -> None:
        """Keep a bookmark's copy equal to the live article; drop stale entities."""
        db.execute(
            "UPDATE bookmarks SET source_name = ?, title = ?, link = ?, author = ?, "
            "published = ?, text = ?, caption = ?, summary_only = ?, content_hash = ? "
            "WHERE article_key = ?",
            (*row.values()[2:], key),
        )
        if content_changed:
            db.execute("DELETE FROM article_entities WHERE article_key = ?", (key,))

    def headers(self, *, bookmarked_only: bool = False, limit: int | None = None,
                offset: int = 0) -> list[ArticleHeader]:
        """Article headers, newest first (undated last, then by title).

        With ``bookmarked_only`` the rows come from the bookmarks, so an
        article deleted from its source still shows there. ``limit`` and
        ``offset`` read one page of that order: the UI paints the first
        screenful (~10 ms) before the whole list (~0.7 s at 100k) is read.
        """
        sql = _BOOKMARK_HEADERS_SQL if bookmarked_only else _HEADERS_SQL
        params: tuple[int, ...] = ()
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params = (-1 if limit is None else max(0, int(limit)), max(0, int(offset)))
        with self._reading() as db:
            # Built row by row, not after fetchall(): holding 100k raw row
            # tuples and the headers at once doubled the peak (~70 -> ~30 MB).
            return [_header(row) for row in db.execute(sql, params)]

    def header(self, key: int) -> ArticleHeader | None:
        """One header, for a live article or an orphaned bookmark."""
        with self._reading() as db:
            row = db.execute(f"SELECT * FROM ({_ALL_HEADERS}) WHERE key = ?", (key,)).fetchone()
        return None if row is None else _header(row)

    def count(self, *, unread_only: bool = False) -> int:
        """How many articles are stored (bookmark copies of deleted ones not counted)."""
        sql = "SELECT count(*) FROM articles" + (" WHERE read = 0" if unread_only else "")
        with self._reading() as db:
            return int(db.execute(sql).fetchone()[0])

    def article(self, key: int) -> Article | None:
        """The full article; after its row is gone, the bookmark's copy.

        An article whose HTML is still pending (stored by a refresh, not yet
        converted) is converted for this answer; the stored row is left for
        :meth:`convert_pending`, so reading never waits to write.
        """
        for _attempt in range(2):
            with self._reading() as db:
                row = db.execute(
                    f"SELECT {_FIELDS} FROM articles WHERE key = ?", (key,)
                ).fetchone()
                if row is None:
                    row = db.execute(
                        f"SELECT {_FIELDS} FROM bookmarks WHERE article_key = ?", (key,)
                    ).fetchone()
                    pending = None
                else:
                    pending = None if row[7] else db.execute(
                        f"SELECT {_PENDING} FROM pending_text AS p WHERE key = ?", (key,)
                    ).fetchone()
            if row is None:
                return None
            if pending is None:
                return _article(row)
            # The file is read outside the lock: a conversion may finish and sweep
            # it meanwhile, so a failed read looks once more before calling it lost.
            html = _pending_html(self._spool, pending)
            if html is not None:
                return dataclasses.replace(_article(row), text=_html_text(html, pending[1]))
        # Lost: the text stays empty until convert_pending has the feed refetched.
        return _article(row)

    def convert_pending(self, limit: int | None = None, *, batch: int = 500) -> int:
        """Turn pending article HTML into stored text (all, or the newest ``limit``); how many.

        A refresh stores new articles' HTML as received and leaves this for
        later: the app runs it in the background after a refresh, and search
        runs it first so it never misses an article's words. Converted in
        batches of ``batch`` outside the lock, written only where the same
        HTML is still pending (a refresh may have replaced it meanwhile).
        Spooled HTML found lost is dropped and its feed marked for a full
        fetch (see ``_forget_lost``). When nothing is left pending, the spool
        files nobody refers to are deleted.
        """
        done = 0
        while limit is None or done < limit:
            size = batch if limit is None else min(batch, limit - done)
            with self._reading() as db:
                rows = db.execute(
                    f"SELECT p.key, a.title, {_PENDING} FROM pending_text AS p "
                    "JOIN articles AS a ON a.key = p.key ORDER BY p.key DESC LIMIT ?",
                    (size,),
                ).fetchall()
            if not rows:
                # Housekeeping: never a reason for a search to fail or wait.
                with suppress(sqlite3.Error, StoreError):
                    self._sweep_spool(wait=False)
                break
            converted = []
            lost = []
            for key, title, *pending in rows:
                html = _pending_html(self._spool, pending)
                if html is None:
                    lost.append((key, pending[5]))
                    continue
                text = _html_text(html, pending[1])
                converted.append(
                    (text, content_hash(title, text), key, key, pending[0], pending[5], title)
                )
            with self._writing() as db:
                written = 0
                for values in converted:
                    written += db.execute(
                        "UPDATE articles SET text = ?, content_hash = ? WHERE key = ? AND "
                        "EXISTS (SELECT 1 FROM pending_text WHERE key = ? AND html = ? "
                        "AND digest IS ?) AND title = ?",
                        values,
                    ).rowcount
                for key, expected in lost:
                    written += _forget_lost(db, key, expected)
            done += written
            if not written:  # every one replaced meanwhile: leave them to the next call
                break
        return done

    def set_read(self, key: int, read: bool = True) -> None:
        """Mark read or unread; ``read_at`` is when it was last marked read."""
        stamp = now_db_time() if read else None
        with self._writing() as db:
            for table, column in (("articles", "key"), ("bookmarks", "article_key")):
                db.execute(
                    f"UPDATE {table} SET read = ?, read_at = ? WHERE {column} = ? AND read != ?",
                    (int(read), stamp, key, int(read)),
                )

    def mark_all_read(self, source: str | None = None) -> int:
        """Mark every unread article (of one source, if given) read; return how many."""
        stamp = now_db_time()
        where = "read = 0" + ("" if source is None else " AND source = ?")
        params: tuple[Any, ...] = () if source is None else (clean_key(source),)
        with self._writing() as db:
            changed = db.execute(
                f"UPDATE articles SET read = 1, read_at = ? WHERE {where}", (stamp, *params)
            ).rowcount
            db.execute(
                f"UPDATE bookmarks SET read = 1, read_at = ? WHERE {where}", (stamp, *params)
            )
        return changed

    def delete_source(self, source: str, *, keep_ids: Iterable[str] | None = None) -> int:
        """Delete a source's articles (all, or those whose id is not in ``keep_ids``).

        Used when a file is deleted or a feed drops entries. Bookmarks are not
        touched: a bookmarked article stays readable from its copy, under the
        same key, and keeps its entities. Returns how many rows went.
        """
        source = clean_key(source)
        with self._writing() as db:
            if keep_ids is None:
                deleted = db.execute("DELETE FROM articles WHERE source = ?", (source,)).rowcount
            else:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS keep_ids (id TEXT PRIMARY KEY)")
                db.execute("DELETE FROM temp.keep_ids")
                db.executemany(
                    "INSERT OR IGNORE INTO temp.keep_ids VALUES (?)",
                    ((clean_key(i),) for i in keep_ids),
                )
                deleted = db.execute(
                    "DELETE FROM articles WHERE source = ? "
                    "AND article_id NOT IN (SELECT id FROM temp.keep_ids)",
                    (source,),
                ).rowcount
                db.execute("DELETE FROM temp.keep_ids")
            if deleted:
                self._prune_entities(db)
        return deleted

    @staticmethod
    def _prune_entities(db: sqlite3.Connection) -> None:
        db.execute(
            "DELETE FROM entities WHERE NOT EXISTS "
            "(SELECT 1 FROM mentions WHERE entity_id = entities.id)"
        )

    # --- bookmarks ------------------------------------------------------
    def set_bookmark(self, key: int, on: bool) -> None:
        """Bookmark (copying the article) or unbookmark; re-bookmarking keeps the old time."""
        with self._writing() as db:
            if on:
                self._bookmark(db, key)
            else:
                db.execute("DELETE FROM bookmarks WHERE article_key = ?", (key,))

    def toggle_bookmark(self, key: int) -> bool:
        """Flip the bookmark; return the new state (False for an unknown key)."""
        with self._writing() as db:
            gone = db.execute("DELETE FROM bookmarks WHERE article_key = ?", (key,)).rowcount
            if gone:
                return False
            return self._bookmark(db, key)

    def _bookmark(self, db: sqlite3.Connection, key: int) -> bool:
        # The copy must hold text, not an empty pending body.
        _convert_keys(db, self._spool, [key])
        db.execute(
            f"INSERT INTO bookmarks (article_key, bookmarked_at, {_FIELDS}, read, read_at) "
            f"SELECT key, ?, {_FIELDS}, read, read_at FROM articles WHERE key = ? "
            "ON CONFLICT DO NOTHING",
            (now_db_time(), key),
        )
        found = db.execute("SELECT 1 FROM bookmarks WHERE article_key = ?", (key,)).fetchone()
        return found is not None

    def bookmarks(self) -> list[Bookmark]:
        """Every bookmark, newest bookmark first (times are timezone-aware UTC)."""
        with self._reading() as db:
            rows = db.execute(
                f"SELECT {_FIELDS}, article_key, bookmarked_at FROM bookmarks "
                "ORDER BY bookmarked_at DESC, id DESC"
            ).fetchall()
        result = []
        for row in rows:
            when = from_db_time(row[12])
            if when is None:  # only a damaged row; keep it listed rather than lose it
                when = from_db_time("1970-01-01T00:00:00+00:00")
            assert when is not None
            result.append(Bookmark(key=row[11], article=_article(row), bookmarked_at=when))
        return result

    def is_bookmarked(self, key: int) -> bool:
        """Whether ``key`` is bookmarked, without loading every bookmark."""
        with self._reading() as db:
            row = db.execute("SELECT 1 FROM bookmarks WHERE article_key = ?", (key,)).fetchone()
        return row is not None

    def bookmark_count(self) -> int:
        """How many bookmarks there are, orphaned ones included (for the tab title)."""
        with self._reading() as db:
            return int(db.execute("SELECT count(*) FROM bookmarks").fetchone()[0])

    # --- entities -------------------------------------------------------
    def save_entities(
        self, key: int, engine: str, spans: Iterable[Any], *, for_text: str | None = None
    ) -> bool:
        """Store an article's entity mentions as computed by ``engine`` (name:version).

        Replaces whatever was stored for the article, in one transaction.
        Mentions are grouped into entities by :func:`entity_identity` (label, folded name
        of the canonical name or text). Spans with impossible offsets are
        skipped. Pass ``for_text`` (the text the engine was given) to drop the
        save when the article changed meanwhile, so offsets never point into
        the wrong text. Returns whether anything was saved.
        """
        mentions: dict[tuple[int, int, str], tuple[str, str]] = {}
        for span in spans:
            start, end = getattr(span, "start", None), getattr(span, "end", None)
            if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
                continue
            name = _span_name(span)
            if not name:
                continue
            label, norm = entity_identity(clean_key(str(span.label)), name)
            mentions.setdefault((start, end, label), (name, norm))
        wanted = None if for_text is None else strip_unsafe(for_text)
        with self._writing() as db:
            # Offsets refer to the converted text: store it now.
            _convert_keys(db, self._spool, [key])
            row = db.execute(
                "SELECT title, text FROM articles WHERE key = ? "
                "UNION ALL SELECT title, text FROM bookmarks WHERE article_key = ? LIMIT 1",
                (key, key),
            ).fetchone()
            if row is None or (wanted is not None and wanted != row[1]):
                return False
            db.execute("DELETE FROM article_entities WHERE article_key = ?", (key,))
            db.execute(
                "INSERT INTO article_entities (article_key, engine, computed_at) VALUES (?, ?, ?)",
                (key, clean_key(engine), now_db_time()),
            )
            ids: dict[tuple[str, str], int] = {}
            rows = []
            for (start, end, label), (name, norm) in sorted(mentions.items()):
                entity = ids.get((label, norm))
                if entity is None:
                    db.execute(
                        "INSERT INTO entities (label, norm, name) VALUES (?, ?, ?) "
                        "ON CONFLICT DO NOTHING",
                        (label, norm, name),
                    )
                    entity = db.execute(
                        "SELECT id FROM entities WHERE label = ? AND norm = ?", (label, norm)
                    ).fetchone()[0]
                    ids[(label, norm)] = entity
                rows.append((key, entity, start, end, name))
            db.executemany(
                'INSERT INTO mentions (article_key, entity_id, start, "end", name) '
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        return True

    def entities(self, key: int, engine: str) -> list[StoredEntity] | None:
        """The stored entities for an article, or None if not computed by this engine.

        Most mentioned first, then in order of first appearance. ``name`` is
        the most frequent spelling among the entity's mentions; ``spans`` are
        the text offsets, sorted.
        """
        with self._reading() as db:
            computed = db.execute(
                "SELECT engine FROM article_entities WHERE article_key = ?", (key,)
            ).fetchone()
            if computed is None or computed[0] != clean_key(engine):
                return None
            rows = db.execute(
                'SELECT e.label, e.norm, m.name, m.start, m."end" '
                "FROM mentions AS m JOIN entities AS e ON e.id = m.entity_id "
                'WHERE m.article_key = ? AND m.in_title = 0 ORDER BY m.start, m."end"',
                (key,),
            ).fetchall()
        groups: dict[tuple[str, str], tuple[Counter[str], list[tuple[int, int]]]] = {}
        for label, norm, name, start, end in rows:
            names, offsets = groups.setdefault((label, norm), (Counter(), []))
            names[name] += 1
            offsets.append((start, end))
        found = [
            StoredEntity(label, names.most_common(1)[0][0], len(offsets), tuple(offsets))
            for (label, _norm), (names, offsets) in groups.items()
        ]
        found.sort(key=lambda entity: (-entity.count, entity.spans[0]))
        return found

    def articles_mentioning(
        self, label: str, name: str, *, engine: str | None = None
    ) -> list[ArticleHeader]:
        """Every stored article that mentions this entity, newest first.

        ``name`` is folded with :func:`normalize_name`, so "US" finds
        articles that said "U.S.". ``engine`` limits it to mentions computed
        by that engine.
        """
        params: list[Any] = [*entity_identity(clean_key(label), clean_key(name))]
        engine_filter = ""
        if engine is not None:
            engine_filter = (
                " AND m.article_key IN (SELECT article_key FROM article_entities WHERE engine = ?)"
            )
            params.append(clean_key(engine))
        with self._reading() as db:
            rows = db.execute(
                f"SELECT * FROM ({_ALL_HEADERS}) WHERE key IN ("
                "SELECT m.article_key FROM mentions AS m JOIN entities AS e ON e.id = m.entity_id "
                f"WHERE e.label = ? AND e.norm = ?{engine_filter}) {_HEADER_ORDER}",
                params,
            ).fetchall()
        return [_header(row) for row in rows]

    def related(self, key: int, limit: int = 10) -> list[ArticleHeader]:
        """Articles sharing the most entities with this one, best first.

        Each shared entity scores 1 / (number of articles mentioning it), so
        a rare shared name counts for more than a common one (or a date
        everyone mentions). Ties go to the newer article.
        """
        with self._reading() as db:
            scores = db.execute(
                """
                WITH mine AS (SELECT DISTINCT entity_id FROM mentions WHERE article_key = :key),
                pairs AS (
                    SELECT DISTINCT m.article_key, m.entity_id FROM mentions AS m
                    WHERE m.entity_id IN (SELECT entity_id FROM mine)
                ),
                df AS (SELECT entity_id, count(*) AS n FROM pairs GROUP BY entity_id)
                SELECT p.article_key, sum(1.0 / df.n) AS score
                FROM pairs AS p JOIN df USING (entity_id)
                WHERE p.article_key != :key GROUP BY p.article_key
                """,
                {"key": key},
            ).fetchall()
            if not scores:
                return []
            score = dict(scores)
            # Filtering the union by key lets SQLite push the lookup into both
            # halves; joining against it would materialise every header.
            rows = db.execute(
                f"SELECT * FROM ({_ALL_HEADERS}) WHERE key IN (SELECT value FROM json_each(?))",
                (json.dumps(list(score)),),
            ).fetchall()
        headers = [_header(row) for row in rows]
        headers.sort(key=lambda h: (-score[h.key], -_timestamp(h.published), h.key))
        return headers[: max(0, int(limit))]

    def keys_without_entities(self, engine: str, limit: int = 5000) -> list[int]:
        """Newest articles whose mentions were not computed by ``engine`` (name:version).

        New articles from a refresh, and every article after an engine upgrade,
        are found here and extracted in the background in batches.
        """
        with self._reading() as db:
            rows = db.execute(
                "SELECT a.key FROM articles AS a LEFT JOIN article_entities AS e "
                "ON e.article_key = a.key AND e.engine = ? WHERE e.article_key IS NULL "
                "ORDER BY a.published DESC, a.key DESC LIMIT ?",
                (engine, max(0, int(limit))),
            ).fetchall()
        return [row[0] for row in rows]

    # --- search (the FTS5 index and the query language live in store/search.py)
    def search(self, query: Any, **options: Any) -> list[Any]:
        """Articles matching a parsed query, best first: see :func:`store.search.search`."""
        from newsreader.store import search

        self.convert_pending()  # pending articles have no text to match yet
        return search.search(self, query, **options)

    def count_query(self, query: Any, **options: Any) -> tuple[int, int]:
        """(total, unread) for a parsed query, as saved queries show it."""
        from newsreader.store import search

        self.convert_pending()
        return search.count(self, query, **options)

    def sync_search_index(self) -> int:
        """Index articles stored since the last sync (done in the background after refresh)."""
        from newsreader.store import search

        self.convert_pending()  # the background batch after a refresh: text first, then index
        return search.sync_index(self)
