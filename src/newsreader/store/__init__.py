"""Local storage: one SQLite database holding articles, read state, bookmarks and entities.

Only this package writes SQL. The UI and the CLI call :class:`Store` methods.

The file
    ``default_db_path()``: ``$NEWSREADER_DB``, else ``newsreader.db`` in the
    platform user-data folder. WAL journal (set at creation), ``busy_timeout``
    5 s, ``foreign_keys`` on, ``synchronous=NORMAL``, ``application_id``
    0x4E575352 ("NWSR"). ``user_version`` is the schema version; each entry of
    :data:`newsreader.store.schema.MIGRATIONS` moves it up by one, in its own
    transaction. A file that is not SQLite, is corrupt, belongs to another
    program or comes from a newer newsreader is refused and never written.

Tables (schema 1)
    ``articles``: one row per ``(source, article_id)``; ``key`` (AUTOINCREMENT,
    never reused) is the handle the UI holds. Cleaned fields, ``published``
    as sortable UTC ISO text (NULL when unknown), ``content_hash`` of title
    and text, ``first_seen``/``updated``, ``read``/``read_at``.
    Index ``articles_by_date`` (published DESC, title, then the other header
    columns) serves the newest-first list as one covering-index scan.

    ``bookmarks``: ``article_key`` plus ``bookmarked_at`` and a full copy of
    the article (and its read flag), kept equal to the live row while it
    exists. No foreign key, on purpose: the bookmark outlives the article,
    and the article gets the same key back if it reappears.

    ``subscriptions``: see schema 2 below.

    ``entities(id, label, norm, name)``: one row per label and folded name
    (:func:`normalize_name`). ``article_entities(article_key, engine,
    computed_at)``: which engine ("name:version") computed an article's
    mentions. ``mentions(article_key, entity_id, start, end, in_title,
    name)`` cascade from ``article_entities``; triggers clear them when the
    article (and any bookmark of it) is deleted. Changing an article's title
    or text clears them too, so they get recomputed.

Schema 2
    ``subscriptions`` rebuilt as feeds: ``url`` (follows permanent
    redirects) and ``source`` (what the articles are stored under; never
    changes), ``kind`` (url/file/folder), ``title`` (the feed's own),
    ``user_title`` (rename or imported title), ``tags`` (JSON list; the first
    is the OPML folder), ``site_url``, the refresh state (``etag`` and
    ``last_modified`` exactly as received, ``body_hash``, ``next_attempt``,
    ``last_attempt``, ``last_success``, ``last_error``, ``error_count``) and
    retention (``max_age_days``, ``max_count``; NULL keeps everything).
    ``tombstones(source, article_id, deleted_at)``: deleted articles that
    stay deleted when their feed sends them again.

Schema 3
    No new tables: entity rows are re-keyed with the one folding rule,
    :func:`newsreader.store.names.entity_identity` (the entity engines'
    ``fold_identity``: aliases such as "U.N."/"United Nations" and LOC/GPE
    merge). See :mod:`newsreader.store.refold`.

Entity lookups (list filter, entity view, ``newsreader entity``) are in
:mod:`newsreader.store.entity_queries`.

All datetimes handed out are timezone-aware UTC.
"""

from __future__ import annotations

from newsreader.store.core import Store
from newsreader.store.entity_queries import EntityArticle, EntityFilter, EntityRef
from newsreader.store.names import normalize_name
from newsreader.store.paths import default_db_path
from newsreader.store.types import (
    ArticleHeader,
    Bookmark,
    Feed,
    FeedSpec,
    FeedStateUpdate,
    Ingested,
    StoredEntity,
    StoreError,
)

__all__ = [
    "ArticleHeader",
    "Bookmark",
    "EntityArticle",
    "EntityFilter",
    "EntityRef",
    "Feed",
    "FeedSpec",
    "FeedStateUpdate",
    "Ingested",
    "Store",
    "StoreError",
    "StoredEntity",
    "default_db_path",
    "normalize_name",
]
