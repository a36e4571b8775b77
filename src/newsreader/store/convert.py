"""Turning Python values into column values and back.

Timestamps are stored as UTC ISO 8601 text with a fixed shape
(``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``): every value has the same length, so
plain text order is time order and ``ORDER BY published DESC`` can use an
index, and a row stays readable in the ``sqlite3`` shell.

Text is cleaned on the way in. Sources are expected to hand over clean text
already, but the database outlives any one bug in a source, so the store
refuses to keep terminal escapes, C0/C1 controls (newline and tab are kept in
multi-line fields) and bidi overrides. The rules are :mod:`newsreader.sanitize`'s,
the one sanitiser: the store calls its :func:`~newsreader.sanitize.strip_unsafe`
for multi-line text and :func:`~newsreader.sanitize.clean_key` for one-line
values (never :func:`~newsreader.sanitize.clean_line`, which trims and cuts
what it displays). Clean text is stored unchanged, so entity
offsets computed on it stay valid; one-line values (ids, sources, links) are
never trimmed or cut. Lone surrogates (from undecodable file names) become
U+FFFD because SQLite only stores valid UTF-8.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from newsreader.sanitize import clean_key

__all__ = [
    "clean_optional",
    "content_hash",
    "from_db_time",
    "now_db_time",
    "to_db_time",
]


def clean_optional(value: str | None) -> str | None:
    """:func:`~newsreader.sanitize.clean_key` that lets ``None`` (an absent field) through."""
    return None if value is None else clean_key(value)


def content_hash(title: str, text: str) -> bytes:
    """What entity mentions depend on; when it changes they must be recomputed."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(title.encode())
    digest.update(b"\x00")
    digest.update(text.encode())
    return digest.digest()


def to_db_time(value: datetime | None) -> str | None:
    """A datetime as sortable UTC text; naive values are taken to be UTC.

    A datetime that cannot be expressed in UTC (year 1 with a positive
    offset, say) is stored as ``None``: a missing date is honest, a wrong one
    is not.
    """
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return value.isoformat(timespec="microseconds")


def from_db_time(value: str | None) -> datetime | None:
    """The timezone-aware UTC datetime for a stored value (``None`` if unreadable)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def now_db_time() -> str:
    """The current time as stored text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
