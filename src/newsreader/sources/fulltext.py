"""The full article behind a summary-only feed item: fetch its page, keep the main text.

Many feeds carry only a teaser; the article itself is on the linked web
page, wrapped in navigation, share bars, related links and footers. This
module fetches that page with the project's fetcher (:mod:`.http`: http(s)
only, size cap, timeout, redirect limit, our User-Agent) and finds the main
content with trafilatura. On the saved news pages of the shared corpus it
recovers the article body with a mean word F1 of about 0.95 where the
saved-page reader (:mod:`.htmlpage`, which keeps whole ``<article>``/``<main>``
blocks) reaches about 0.73; see ``tests/test_fulltext_corpus.py``.

trafilatura is heavy (about 0.3 s and 20 MB to import, a dozen packages), so
it is imported only when a page is actually extracted, never at start-up.
It is asked for HTML, not text, so the main content goes through
:func:`newsreader.content.html_to_text` like feed content does: the same
paragraphs, lists and numbered link references, and the same sanitising
(controls, escapes, bidi marks and unsafe link schemes never get through).

Title, author and date come from the page's own metadata, read by the
saved-page reader (``<meta>`` tags, ``<time>``), which gives full timestamps;
trafilatura's guesses fill what the page leaves out. They are offered to the
caller; the feed's values are usually better and are not replaced here.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsreader.content import html_to_text
from newsreader.sanitize import clean_line, clean_text, esc_refs_to_esc
from newsreader.sources.common import LoadFailure, decode_text, one_line
from newsreader.sources.dates import parse_date
from newsreader.sources.http import TIMEOUT, FetchError, fetch

__all__ = [
    "MAX_PAGE_BYTES",
    "FullText",
    "FullTextError",
    "adds_text",
    "extract_full_text",
    "fetch_full_text",
]

#: Largest page fetched: real news pages are 0.1-3 MB (mostly inline scripts);
#: the feed cap (20 MB) would let one page stall extraction for seconds.
MAX_PAGE_BYTES = 10 * 1024 * 1024

#: Most elements a page may have. Real news pages have 1,000-5,000; trafilatura's
#: cost grows faster than linearly beyond about 10,000 (20,000 paragraphs take
#: 2.6 s, 100,000 half a minute), so a bigger page is refused, not ground through.
MAX_ELEMENTS = 30_000

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Types a misconfigured server sends for HTML; the body decides.
_VAGUE_TYPES = frozenset({"", "application/octet-stream", "text/plain", "binary/octet-stream"})
_LOOKS_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|main|p|div)[\s>/]", re.I)
# Numeric references to C0 controls: lxml refuses them and trafilatura then
# returns nothing for the whole page (one "&#1;" loses the article).
_CONTROL_REFS = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,6})|0*([0-9]{1,7}));?")
_START_TAG = re.compile(r"<[A-Za-z]")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
# Loggers whose warnings would otherwise reach stderr (Python's last-resort
# handler) and paint over the terminal UI.
_QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")


class FullTextError(LoadFailure):
    """The full text could not be had; ``str(exc)`` is a one-line reason."""


@dataclass(frozen=True, slots=True)
class FullText:
    """A page's main content as clean article text, with what the page says about itself.

    ``text`` follows the article text format (paragraphs separated by blank
    lines, numbered link references and a ``Links:`` block) and has passed
    :func:`~newsreader.sanitize.clean_text`. ``published`` is timezone-aware
    or ``None``; ``url`` is where the page was found (after redirects).
    """

    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    url: str | None = None


def fetch_full_text(
    url: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_PAGE_BYTES
) -> FullText:
    """Fetch the web page at ``url`` and return its main text, or raise :class:`FullTextError`.

    Blocking (network plus up to a few hundred ms of extraction): call it
    from a worker thread. Only http and https URLs are fetched, also after
    redirects.
    """
    target = (url or "").strip()
    if not _is_web_url(target):
        raise FullTextError(f"not an http(s) link: {one_line(target) or '(none)'}")
    try:
        response = fetch(target, timeout=timeout, max_bytes=max_bytes)
    except FetchError as exc:
        raise FullTextError(one_line(exc)) from None
    return extract_full_text(response.content, response.url, response.content_type)


def extract_full_text(
    data: bytes, url: str | None = None, content_type: str | None = None
) -> FullText:
    """The main text of a page already in hand (``url`` resolves its relative links).

    Raises :class:`FullTextError` when the body is not a web page or holds
    no article text.
    """
    media_type, charset = _media_type(content_type)
    if media_type not in _HTML_TYPES and not (
        media_type in _VAGUE_TYPES and _LOOKS_HTML.search(data[:4096])
    ):
        kind = one_line(media_type) if media_type else "unknown type"
        raise FullTextError(f"not a web page ({kind})")
    html = _defang(_decode(data, charset))
    if _too_many_elements(html):
        raise FullTextError(f"page too large to extract (over {MAX_ELEMENTS:,} elements)")
    meta = _page_metadata(html)
    try:
        extracted = _extract(html, url)
    except FullTextError:
        raise
    except Exception as exc:  # a bug or a pathological page in the library: one line
        raise FullTextError(f"cannot extract the article ({type(exc).__name__})") from None
    guessed = _TrafilaturaMeta.read(extracted) if extracted else {}
    # The <head> trafilatura writes its metadata into is not text: html_to_text skips it.
    text = html_to_text(extracted, url) if extracted else ""
    title = meta.get("title") or clean_line(guessed.get("title")) or None
    text = _drop_leading_title(text, [title, clean_line(guessed.get("title"))])
    if not _has_words(text):
        raise FullTextError("no article text found on the page")
    author = meta.get("author") or clean_line(guessed.get("author")) or None
    published = meta.get("published") or parse_date(guessed.get("date"))
    return FullText(text=text, title=title, author=author, published=published, url=url)


def adds_text(full: FullText | str, current: str) -> bool:
    """Whether the fetched text says more than ``current`` (the feed's summary).

    A paywall or consent page often yields a teaser shorter than the feed's
    own summary; replacing the summary with it would lose text. Counted in
    words, without the ``Links:`` block.
    """
    new = full.text if isinstance(full, FullText) else full
    return _word_count(new) > _word_count(current)


# --------------------------------------------------------------------------- helpers


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """``"text/html; charset=utf-8"`` -> ``("text/html", "utf-8")``."""
    if not content_type:
        return "", None
    media = content_type.split(";", 1)[0].strip().lower()
    found = _CHARSET.search(content_type)
    return media, found.group(1) if found else None


def _decode(data: bytes, header_charset: str | None) -> str:
    """The HTTP charset wins (as in browsers), then BOM / ``<meta charset>`` / UTF-8 / cp1252."""
    from newsreader.sources.htmlpage import decode_html

    if header_charset:
        try:
            codecs.lookup(header_charset)
        except LookupError:
            header_charset = None
    if header_charset:
        return decode_text(data, header_charset)
    return decode_html(data)


def _defang(html: str) -> str:
    """The page with escape sequences, controls and bidi marks gone, before any parser sees it.

    Cleaning only the result would be too late: trafilatura drops a bare ESC
    but leaves its sequence (``[2J``) behind as text, and a reference to a
    control character makes it lose the whole page. ESC references become
    ESC first, so :func:`clean_text` removes each sequence whole.
    """
    return clean_text(_CONTROL_REFS.sub(_drop_control_ref, esc_refs_to_esc(html)))


def _too_many_elements(html: str) -> bool:
    """More than :data:`MAX_ELEMENTS` start tags; counting stops at the limit."""
    return sum(1 for _ in islice(_START_TAG.finditer(html), MAX_ELEMENTS + 1)) > MAX_ELEMENTS


def _drop_control_ref(match: re.Match[str]) -> str:
    hex_digits, digits = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(digits)
    if (code < 0x20 and code not in (0x09, 0x0A, 0x0D)) or code == 0x7F:
        return ""
    return match.group(0)


def _page_metadata(html: str) -> dict[str, Any]:
    """Title, author and date as the saved-page reader reads them (full timestamps)."""
    from newsreader.sources.htmlpage import parse_html_article

    # A UTF-8 BOM makes the reader decode exactly the text we decoded.
    data = codecs.BOM_UTF8 + html.encode("utf-8", "replace")
    try:
        article = parse_html_article(data, Path("page.html"))
    except Exception:  # metadata is a bonus; the text is what was asked for
        return {}
    title = article.title if article.title not in ("page", "(untitled)") else None
    return {"title": title, "author": article.author, "published": article.published}


def _extract(html: str, url: str | None) -> str | None:
    """Run trafilatura: the main content as HTML, its metadata guesses as ``<meta>`` tags."""
    try:
        import trafilatura  # lazy: heavy, and only needed when a page is fetched
    except ImportError:
        raise FullTextError("full text needs the trafilatura package (pip install trafilatura)") \
            from None
    for name in _QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())
        logger.propagate = False
    result = trafilatura.extract(
        html,
        url=url,
        output_format="html",
        favor_precision=True,  # related-story lists and sidebars out: best F1 on the corpus
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=True,
        include_formatting=True,
        with_metadata=True,
        # Only dates the page states in its markup: no guessing from body text.
        date_extraction_params={"extensive_search": False, "original_date": True,
                                "outputformat": "%Y-%m-%d"},
    )
    return result if isinstance(result, str) else None


class _TrafilaturaMeta(HTMLParser):
    """The ``<meta name=... content=...>`` tags trafilatura puts in its HTML output's head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            name, content = values.get("name"), values.get("content")
            if name and content and name not in self.found:
                self.found[name] = content

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            raise _HeadDone

    @classmethod
    def read(cls, html: str) -> dict[str, str]:
        parser = cls()
        try:
            parser.feed(html)
            parser.close()
        except _HeadDone:
            pass
        except Exception:  # metadata is a bonus
            pass
        return parser.found


class _HeadDone(Exception):
    """Stop reading at ``</head>``: the body can be large and has no metadata."""


def _drop_leading_title(text: str, titles: list[str | None]) -> str:
    """The headline often opens the extracted body too; the reader shows it once."""
    first, _, rest = text.partition("\n\n")
    wanted = {t.casefold() for t in titles if t}
    if rest and clean_line(first).casefold() in wanted:
        return rest
    return text


def _body_words(text: str) -> str:
    return text.split("\n\nLinks:\n", 1)[0]


def _word_count(text: str) -> int:
    return len(_body_words(text).split())


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in _body_words(text))
