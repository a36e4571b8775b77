"""Markdown article files (``.md``): title from the first ``# heading``.

The body is rendered with markdown-it-py (already installed as a dependency
of rich) to HTML and then through :func:`~newsreader.content.html_to_text`,
so Markdown gets exactly the same treatment as feed HTML: paragraphs,
lists, headings (``## Sub``) and quotes (``> ``) kept in html_to_text's
light Markdown, links as numbered references ``text [1]`` with a ``Links:``
block at the end (:class:`~newsreader.content.LinkRefs`, the same numbering
as HTML), raw HTML made safe. The first ``# heading`` is taken out as the
title before rendering, so it does not open the text as well.
A small YAML-style front matter block (``title:``, ``date:``, ``author:``)
is honoured when present.
"""

from __future__ import annotations

import re
from pathlib import Path

from newsreader.content import html_to_text_and_links
from newsreader.models import Article
from newsreader.sanitize import clean_line, clean_text
from newsreader.sources.common import LoadFailure, content_id, decode_text
from newsreader.sources.dates import parse_date, parse_long_date

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_FIELD = re.compile(r"^([A-Za-z_]+)[ \t]*:[ \t]*(.*?)[ \t]*$", re.MULTILINE)
_H1 = re.compile(r"^[ ]{0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_SETEXT_H1 = re.compile(r"\A[ ]{0,3}(\S[^\n]*)\n[ ]{0,3}=+[ \t]*(?:\n|\Z)")
_FENCE = re.compile(r"^[ ]{0,3}(```|~~~)", re.MULTILINE)


def parse_markdown_article(data: bytes, path: Path) -> Article:
    """Read one Markdown article; raise :class:`LoadFailure` if it is empty."""
    source = clean_text(decode_text(data))
    meta, source = _front_matter(source)
    title, body = _split_title(source)
    title = clean_line(meta.get("title", "").strip("\"'")) or title
    text = markdown_to_text(body)
    if not text and not title:
        raise LoadFailure("empty article")
    author = clean_line(meta.get("author", "").strip("\"'"))
    return Article(
        id=content_id(data),
        source=str(path),
        source_name=clean_line(path.parent.name) or clean_line(str(path.parent)),
        title=title or clean_line(path.stem) or "(untitled)",
        text=text,
        author=author or None,
        published=(parse_date(meta.get("date", "").strip("\"'") or None)
                   or parse_long_date(text.partition("\n\n")[0][:60])),
    )


def markdown_to_text(markdown: str) -> str:
    """Markdown source to clean plain text (via HTML, see the module docstring)."""
    return markdown_to_text_and_links(markdown)[0]


def markdown_to_text_and_links(markdown: str) -> tuple[str, list[str]]:
    """:func:`markdown_to_text` plus its link targets (``links[n - 1]`` is ``[n]``)."""
    if not markdown.strip():
        return "", []
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover - rich always brings it
        return clean_text(markdown), []
    renderer = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    return html_to_text_and_links(renderer.render(markdown))


def _front_matter(source: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(source)
    if not match:
        return {}, source
    fields = {k.lower(): v for k, v in _FRONT_FIELD.findall(match.group(1))}
    return fields, source[match.end():]


def _split_title(source: str) -> tuple[str, str]:
    """The first level-1 heading (outside code fences) and the text without it.

    Without one, a setext heading at the top or the first line serves.
    """
    fence = _FENCE.search(source)
    for match in _H1.finditer(source):
        if fence and match.start() > fence.start():
            break
        title = clean_line(match.group(1))
        if title:
            return title, source[: match.start()] + source[match.end():]
    setext = _SETEXT_H1.match(source.lstrip("\n"))
    if setext:
        return clean_line(setext.group(1)), source.lstrip("\n")[setext.end():]
    stripped = source.strip()
    if not stripped:
        return "", ""
    first, _, rest = stripped.partition("\n")
    title = clean_line(first.lstrip("#").strip())
    if len(title) > 300:
        return "", source
    return title, rest
