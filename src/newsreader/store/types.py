"""The values the store hands out, and its one error type.

They live apart from :mod:`newsreader.store.core` so the SQL modules and the
public package can share them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsreader.models import Article


@dataclass(frozen=True, slots=True)
class ArticleHeader:
    """What the list pane needs for one row: cheap to load in bulk."""

    key: int
    source: str
    source_name: str
    title: str
    published: datetime | None
    read: bool
    bookmarked: bool


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A bookmarked article and when it was bookmarked."""

    key: int
    article: Article
    bookmarked_at: datetime


@dataclass(frozen=True, slots=True)
class StoredEntity:
    """An entity as stored for one article: its mentions and how many there are."""

    label: str
    name: str
    count: int
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Feed:
    """One subscription with its refresh state and article counts.

    ``url`` is where the feed is fetched from now (it follows permanent
    redirects); ``source`` is what its articles are stored under and never
    changes. ``kind`` is ``"url"`` (http/https), ``"file"`` or ``"folder"``
    (a folder's articles are stored under each file's path). ``title`` is
    the feed's own title, ``user_title`` the user's rename (or the title an
    imported list gave it); :attr:`display_title` picks. ``etag`` and
    ``last_modified`` are exactly as the server sent them. ``max_age_days``
    and ``max_count`` are the retention limits (None: keep everything).
    ``unread`` and ``total`` count its stored articles.
    """

    url: str
    source: str
    kind: str
    title: str | None
    user_title: str | None
    tags: tuple[str, ...]
    added_at: datetime | None
    site_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    next_attempt: datetime | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    error_count: int = 0
    max_age_days: float | None = None
    max_count: int | None = None
    unread: int = 0
    total: int = 0

    @property
    def display_title(self) -> str:
        """What to call the feed: the user's title, the feed's, else its URL."""
        return self.user_title or self.title or self.url

    @property
    def is_local(self) -> bool:
        """A file or folder: refreshed by reading it, not over HTTP."""
        return self.kind != "url"


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A subscription to add (one line of an imported list, or ``newsreader add``).

    ``title`` becomes the feed's ``user_title``: a title chosen by the user
    (or kept from their previous reader) wins over the feed's own.
    """

    url: str
    title: str | None = None
    tags: tuple[str, ...] = ()
    kind: str | None = None
    site_url: str | None = None


@dataclass(frozen=True, slots=True)
class FeedStateUpdate:
    """One refresh attempt of a feed, to record (see :meth:`Store.update_feed_state`)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    next_attempt: datetime | None = None
    error: str | None = None
    new_url: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Ingested:
    """What :meth:`Store.store_articles` did: keys of stored articles, and counts.

    ``keys`` holds one key per article stored (tombstoned ones are skipped,
    so it can be shorter than the input). ``new`` were inserted (or came back
    under a bookmark's key), ``updated`` changed, ``unchanged`` were already
    stored as they are, ``skipped`` were tombstoned.
    """

    keys: list[int]
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


class StoreError(Exception):
    """The database cannot be used (corrupt, newer schema, not ours); the message says why."""
