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


class StoreError(Exception):
    """The database cannot be used (corrupt, newer schema, not ours); the message says why."""
