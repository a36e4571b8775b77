"""Reading articles from anywhere: feed files and URLs, local article files, folders.

The one entry point the rest of the program uses is :func:`load_sources`.
It never raises for bad input: every failure becomes a
:class:`~newsreader.models.SourceError` with a one-line reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsreader.models import LoadResult


def load_source(spec: str) -> LoadResult:
    """Read one SOURCE: a feed file, an http(s) feed URL, an article file or a folder."""
    raise NotImplementedError


def load_sources(specs: Iterable[str]) -> LoadResult:
    """Read every SOURCE in order and merge the results."""
    result = LoadResult()
    for spec in specs:
        result.extend(load_source(spec))
    return result
