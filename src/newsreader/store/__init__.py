"""Local storage: one SQLite database holding articles, read state, bookmarks and entities.

Only this package writes SQL. The UI and the CLI call :class:`Store` methods.
Design (see README "Where data is kept"):

* WAL journal, a fixed ``PRAGMA application_id``, schema versions in
  ``PRAGMA user_version`` with a migration per version from the first.
* Articles are identified by ``(source, article id)`` and get a stable integer
  ``key`` (the row id) that the UI uses.
* A bookmark keeps its own full copy of the article, so it stays readable when
  the feed drops the article or the file is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

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


class StoreError(Exception):
    """The database cannot be used (corrupt, newer schema, not ours); the message says why."""


def default_db_path() -> Path:
    """The database in the user data dir, unless ``NEWSREADER_DB`` says otherwise."""
    raise NotImplementedError


class Store:
    """A connection to the newsreader database. Open with :meth:`open`."""

    @classmethod
    def open(cls, path: Path | str | None = None) -> Store:
        """Open (creating and migrating as needed) the database at ``path``."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # --- articles -------------------------------------------------------
    def add_articles(self, articles: list[Article]) -> list[int]:
        """Insert or update articles (dedup by (source, id)); return their keys in order."""
        raise NotImplementedError

    def headers(self, *, bookmarked_only: bool = False) -> list[ArticleHeader]:
        """Article headers, newest first (undated last)."""
        raise NotImplementedError

    def article(self, key: int) -> Article | None:
        raise NotImplementedError

    def set_read(self, key: int, read: bool = True) -> None:
        raise NotImplementedError

    # --- bookmarks ------------------------------------------------------
    def set_bookmark(self, key: int, on: bool) -> None:
        raise NotImplementedError

    def toggle_bookmark(self, key: int) -> bool:
        """Flip the bookmark; return the new state."""
        raise NotImplementedError

    def bookmarks(self) -> list[Bookmark]:
        """Every bookmark, newest bookmark first."""
        raise NotImplementedError

    # --- entities -------------------------------------------------------
    def save_entities(self, key: int, engine: str, spans: list) -> None:
        """Store an article's entity mentions as computed by ``engine`` (name:version)."""
        raise NotImplementedError

    def entities(self, key: int, engine: str) -> list[StoredEntity] | None:
        """The stored entities for an article, or None if not computed by this engine."""
        raise NotImplementedError

    def articles_mentioning(self, label: str, name: str) -> list[ArticleHeader]:
        """Every stored article that mentions this entity, newest first."""
        raise NotImplementedError
