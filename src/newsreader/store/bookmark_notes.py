"""A bookmark's note and tags: the user's own words about an article they kept.

A mixin of :class:`~newsreader.store.core.Store`; only this module writes
``bookmarks.note`` and ``bookmarks.tags`` (schema 5). The bookmark itself
already holds a full copy of the article, so a noted bookmark survives its
feed being removed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.sanitize import clean_key, strip_unsafe

if TYPE_CHECKING:
    from newsreader.store.types import Bookmark

#: Longest note and tag kept (longer ones are cut at the limit).
MAX_NOTE = 10_000
MAX_TAG = 60
MAX_TAGS = 30


@dataclass(frozen=True, slots=True)
class NotedBookmark:
    """A :class:`Bookmark` with its note and tags."""

    bookmark: Bookmark
    note: str
    tags: tuple[str, ...]


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """One-line, comma-free, de-duplicated (ignoring case) tags, in the order given."""
    seen: set[str] = set()
    result: list[str] = []
    for tag in tags:
        cleaned = " ".join(clean_key(str(tag)).replace(",", " ").split())[:MAX_TAG]
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            result.append(cleaned)
    return tuple(result[:MAX_TAGS])


def _tags(value: str | None) -> tuple[str, ...]:
    try:
        decoded = json.loads(value or "[]")
    except ValueError:
        return ()
    return clean_tags(decoded) if isinstance(decoded, list) else ()


class BookmarkNotes:
    """Notes and tags on bookmarks (see the module docstring)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _writing(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def bookmarks(self) -> list[Bookmark]: ...

    def set_note(self, key: int, note: str) -> bool:
        """Replace the bookmark's note ("" clears it); False when ``key`` is not bookmarked."""
        text = strip_unsafe(str(note or ""))[:MAX_NOTE]
        with self._writing() as db:
            return db.execute("UPDATE bookmarks SET note = ? WHERE article_key = ?",
                              (text, int(key))).rowcount > 0

    def set_tags(self, key: int, tags: Iterable[str]) -> bool:
        """Replace the bookmark's tags; False when ``key`` is not bookmarked."""
        encoded = json.dumps(list(clean_tags(tags)), ensure_ascii=False)
        with self._writing() as db:
            return db.execute("UPDATE bookmarks SET tags = ? WHERE article_key = ?",
                              (encoded, int(key))).rowcount > 0

    def bookmark_notes(self) -> dict[int, tuple[str, tuple[str, ...]]]:
        """Article key -> (note, tags) for every bookmark."""
        with self._reading() as db:
            rows = db.execute("SELECT article_key, note, tags FROM bookmarks").fetchall()
        return {row[0]: (row[1] or "", _tags(row[2])) for row in rows}

    def noted_bookmarks(self) -> list[NotedBookmark]:
        """Every bookmark (newest first) with its note and tags."""
        notes = self.bookmark_notes()
        return [NotedBookmark(b, *notes.get(b.key, ("", ()))) for b in self.bookmarks()]
