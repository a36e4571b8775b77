"""The schema, as a list of migrations from an empty file.

``MIGRATIONS[i]`` takes the database from ``user_version`` *i* to *i + 1*;
migration 1 creates the first schema. A released migration is never edited:
a schema change is a new function appended to the list. Each one runs in its
own transaction (see :mod:`newsreader.store.connection`), so statements here
are run one by one with ``execute`` (``executescript`` would commit early).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from newsreader.store.refold import refold_entities

#: ``PRAGMA application_id``: "NWSR", so a file of ours is recognisable.
APPLICATION_ID = 0x4E575352

_SCHEMA_1 = (
    # Articles: identity is (source, article_id); ``key`` is the stable handle
    # the UI holds. AUTOINCREMENT so a deleted article's key is never reused:
    # a bookmark may still answer to it.
    """
    CREATE TABLE articles (
        key INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        article_id TEXT NOT NULL,
        source_name TEXT NOT NULL,
        title TEXT NOT NULL,
        link TEXT,
        author TEXT,
        published TEXT,
        text TEXT NOT NULL,
        caption TEXT,
        summary_only INTEGER NOT NULL DEFAULT 0,
        content_hash BLOB NOT NULL,
        first_seen TEXT NOT NULL,
        updated TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        read_at TEXT,
        UNIQUE (source, article_id)
    )
    """,
    # Newest first, undated last (NULL sorts last in DESC), then by title.
    # It also carries every column headers() reads, so listing 100k articles
    # scans this index alone and never touches the (large) article rows.
    """
    CREATE INDEX articles_by_date ON articles (
        published DESC, title COLLATE NOCASE, key, source, source_name, title, read
    )
    """,
    # Bookmarks carry a full copy of the article (kept in step while the
    # article row exists) so they outlive it. No foreign key on purpose.
    # ``id`` orders bookmarks made within the same clock tick.
    """
    CREATE TABLE bookmarks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        article_key INTEGER NOT NULL UNIQUE,
        bookmarked_at TEXT NOT NULL,
        source TEXT NOT NULL,
        article_id TEXT NOT NULL,
        source_name TEXT NOT NULL,
        title TEXT NOT NULL,
        link TEXT,
        author TEXT,
        published TEXT,
        text TEXT NOT NULL,
        caption TEXT,
        summary_only INTEGER NOT NULL DEFAULT 0,
        content_hash BLOB NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        read_at TEXT,
        UNIQUE (source, article_id)
    )
    """,
    "CREATE INDEX bookmarks_by_time ON bookmarks (bookmarked_at DESC, id DESC)",
    "CREATE INDEX bookmarks_by_date"
    " ON bookmarks (published DESC, title COLLATE NOCASE, article_key)",
    """
    CREATE TABLE subscriptions (
        url TEXT PRIMARY KEY NOT NULL,
        title TEXT,
        added_at TEXT NOT NULL
    )
    """,
    # One row per (label, folded name), shared by every article mentioning it.
    """
    CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL,
        norm TEXT NOT NULL,
        name TEXT NOT NULL,
        UNIQUE (label, norm)
    )
    """,
    # Which engine ("name:version") computed an article's mentions, and when.
    # Keyed by article key without a foreign key: an orphaned bookmark keeps
    # its entities. The triggers below do the cascading instead.
    """
    CREATE TABLE article_entities (
        article_key INTEGER PRIMARY KEY,
        engine TEXT NOT NULL,
        computed_at TEXT NOT NULL
    )
    """,
    # ``name`` is what the mention stands for (the span's canonical name, or
    # its text); ``in_title`` is reserved for mentions found in the title.
    """
    CREATE TABLE mentions (
        article_key INTEGER NOT NULL
            REFERENCES article_entities (article_key) ON DELETE CASCADE,
        entity_id INTEGER NOT NULL REFERENCES entities (id),
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        in_title INTEGER NOT NULL DEFAULT 0,
        name TEXT NOT NULL
    )
    """,
    "CREATE INDEX mentions_by_entity ON mentions (entity_id, article_key)",
    "CREATE INDEX mentions_by_article ON mentions (article_key, start)",
    """
    CREATE TRIGGER articles_delete_entities AFTER DELETE ON articles
    WHEN NOT EXISTS (SELECT 1 FROM bookmarks WHERE article_key = OLD.key)
    BEGIN
        DELETE FROM article_entities WHERE article_key = OLD.key;
    END
    """,
    """
    CREATE TRIGGER bookmarks_delete_entities AFTER DELETE ON bookmarks
    WHEN NOT EXISTS (SELECT 1 FROM articles WHERE key = OLD.article_key)
    BEGIN
        DELETE FROM article_entities WHERE article_key = OLD.article_key;
    END
    """,
)


def _create_schema_1(db: sqlite3.Connection) -> None:
    """Version 1: articles, bookmarks, subscriptions, entities and mentions."""
    for statement in _SCHEMA_1:
        db.execute(statement)


# Subscriptions grow from a URL list into feeds with state. SQLite cannot add
# UNIQUE or NOT NULL columns to a table, so the table is rebuilt and renamed.
_SUBSCRIPTIONS_2 = """
    CREATE TABLE subscriptions_2 (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL DEFAULT 'url' CHECK (kind IN ('url', 'file', 'folder')),
        title TEXT,
        user_title TEXT,
        site_url TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        added_at TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,
        next_attempt TEXT,
        last_attempt TEXT,
        last_success TEXT,
        last_error TEXT,
        error_count INTEGER NOT NULL DEFAULT 0,
        max_age_days REAL,
        max_count INTEGER
    )
"""

_SCHEMA_2 = (
    # Unread/total counts per feed (the feeds list, the sidebar) read this
    # index alone instead of visiting every article row.
    "CREATE INDEX articles_by_source ON articles (source, read)",
    # A deleted article stays deleted when its feed sends it again: add_articles
    # skips (source, article_id) pairs listed here. Keyed like articles.
    """
    CREATE TABLE tombstones (
        source TEXT NOT NULL,
        article_id TEXT NOT NULL,
        deleted_at TEXT NOT NULL,
        PRIMARY KEY (source, article_id)
    ) WITHOUT ROWID
    """,
)


def _feeds_schema_2(db: sqlite3.Connection) -> None:
    """Version 2: subscriptions carry feed state, tags and retention; tombstones.

    ``source`` is the identity the feed's articles are stored under: the URL
    it was added with. ``url`` follows permanent redirects, ``source`` never
    changes, so a moved feed's articles are not stored twice. ``kind`` says
    how to read it: an http(s) ``url``, a local ``file`` or a ``folder``
    (whose articles are stored under each file's own path).
    """
    db.execute(_SUBSCRIPTIONS_2)
    rows = db.execute("SELECT url, title, added_at FROM subscriptions ORDER BY added_at, url")
    for url, title, added_at in rows.fetchall():
        db.execute(
            "INSERT INTO subscriptions_2 (url, source, kind, user_title, added_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (url, url, _kind_of(url), title, added_at),
        )
    db.execute("DROP TABLE subscriptions")
    db.execute("ALTER TABLE subscriptions_2 RENAME TO subscriptions")
    for statement in _SCHEMA_2:
        db.execute(statement)


def _kind_of(url: str) -> str:
    """How a version-1 subscription is read: schema 1 did not say, so look."""
    if url.lower().startswith(("http://", "https://")):
        return "url"
    try:
        return "folder" if Path(url).expanduser().is_dir() else "file"
    except OSError:
        return "file"


def _search_schema_4(db: sqlite3.Connection) -> None:
    """Version 4: the FTS5 search index and its change triggers (see store/search.py).

    Imported here, not at the top: store/search.py needs the query language,
    which needs the store's name folding, which imports this package.
    """
    from newsreader.store.search import migrate_search

    migrate_search(db)


def _reader_schema_5(db: sqlite3.Connection) -> None:
    """Version 5: saved queries, notes and tags on bookmarks, and app settings.

    Saved queries are query-language strings shown like feeds (newsboat's
    query feeds). A bookmark's note and tags are the user's own words about
    it. ``settings`` holds choices the app remembers between runs (the theme)
    as JSON values, so a new setting needs no migration.
    """
    db.execute(
        """
        CREATE TABLE saved_queries (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            query TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("ALTER TABLE bookmarks ADD COLUMN note TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE bookmarks ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'")
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")


def _pending_text_schema_6(db: sqlite3.Connection) -> None:
    """Version 6: article HTML kept as received until it is turned into text.

    A refresh stores a new article's HTML here and an empty ``text``, so
    converting HTML to text (half of a refresh's parse time) happens later,
    in the background batches after a refresh or when the article is read,
    as newsboat renders on open. ``base_url`` is what relative links resolve
    against (the feed's URL). The row goes when the article's ``text`` is
    written, by the conversion or by anything else (a fetched full text, a
    new version from the feed), and when the article is deleted, so a
    pending row never outlives the text it stands for.
    """
    db.execute(
        """
        CREATE TABLE pending_text (
            key INTEGER PRIMARY KEY,
            html TEXT NOT NULL,
            base_url TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TRIGGER articles_text_written AFTER UPDATE OF text ON articles BEGIN
            DELETE FROM pending_text WHERE key = new.key;
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER articles_delete_pending_text AFTER DELETE ON articles BEGIN
            DELETE FROM pending_text WHERE key = old.key;
        END
        """
    )


def _spooled_html_schema_7(db: sqlite3.Connection) -> None:
    """Version 7: pending HTML may live in a file beside the database (store/spool.py).

    A spooled row has an empty ``html`` and says where its bytes are:
    ``spool`` (a file name in the ``-pending`` folder), ``spool_offset``,
    ``spool_length``, and ``digest``, which tells the bytes read back from a
    damaged or missing copy. Rows from version 6 keep their HTML inline, as
    do in-memory stores, so both kinds are read.
    """
    for column in ("spool TEXT", "spool_offset INTEGER", "spool_length INTEGER", "digest BLOB"):
        db.execute(f"ALTER TABLE pending_text ADD COLUMN {column}")


#: Applied in order; the schema version is ``len(MIGRATIONS)``.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _create_schema_1, _feeds_schema_2, refold_entities, _search_schema_4,
    _reader_schema_5, _pending_text_schema_6, _spooled_html_schema_7,
]


def schema_version() -> int:
    """The version this program writes (read at call time so tests can extend the list)."""
    return len(MIGRATIONS)
