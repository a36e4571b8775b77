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


#: Applied in order; the schema version is ``len(MIGRATIONS)``.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_create_schema_1]


def schema_version() -> int:
    """The version this program writes (read at call time so tests can extend the list)."""
    return len(MIGRATIONS)
