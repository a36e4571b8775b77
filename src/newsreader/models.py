"""Plain data that crosses layer boundaries: what sources produce and the store keeps.

These are frozen dataclasses with no behaviour beyond small derived values, so
every layer (sources, entities, store, ui, cli) can share them without
importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Article:
    """One readable article, from a feed entry or a local file.

    ``source`` identifies where it came from (a feed URL or an absolute file
    path) and, together with ``id``, is the article's identity: the same
    ``(source, id)`` pair is the same article, however often it is loaded.
    ``published`` is timezone-aware, or ``None`` when the source gave no usable
    date: it is never invented.
    ``text`` is clean, readable plain text (paragraphs separated by blank
    lines); it is what entity offsets refer to.
    """

    id: str
    source: str
    source_name: str
    title: str
    text: str
    link: str | None = None
    author: str | None = None
    published: datetime | None = None
    caption: str | None = None
    summary_only: bool = False


@dataclass(frozen=True, slots=True)
class SourceError:
    """A source that could not be read, with a one-line human reason."""

    source: str
    reason: str


@dataclass(slots=True)
class LoadResult:
    """What reading one or more sources gave: the articles and the failures.

    ``warnings`` are problems that did not stop the source from being read
    (a feed with XML errors that still gave items, JSON lines skipped); they
    use the :class:`SourceError` shape but are not failures.
    """

    articles: list[Article] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    warnings: list[SourceError] = field(default_factory=list)

    def extend(self, other: LoadResult) -> None:
        self.articles.extend(other.articles)
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)
