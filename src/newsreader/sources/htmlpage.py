"""Saved web pages (``.html``/``.htm``) as articles.

One pass over the page collects what a reader needs besides the text:
``<title>`` (else the first ``<h1>``), the publication date from
``<meta property="article:published_time">`` or the first
``<time datetime>``, an author from ``<meta name="author">``, the canonical
link, and where the article is: the ``<article>`` holding the most text,
else ``<main>``, else the whole ``<body>`` minus navigation, asides, footers
and forms. The text itself comes from :func:`~newsreader.content.html_to_text`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from newsreader.content import html_to_text
from newsreader.models import Article
from newsreader.sanitize import clean_line, safe_link
from newsreader.sources.common import LoadFailure, bom_encoding, content_id, decode_text
from newsreader.sources.dates import parse_date

_HEADING_MARKS = re.compile(r"\A#{1,6} ")  # html_to_text's heading prefix
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DATE_META = ("article:published_time", "og:published_time", "datepublished",
              "pubdate", "publishdate", "date", "dc.date", "dcterms.created")
_AUTHOR_META = ("author", "article:author", "dc.creator", "byl")
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher")


class _PageInfo(HTMLParser):
    """Collect title, h1, meta, first ``<time>``, canonical link, article sizes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.h1: list[str] = []
        self.meta: dict[str, str] = {}
        self.time: str | None = None
        self.canonical: str | None = None
        self.article_sizes: list[int] = []
        self.open_articles: list[int] = []
        self.mains = 0
        self._in: str | None = None
        self._h1_done = False
        self._title_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "title" and not self._title_done:
            self._in = "title"
        elif tag == "h1" and not self._h1_done:
            self._in = "h1"
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and "content" in a and key not in self.meta:
                self.meta[key] = a["content"]
        elif tag == "time" and self.time is None and a.get("datetime"):
            self.time = a["datetime"]
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.canonical = self.canonical or a.get("href")
        elif tag == "article":
            self.article_sizes.append(0)
            self.open_articles.append(len(self.article_sizes) - 1)
        elif tag == "main":
            self.mains += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in == "title":
            self._in, self._title_done = None, True
        elif tag == "h1" and self._in == "h1":
            self._in, self._h1_done = None, True
        elif tag == "article" and self.open_articles:
            self.open_articles.pop()

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title.append(data)
        elif self._in == "h1":
            self.h1.append(data)
        if self.open_articles:
            size = len(data.strip())
            # Outermost and innermost only: nesting depth must not multiply the cost.
            for index in {self.open_articles[0], self.open_articles[-1]}:
                self.article_sizes[index] += size


def decode_html(data: bytes) -> str:
    """BOM, then ``<meta charset>`` in the first 4 KB, then UTF-8, then cp1252."""
    codec, _ = bom_encoding(data)
    declared = None
    if not codec:
        match = _META_CHARSET.search(data[:4096])
        if match:
            declared = match.group(1).decode("ascii", "replace")
    return decode_text(data, declared)


def parse_html_article(data: bytes, path: Path) -> Article:
    """Read one saved web page; raise :class:`LoadFailure` if it has no text."""
    html = decode_html(data)
    info = _PageInfo()
    try:
        info.feed(html)
        info.close()
    except Exception:  # metadata is a bonus; the text pass below still runs
        pass
    link = safe_link(info.canonical) or safe_link(info.meta.get("og:url"))
    if info.article_sizes and max(info.article_sizes) > 0:
        best = max(range(len(info.article_sizes)), key=info.article_sizes.__getitem__)
        scope: tuple[str, int] | None = ("article", best)
    elif info.mains:
        scope = ("main", 0)
    else:
        scope = None
    text = html_to_text(html, link, scope=scope, page=True)
    h1 = clean_line("".join(info.h1))
    title = clean_line("".join(info.title)) or h1 or clean_line(info.meta.get("og:title"))
    if h1 and h1 != title and h1 in title:
        title = h1  # "Headline | Site name" -> "Headline"
    if not text and not title:
        raise LoadFailure("empty article")
    text = _drop_leading_title(text, [title, h1])
    published = None
    for key in _DATE_META:
        published = parse_date(info.meta.get(key))
        if published:
            break
    published = published or parse_date(info.time)
    author = next((clean_line(info.meta[k]) for k in _AUTHOR_META
                   if info.meta.get(k) and not safe_link(info.meta[k])), "")
    return Article(
        id=content_id(data),
        source=str(path),
        source_name=_site_name(info.meta, link, path),
        title=title or clean_line(path.stem) or "(untitled)",
        text=text,
        link=link,
        author=author or None,
        published=published,
    )


def _drop_leading_title(text: str, titles: list[str]) -> str:
    """The page's headline usually opens the article body too; show it once.

    The body's headline comes out of html_to_text as ``# Headline`` (any
    level): the marks are the converter's, not the headline's, so they do not
    count when comparing it with the title.
    """
    first, _, rest = text.partition("\n\n")
    first = _HEADING_MARKS.sub("", first, count=1)
    if rest and clean_line(first) in {t for t in titles if t}:
        return rest
    return text


def _site_name(meta: dict[str, str], link: str | None, path: Path) -> str:
    """Who published the page, as the list's source column should show it.

    The page's own name for its site (``og:site_name`` and kin) is what a
    reader recognises; failing that, the host of its canonical link; only a
    page that says nothing about where it came from is named after the folder
    it was saved in.
    """
    for key in _SITE_META:
        name = clean_line(meta.get(key))
        if name and not safe_link(name):
            return name[:80]
    if link:
        host = urlsplit(link).hostname or ""
        host = host.removeprefix("www.")
        if host:
            return clean_line(host)
    return clean_line(path.parent.name) or clean_line(str(path.parent))
