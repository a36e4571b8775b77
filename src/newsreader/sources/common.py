"""Small pieces every reader in :mod:`newsreader.sources` shares.

Readers signal "this source cannot be read" by raising :class:`LoadFailure`
with a short human reason; :func:`newsreader.sources.load_source` turns it
into a :class:`~newsreader.models.SourceError`. Anything else that escapes
a reader is a bug, but is still caught there and reported in one line.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from newsreader.models import Article
from newsreader.sanitize import clean_line, is_plain_web_url, safe_link

#: Largest input read from a file or the network, and the largest gzip output.
MAX_BYTES = 20 * 1024 * 1024
MAX_REASON = 200
MAX_LINK = 2048

_UNTITLED = "(untitled)"
_WORDS = re.compile(r"\S+")


class LoadFailure(Exception):
    """A source that cannot be read; ``str(exc)`` is the one-line reason."""


@dataclass(slots=True)
class Parsed:
    """What one reader made of one input: articles plus non-fatal warnings."""

    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def one_line(reason: object) -> str:
    """A reason fit for a status line: no newlines or controls, bounded length."""
    return clean_line(str(reason), max_len=MAX_REASON) or "unknown error"


def size_text(n: int) -> str:
    """``20971520`` -> ``"20 MB"``: sizes in reasons are read by people."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def read_file(path: Path, limit: int = MAX_BYTES) -> bytes:
    """Read at most ``limit`` bytes of ``path``; larger files are refused, not truncated."""
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except IsADirectoryError:
        raise LoadFailure("is a directory") from None
    except FileNotFoundError:
        raise LoadFailure("no such file") from None
    except PermissionError:
        raise LoadFailure("permission denied") from None
    except OSError as exc:
        raise LoadFailure(f"cannot read file ({exc.strerror or type(exc).__name__})") from None
    if len(data) > limit:
        raise LoadFailure(f"file too large (over {size_text(limit)})")
    return data


def gunzip(data: bytes, limit: int = MAX_BYTES) -> bytes:
    """Decompress gzip bytes, refusing output larger than ``limit`` (gzip bombs)."""
    inflater = zlib.decompressobj(wbits=47)  # 32 + 15: gzip or zlib header, auto
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise LoadFailure("not a feed (corrupt gzip data)") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise LoadFailure(f"feed too large (over {size_text(limit)} uncompressed)")
    return out


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def bom_encoding(data: bytes) -> tuple[str | None, int]:
    """The codec a byte-order mark announces and the mark's length, else ``(None, 0)``.

    UTF-32-LE is tested before UTF-16-LE because its BOM starts with theirs.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None, 0


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode a local text file: BOM first, then ``declared``, UTF-8, cp1252.

    UTF-8 is tried strictly, because a Latin-1/cp1252 file decoded leniently
    as UTF-8 turns every accented letter into U+FFFD; cp1252 never fails (the
    five bytes it leaves undefined become U+FFFD).
    """
    codec, skip = bom_encoding(data)
    if codec:
        return data[skip:].decode(codec, errors="replace")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def content_id(data: bytes | str) -> str:
    """A path-independent id from content, so the same text gets the same id anywhere."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return "sha256:" + hashlib.sha256(data).hexdigest()[:32]


def title_from_text(text: str, words: int = 12, max_len: int = 90) -> str:
    """A title for an item that has none: the first words of its text.

    RSS 2.0 allows title-less items (Scripting News has dozens); a list row
    with an empty title is useless, so show how the text begins.
    """
    found = _WORDS.findall(text[:2000])
    if not found:
        return ""
    title = " ".join(found[:words])
    cut = len(found) > words
    if len(title) > max_len:
        title = title[: max_len - 1].rsplit(" ", 1)[0] or title[: max_len - 1]
        cut = True
    return clean_line(title + "…" if cut else title)


def untitled(title: str, text: str) -> str:
    """``title`` if non-empty, else the text's first words, else a placeholder."""
    return title or title_from_text(text) or _UNTITLED


def entry_link(raw: object, base_url: str | None) -> str | None:
    """An item's link: absolute and safe, or (local files only) relative.

    A relative link in a fetched feed is resolved against the feed URL; in a
    local file there is nothing to resolve against, so it is kept as text
    for the reader to see but is not an openable URL (no scheme). Anything
    with a scheme other than http/https/mailto is dropped.
    """
    if not isinstance(raw, str):
        return None
    link = "".join(clean_line(raw, max_len=MAX_LINK + 1).split())
    if not link or len(link) > MAX_LINK:
        return None
    if base_url:
        try:
            link = urljoin(base_url, link)
        except ValueError:
            return None
    if is_plain_web_url(link):  # the usual link: nothing below would change it
        return link
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme:
        return safe_link(link)
    if link.startswith("//"):
        return safe_link("https:" + link)
    return link


def dedupe_ids(articles: list[Article]) -> list[Article]:
    """Give every article of one feed a distinct id, dropping true duplicates.

    Feeds repeat guids (Scripting News, Taverncast). An exact repeat (same
    title and text) is the same article and is dropped; a different item that
    reuses an id gets ``id#<hash of its content>``, which is stable across
    reloads, so one item never silently replaces another in the store.
    """
    seen: dict[str, tuple[str, str]] = {}
    out: list[Article] = []
    for article in articles:
        ident = article.id
        if ident in seen:
            if seen[ident] == (article.title, article.text):
                continue
            digest = hashlib.sha256(
                f"{article.title}\x00{article.text}".encode("utf-8", "surrogatepass")
            ).hexdigest()[:12]
            ident = f"{ident}#{digest}"
            if ident in seen:
                continue
            article = replace(article, id=ident)
        seen[ident] = (article.title, article.text)
        out.append(article)
    return out
