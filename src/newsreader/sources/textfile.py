"""Plain-text article files: the seed export format, BBC-style files, wire copy.

The rules are the ones written down in shared/docs/corpus-notes.md ("Local
article files"). Everything works on *blocks* (text split on blank lines),
so however many blank lines a file uses never matters:

* seed-like (a ``Sun, 26 Dec 2021 - 06:05 GMT`` date line near the top, or a
  ``CAIRO - 26 December 2021:`` / ``LONDON (Reuters) - `` dateline): title,
  date lines, photo caption(s), then the body from the dateline on;
* otherwise BBC-like: first block is the title, the rest is the body.

Repeated consecutive blocks are collapsed first (the seed repeats its date
and caption) and trailing boilerplate ("Leave a Comment", "Be Social", ...)
is removed from the end. The title is never empty and never a caption.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from newsreader.models import Article
from newsreader.sanitize import clean_line, clean_text
from newsreader.sources.common import LoadFailure, content_id, decode_text
from newsreader.sources.dates import parse_long_date, plausible

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
DATE_LINE = re.compile(
    rf"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{{1,2}} (?:{_MONTHS}) \d{{4}} - \d{{2}}:\d{{2}} GMT$"
)
# ``\s`` matches U+00A0 in str patterns, which the seed uses after the colon.
DATELINE = re.compile(r"^([A-Z][A-Z .'/-]+?) - (\d{1,2} [A-Z][a-z]+ \d{4}):\s+")
WIRE_DATELINE = re.compile(r"^(?:([^\n()]{1,80}?) )?\((Reuters|CNN|AP|AFP)\) ?[-–—]{1,2} ")
_DATE_PARTS = re.compile(r"^\w{3}, (\d{1,2}) (\w{3}) (\d{4}) - (\d{2}):(\d{2}) GMT$")
_MONTH_NUMBERS = {m.lower(): i for i, m in enumerate(_MONTHS.split("|"), start=1)}
_BLOCK_SPLIT = re.compile(r"\n\s*\n")

#: Trailing blocks dropped from the end of an article (compared lower-case, trimmed).
BOILERPLATE = frozenset({
    "leave a comment", "be social", "share", "share this", "share this article",
    "share this story", "related", "related articles", "related stories", "read more",
    "advertisement", "comments", "follow us", "subscribe", "print", "email",
})
_BOILERPLATE_TRIM = ":.!-–— \u00a0"

_HEAD_BLOCKS = 8  # date lines and datelines are only looked for this near the top
_MAX_TITLE = 300
_CAPTION_WORDS = 12


def parse_text_article(data: bytes, path: Path) -> Article:
    """Read one local text article; raise :class:`LoadFailure` if there is none."""
    text = clean_text(decode_text(data))
    blocks = split_blocks(text)
    blocks = _drop_boilerplate(_collapse_repeats(blocks))
    if not blocks:
        raise LoadFailure("empty article")
    title, published, caption, body = read_blocks(blocks)
    if not title:
        title = clean_line(path.stem) or "(untitled)"
    return Article(
        id=content_id(data),
        source=str(path),
        source_name=clean_line(path.parent.name) or clean_line(str(path.parent)),
        title=title,
        text="\n\n".join(body),
        published=published,
        caption=caption,
    )


def split_blocks(text: str) -> list[str]:
    """Blocks = text split on blank lines (a line of only spaces counts), stripped."""
    return [b.strip() for b in _BLOCK_SPLIT.split(text) if b.strip()]


def _collapse_repeats(blocks: list[str]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if not out or _norm(out[-1]) != _norm(block):
            out.append(block)
    return out


def _drop_boilerplate(blocks: list[str]) -> list[str]:
    while blocks and _norm(blocks[-1]).strip(_BOILERPLATE_TRIM) in BOILERPLATE:
        blocks = blocks[:-1]
    return blocks


def _norm(block: str) -> str:
    """Compare blocks ignoring case and NBSP-vs-space differences."""
    return " ".join(block.split()).lower()


def read_blocks(blocks: list[str]) -> tuple[str, datetime | None, str | None, list[str]]:
    """Split blocks into (title, published, caption, body); title may be ``""``."""
    head = blocks[:_HEAD_BLOCKS]
    date_idx = [i for i, b in enumerate(head) if DATE_LINE.match(b)]
    dateline_idx = next(
        (i for i, b in enumerate(head) if DATELINE.match(b) or WIRE_DATELINE.match(b)), None
    )
    if not date_idx and dateline_idx is None:
        return _bbc_like(blocks)

    # Title: the first block, unless it is a date line, the dateline itself or
    # looks like body text / a caption sentence.
    first = blocks[0]
    has_title = (
        (not date_idx or date_idx[0] > 0)
        and dateline_idx != 0
        and _title_like(first)
    )
    title = clean_line(first) if has_title else ""
    published = _parse_date_line(blocks[date_idx[0]]) if date_idx else None
    if dateline_idx is None:
        # Date lines but no dateline: everything after the last date line is body.
        body_start = date_idx[-1] + 1
        return title, published, None, blocks[body_start:] or blocks[1:]
    if published is None:
        published = _dateline_date(blocks[dateline_idx])
    after_meta = max([0 if has_title else -1, *(i for i in date_idx if i < dateline_idx)]) + 1
    between = [b for b in blocks[after_meta:dateline_idx] if not DATE_LINE.match(b)]
    caption = "\n\n".join(between) if between else None
    return title, published, caption, blocks[dateline_idx:]


def _bbc_like(blocks: list[str]) -> tuple[str, datetime | None, None, list[str]]:
    """First block is the title; a ``Monday, July 28, 2014`` line after it dates it.

    That date line (Wikinews style) stays in the body, like a dateline does.
    """
    first = blocks[0]
    lines = first.split("\n")
    if len(lines) > 1 and _title_like(lines[0]):
        # A title line directly followed by text, with no blank line between.
        body = ["\n".join(lines[1:]).strip(), *blocks[1:]]
        return clean_line(lines[0]), _leading_date(body), None, body
    if _title_like(first) and "\n" not in first:
        return clean_line(first), _leading_date(blocks[1:]), None, blocks[1:]
    return "", _leading_date(blocks), None, blocks


def _leading_date(body: list[str]) -> datetime | None:
    return parse_long_date(body[0]) if body and len(body[0]) < 60 else None


def _title_like(block: str) -> bool:
    """A block that can be a headline: short, one line, not ending in a full stop.

    Captions and body-only files ("1 of 18. A Republic of Singapore Air
    Force ...") start with a sentence; a headline does not end with a full
    stop (an ellipsis is fine).
    """
    block = block.strip()
    if not block or len(block) > _MAX_TITLE or "\n" in block:
        return False
    return not block.endswith((".", "。")) or block.endswith("...")


def _parse_date_line(block: str) -> datetime | None:
    """``Sun, 26 Dec 2021 - 06:05 GMT`` as UTC (parsed by hand: strptime is locale-bound)."""
    match = _DATE_PARTS.match(block.strip())
    if not match:
        return None
    day, month, year, hour, minute = match.groups()
    number = _MONTH_NUMBERS.get(month.lower())
    return _make_date(int(year), number, int(day), int(hour), int(minute)) if number else None


def _dateline_date(block: str) -> datetime | None:
    """The date of a ``CAIRO - 26 December 2021:`` dateline, at midnight UTC."""
    match = DATELINE.match(block)
    if not match:
        return None
    day, month, year = match.group(2).split()
    number = _MONTH_NUMBERS.get(month[:3].lower())
    return _make_date(int(year), number, int(day)) if number else None


def _make_date(year: int, month: int, day: int, hour: int = 0, minute: int = 0
               ) -> datetime | None:
    try:
        return plausible(datetime(year, month, day, hour, minute, tzinfo=UTC))
    except ValueError:
        return None
