"""Bookmark export writers: Markdown, JSON and HTML, headless and side-effect free.

Each writer turns :class:`~newsreader.store.bookmark_notes.NotedBookmark`
values into one string; the CLI (``newsreader bookmarks --export``) and the
app's export action write it to a file. HTML escapes every value (titles,
notes, tags, URLs) and links only what :func:`~newsreader.sanitize.safe_link`
accepts, so a hostile feed cannot inject markup into the exported page.
Markdown escapes the characters that would change its structure.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.sanitize import safe_link

if TYPE_CHECKING:
    from newsreader.store.bookmark_notes import NotedBookmark

FORMATS = ("md", "json", "html")

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _plain(text: str | None) -> str:
    return _CONTROL.sub("", text or "")


def _line(text: str | None) -> str:
    return " ".join(_plain(text).split())


def _record(item: NotedBookmark) -> dict[str, object]:
    article = item.bookmark.article
    return {
        "key": item.bookmark.key,
        "title": _line(article.title),
        "link": safe_link(article.link) or "",
        "source": _line(article.source_name),
        "author": _line(article.author),
        "published": article.published.isoformat() if article.published else None,
        "bookmarked_at": item.bookmark.bookmarked_at.isoformat(),
        "note": _plain(item.note),
        "tags": [_line(tag) for tag in item.tags],
        "text": _plain(article.text),
    }


def to_json(items: Sequence[NotedBookmark]) -> str:
    return json.dumps([_record(item) for item in items], ensure_ascii=False, indent=2) + "\n"


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(items: Sequence[NotedBookmark]) -> str:
    lines = ["# Bookmarks", ""]
    for item in items:
        record = _record(item)
        title = _md(str(record["title"]) or "(untitled)")
        link = str(record["link"])
        lines.append(f"## [{title}](<{link}>)" if link and ">" not in link else f"## {title}")
        meta = [_md(str(v)) for v in (record["source"], record["published"]) if v]
        if meta:
            lines.append(" · ".join(meta))
        if record["tags"]:
            lines.append("Tags: " + ", ".join(_md(str(t)) for t in record["tags"]))  # type: ignore[union-attr]
        if record["note"]:
            lines.append("")
            lines.extend("> " + _md(part) for part in str(record["note"]).split("\n"))
        lines.append("")
    return "\n".join(lines)


def to_html(items: Sequence[NotedBookmark]) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>Bookmarks</title></head><body>',
        "<h1>Bookmarks</h1>",
    ]
    for item in items:
        record = _record(item)
        title = esc(str(record["title"]) or "(untitled)")
        link = str(record["link"])
        heading = f'<a href="{esc(link, quote=True)}">{title}</a>' if link else title
        parts.append(f"<article><h2>{heading}</h2>")
        meta = " · ".join(esc(str(v)) for v in (record["source"], record["published"]) if v)
        if meta:
            parts.append(f"<p>{meta}</p>")
        if record["tags"]:
            tags = ", ".join(esc(str(t)) for t in record["tags"])  # type: ignore[union-attr]
            parts.append(f"<p>Tags: {tags}</p>")
        if record["note"]:
            parts.append(f"<blockquote>{esc(str(record['note']))}</blockquote>")
        parts.append("</article>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render(items: Sequence[NotedBookmark], fmt: str) -> str:
    """The export in ``fmt`` (one of :data:`FORMATS`); ValueError for another."""
    writers = {"md": to_markdown, "json": to_json, "html": to_html}
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r} (use md, json or html)")
    return writers[fmt](items)


def write_export(items: Sequence[NotedBookmark], fmt: str, path: Path) -> None:
    """Write atomically (a ``.part`` file renamed), so a failed export leaves no half file."""
    text = render(items, fmt)
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
