"""One local file or folder of files, dispatched by what the bytes are."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from newsreader.sources.common import LoadFailure, Parsed, gunzip, read_file
from newsreader.sources.sniff import (
    JSON_EXTENSIONS,
    KNOWN_EXTENSIONS,
    Kind,
    binary_kind,
    is_gzip,
    sniff,
)

_SKIPPED_PREFIXES = ("readme", "license", "licence", "copying", "sources")


def file_suffix(path: Path) -> str:
    """The extension that describes the content: ``feed.xml.gz`` -> ``.xml``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def parse_file(path: Path) -> Parsed:
    """Read one file of any supported kind; raise :class:`LoadFailure` if unreadable."""
    if not path.exists():
        raise LoadFailure("no such file")
    if not path.is_file():
        # A FIFO or device would block or never end (/dev/zero, a named pipe).
        raise LoadFailure("not a regular file")
    data = read_file(path)
    if is_gzip(data):
        data = gunzip(data)
    suffix = file_suffix(path)
    kind = sniff(data, suffix)
    return parse_local_bytes(data, path, suffix, kind)


def parse_local_bytes(data: bytes, path: Path, suffix: str, kind: Kind) -> Parsed:
    """Dispatch already-read bytes to the reader for their kind."""
    source = str(path)
    name = path.name
    if kind is Kind.EMPTY:
        if suffix in KNOWN_EXTENSIONS - {".txt", ".text", ".md", ".markdown", ".html", ".htm"}:
            raise LoadFailure("not a feed (empty file)")
        raise LoadFailure("empty article")
    if kind is Kind.BINARY:
        raise LoadFailure(f"not a feed ({binary_kind(data)}, not text)")
    if kind is Kind.OPML:
        raise LoadFailure("not a feed (an OPML subscription list)")
    if kind is Kind.FEED:
        from newsreader.sources.feeds import parse_feed

        return parse_feed(data, source=source, fallback_name=name)
    if kind is Kind.JSON:
        from newsreader.sources.jsondata import parse_json

        lines = suffix in {".jsonl", ".ndjson"}
        try:
            return parse_json(data, source=source, fallback_name=path.parent.name or name,
                              lines=lines)
        except LoadFailure:
            if suffix in JSON_EXTENSIONS:
                raise
            kind = Kind.TEXT  # "[Update] ..." in a file without extension: just text
    if kind is Kind.HTML:
        if suffix in {".xml", ".rss", ".atom", ".rdf"}:
            raise LoadFailure("not a feed (an HTML page)")
        from newsreader.sources.htmlpage import parse_html_article

        return Parsed([parse_html_article(data, path)])
    if kind is Kind.MARKDOWN:
        from newsreader.sources.mdfile import parse_markdown_article

        return Parsed([parse_markdown_article(data, path)])
    from newsreader.sources.textfile import parse_text_article

    return Parsed([parse_text_article(data, path)])


def folder_files(root: Path, unreadable: list[tuple[str, str]] | None = None) -> Iterator[Path]:
    """Files under ``root`` to load, recursively, in sorted order.

    Hidden files and folders are skipped, and so are a folder's README,
    LICENSE, COPYING and SOURCES files (attribution, not articles), and files
    whose extension says they are something else entirely (images, code).
    Symlinked folders are not followed, so a link loop cannot trap the scan.
    Sub-folders that cannot be listed are appended to ``unreadable`` as
    ``(path, reason)``.
    """

    def report(exc: OSError) -> None:
        if unreadable is not None:
            reason = "permission denied" if isinstance(exc, PermissionError) else (
                f"cannot read folder ({exc.strerror or type(exc).__name__})")
            unreadable.append((str(exc.filename or root), reason))

    for folder, dirs, files in os.walk(root, onerror=report, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.lower().startswith(_SKIPPED_PREFIXES):
                continue
            path = Path(folder, name)
            if file_suffix(path) in KNOWN_EXTENSIONS or not path.suffix:
                yield path
