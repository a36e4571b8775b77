"""Reading articles from anywhere: feed files and URLs, local article files, folders.

The one entry point the rest of the program uses is :func:`load_sources`
(or :func:`load_source` for one SOURCE). They never raise for bad input:
every failure becomes a :class:`~newsreader.models.SourceError` with a
one-line reason, per source and, for a folder, per file.

:func:`parse_feed_bytes` is for callers that fetched a feed themselves (the
concurrent refresh engine): bytes in, articles out, same rules.

Importing this package is cheap: feedparser, httpx and markdown-it are
imported only when a source needs them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from newsreader.models import LoadResult, SourceError
from newsreader.sources.common import LoadFailure, Parsed, gunzip, one_line

__all__ = ["load_source", "load_sources", "parse_feed_bytes"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SCHEME_ONLY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # javascript:, mailto: (not C:)


def load_source(spec: str) -> LoadResult:
    """Read one SOURCE: a feed file, an http(s) feed URL, an article file or a folder."""
    label = one_line(spec) if isinstance(spec, str) else "?"
    try:
        if not isinstance(spec, str) or not spec.strip():
            raise LoadFailure("empty source name")
        spec = spec.strip()
        if _URL.match(spec):
            return _load_url(spec)
        path = Path(spec).expanduser()
        if not path.exists() and _SCHEME_ONLY.match(spec):
            scheme = spec.split(":", 1)[0].lower()
            raise LoadFailure(f"unsupported URL scheme {scheme!r} (only http and https)")
        path = path.absolute()
        if path.is_dir():
            return _load_folder(path)
        return _result(str(path), _parse_file(path))
    except LoadFailure as exc:
        return LoadResult(errors=[SourceError(label, one_line(exc))])
    except RecursionError:
        return LoadResult(errors=[SourceError(label, "input nested too deeply")])
    except MemoryError:
        return LoadResult(errors=[SourceError(label, "out of memory reading this source")])
    except Exception as exc:  # a bug, but still one line and not fatal
        return LoadResult(errors=[SourceError(label, f"unexpected error ({type(exc).__name__})")])


def load_sources(specs: Iterable[str]) -> LoadResult:
    """Read every SOURCE in order and merge the results."""
    result = LoadResult()
    for spec in specs:
        result.extend(load_source(spec))
    return result


def parse_feed_bytes(
    data: bytes,
    source: str,
    *,
    base_url: str | None = None,
    content_type: str | None = None,
) -> LoadResult:
    """Parse a fetched feed body (RSS, Atom or JSON Feed) into a LoadResult.

    ``source`` is the identity stored with the articles (the subscribed URL);
    ``base_url`` the final URL after redirects, for relative links. Anything
    that is not a feed is an error ("not a feed (an HTML page)").
    """
    try:
        return _result(source, _parse_feed_body(data, source, base_url or source, content_type))
    except LoadFailure as exc:
        return LoadResult(errors=[SourceError(source, one_line(exc))])
    except RecursionError:
        return LoadResult(errors=[SourceError(source, "input nested too deeply")])
    except Exception as exc:
        return LoadResult(errors=[SourceError(source, f"unexpected error ({type(exc).__name__})")])


# -- internals ---------------------------------------------------------------------


def _result(source: str, parsed: Parsed) -> LoadResult:
    return LoadResult(
        articles=parsed.articles,
        warnings=[SourceError(source, one_line(w)) for w in parsed.warnings],
    )


def _parse_file(path: Path) -> Parsed:
    from newsreader.sources.local import parse_file

    return parse_file(path)


def _load_folder(root: Path) -> LoadResult:
    from newsreader.sources.local import folder_files

    result = LoadResult()
    found = False
    unreadable: list[tuple[str, str]] = []
    for path in folder_files(root, unreadable):
        found = True
        try:
            result.extend(_result(str(path), _parse_file(path)))
        except LoadFailure as exc:
            result.errors.append(SourceError(str(path), one_line(exc)))
        except RecursionError:
            result.errors.append(SourceError(str(path), "input nested too deeply"))
        except Exception as exc:
            result.errors.append(SourceError(str(path), f"unexpected error ({type(exc).__name__})"))
    result.errors.extend(SourceError(path, reason) for path, reason in unreadable)
    if not found and not unreadable and not os.access(root, os.R_OK | os.X_OK):
        result.errors.append(SourceError(str(root), "permission denied"))
    elif not found and not unreadable:
        result.warnings.append(SourceError(str(root), "folder has no article or feed files"))
    return result


def _load_url(url: str) -> LoadResult:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise LoadFailure(f"unsupported URL scheme {scheme!r} (only http and https)")
    from newsreader.sources.http import fetch

    response = fetch(url)
    return _result(url, _parse_feed_body(response.content, url, response.url,
                                         response.content_type))


def _parse_feed_body(data: bytes, source: str, base_url: str, content_type: str | None) -> Parsed:
    from newsreader.sources.sniff import Kind, binary_kind, is_gzip, sniff

    if is_gzip(data):
        data = gunzip(data)
    host = urlsplit(base_url).hostname or source
    kind = sniff(data, "")
    if kind is Kind.EMPTY:
        raise LoadFailure("not a feed (empty response)")
    if kind is Kind.BINARY:
        raise LoadFailure(f"not a feed ({binary_kind(data)}, not text)")
    if kind is Kind.HTML:
        raise LoadFailure("not a feed (an HTML page)")
    if kind is Kind.OPML:
        raise LoadFailure("not a feed (an OPML subscription list)")
    if kind is Kind.JSON:
        from newsreader.sources.jsondata import parse_json

        return parse_json(data, source=source, fallback_name=host, base_url=base_url,
                          feeds_only=True)
    from newsreader.sources.feeds import parse_feed

    return parse_feed(data, source=source, fallback_name=host, base_url=base_url,
                      content_type=content_type)
