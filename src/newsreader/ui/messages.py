"""Results that thread workers post back to the main screen.

``post_message`` is thread-safe, so workers never touch widgets: they send one
of these and the screen applies it on the UI thread. Each carries the key it
was computed for, so a late answer for an article the user has already left
is recognised and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from datetime import date

    from newsreader.models import Article, SourceError
    from newsreader.store import (
        ArticleHeader,
        EntityArticle,
        EntityFilter,
        EntityRef,
        StoredEntity,
    )


@dataclass
class HeadersLoaded(Message):
    """A fresh header list for the list pane (the cached one, or after a view change)."""

    headers: list[ArticleHeader]
    bookmarked_only: bool
    entity_filter: EntityFilter | None = None
    #: The feeds pane's choice the list was read for (a FeedView; None: all).
    feed_view: object | None = None


@dataclass
class LoadingSources(Message):
    """The sources worker is about to read these SOURCEs."""

    specs: list[str]


@dataclass
class SourcesLoaded(Message):
    """Sources were read and stored; ``keys`` are the stored articles' keys."""

    headers: list[ArticleHeader]
    bookmarked_only: bool
    keys: list[int]
    errors: list[SourceError] = field(default_factory=list)
    article_count: int = 0
    warnings: list[SourceError] = field(default_factory=list)
    entity_filter: EntityFilter | None = None
    feed_view: object | None = None


@dataclass
class ArticleLoaded(Message):
    """The article body for ``key`` (None when it vanished from the store)."""

    key: int
    article: Article | None


@dataclass
class EntitiesLoaded(Message):
    """The entities of article ``key`` for the configured engine."""

    key: int
    entities: list[StoredEntity]


@dataclass
class EntityProgress(Message):
    """Background extraction progress; replaces an older one still queued."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, EntityProgress)


@dataclass
class EntitiesUnavailable(Message):
    """The entity engine could not be loaded; the app carries on without highlights."""

    reason: str


@dataclass
class RelatedLoaded(Message):
    """Stored articles sharing entities with article ``key``, best first."""

    key: int
    headers: list[ArticleHeader]


@dataclass
class EntityViewLoaded(Message):
    """Everything the entity view shows for one entity, read in one worker.

    ``found`` is the stored entity (None when nothing mentions it any more);
    ``articles`` are the newest of the ``total_articles`` that mention it.
    """

    entity: tuple[str, str]
    found: EntityRef | None
    articles: list[EntityArticle]
    timeline: list[tuple[date, int]]
    company: list[EntityRef]
    total_articles: int = 0
