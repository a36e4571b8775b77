"""Full text fetched for summary-only articles: replacing the text, and keeping it.

A mixin of :class:`~newsreader.store.core.Store` (like
:mod:`newsreader.store.subscriptions`). :meth:`FullTextStore.set_full_text`
puts the article's web page text in place of the feed's summary; the
page itself is fetched by :mod:`newsreader.sources.fulltext`, never here
(the store does no network).

Keeping it: the next refresh brings the feed item back with only its
summary. :func:`keep_full_text` (called by ``Store._upsert``) keeps a stored
full text when the incoming row is summary-only, so a refresh never undoes
a fetch. The other fields (title, date, link ...) still follow the feed.
The same rule keeps an article's full feed content if its feed later
switches to summaries, which is what a reader wants too.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from newsreader.sanitize import clean_key, strip_unsafe
from newsreader.store.convert import content_hash, now_db_time

__all__ = ["FullTextStore", "keep_full_text"]

_R = TypeVar("_R")


def keep_full_text(row: _R, stored_text: str, stored_summary_only: int | bool) -> _R:
    """``row`` (an incoming article row), keeping the stored text when it is fuller.

    ``row`` is the store's row dataclass (``title``, ``text``,
    ``summary_only``, ``content_hash`` fields). When the stored article has
    its full text and the incoming one is only a summary, the stored text
    stays and the hash is recomputed for the incoming title.
    """
    incoming: Any = row
    if stored_summary_only or not incoming.summary_only or not stored_text:
        return row
    return dataclasses.replace(  # type: ignore[type-var]
        incoming,
        text=stored_text,
        summary_only=0,
        content_hash=content_hash(incoming.title, stored_text),
    )


class FullTextStore:
    """Replace an article's summary with its full text; find articles by key or id."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _writing(self) -> AbstractContextManager[sqlite3.Connection]: ...
        @staticmethod
        def _prune_entities(db: sqlite3.Connection) -> None: ...

    def set_full_text(self, key: int, text: str) -> bool:
        """Store ``text`` as the article's text (``summary_only`` off); False for an unknown key.

        Its stored entities are cleared, so they are extracted again from the
        new text (the UI does it in the background; ``newsreader fulltext``
        at once). Read state and the bookmark stay; a bookmark's copy gets the
        new text too, and an orphaned bookmark (its article gone from the
        feed) can be completed the same way. ``text`` is cleaned like any
        stored text; an empty one is refused (ValueError): it would erase the
        summary for nothing.
        """
        cleaned = strip_unsafe(text)
        if not cleaned.strip():
            raise ValueError("the full text is empty")
        now = now_db_time()
        with self._writing() as db:
            changed = False
            for table, column, stamp in (
                ("articles", "key", ", updated = ?"),
                ("bookmarks", "article_key", ""),
            ):
                found = db.execute(
                    f"SELECT title FROM {table} WHERE {column} = ?", (key,)
                ).fetchone()
                if found is None:
                    continue
                params: tuple[Any, ...] = (cleaned, content_hash(found[0], cleaned))
                db.execute(
                    f"UPDATE {table} SET text = ?, summary_only = 0, content_hash = ?{stamp} "
                    f"WHERE {column} = ?",
                    (*params, *((now,) if stamp else ()), key),
                )
                changed = True
            if changed:
                db.execute("DELETE FROM article_entities WHERE article_key = ?", (key,))
                self._prune_entities(db)
        return changed

    def find_article_keys(self, ref: str) -> list[int]:
        """Keys of the articles ``ref`` names: a key (digits), else an article id.

        For ``newsreader fulltext ID``: a number that is a stored key means
        that article; anything else is looked up as the source's article id
        (a guid or link), which several feeds may share, so every match is
        returned (bookmark copies of dropped articles included), lowest key
        first.
        """
        ref = (ref or "").strip()
        with self._reading() as db:
            if ref.isdecimal() and len(ref) < 19:
                key = int(ref)
                found = db.execute(
                    "SELECT key FROM articles WHERE key = ? "
                    "UNION SELECT article_key FROM bookmarks WHERE article_key = ?",
                    (key, key),
                ).fetchone()
                if found is not None:
                    return [key]
            article_id = clean_key(ref)
            rows = db.execute(
                "SELECT key FROM articles WHERE article_id = ? "
                "UNION SELECT article_key FROM bookmarks WHERE article_id = ? ORDER BY 1",
                (article_id, article_id),
            ).fetchall()
        return [row[0] for row in rows]
