"""DATE mentions found by rules, resolved against the article's publication date.

Why rules: dates are written in a handful of regular shapes, and resolving
"Sunday" to a calendar day needs the publication date anyway, which no
statistical tagger knows. ``Span.canonical`` is an ISO 8601 string at the
precision of the mention (``2021-12-26``, ``2021-12`` or ``2022``), or empty
when the mention cannot be pinned down ("last week", "in March" with no year).

Date-lines (a line that is only a timestamp, "Sun, 26 Dec 2021 - 06:05 GMT")
are page metadata rather than text, so nothing inside them is tagged.
"""

from __future__ import annotations

import bisect
import re
import sys
from datetime import date, datetime, timedelta

from newsreader.entities import Span

_MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(_MONTH_NAMES.split(), 1):
    _MONTHS[_name] = _i
    _MONTHS[_name[:3]] = _i
_MONTHS["Sept"] = 9
_WEEKDAY_NAMES = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
_WEEKDAYS = {name: i for i, name in enumerate(_WEEKDAY_NAMES.split())}

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d|21\d\d)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
#: Spaces inside one date: never a newline or a control character.
_SP = r"[ \t\u00a0]"
_PREP = (
    r"(?:[Ii]n|[Bb]y|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]efore|[Aa]fter|[Dd]uring|[Ff]rom"
    r"|[Tt]hrough|[Oo]f)"
)

_DATE_RE = re.compile(
    rf"""
    (?<![\w-])(?:
      (?P<iso>(?P<iy>{_YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d))(?![\w-])
    | (?P<dmy>(?P<d1>{_DAY})(?:{_SP}+of)?{_SP}+(?P<m1>{_MONTH})(?:,?{_SP}+(?P<y1>{_YEAR})(?!\d))?)
    | (?P<mdy>(?P<m2>{_MONTH}){_SP}+(?P<d2>{_DAY})(?![\d:])(?:,?{_SP}+(?P<y2>{_YEAR})(?!\d))?)
    | (?P<my>(?P<m3>{_MONTH}){_SP}+(?P<y3>{_YEAR})(?!\d))
    | (?P<rel>(?P<rdir>[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast){_SP}+
         (?P<runit>week|weekend|month|year|{_WEEKDAY}|{_MONTH}))
    | (?P<day>[Yy]esterday|[Tt]oday|[Tt]omorrow)
    | (?P<wd>{_WEEKDAY})(?!s)
    | (?P<prep>{_PREP}){_SP}+(?:(?P<py>{_YEAR})|(?P<pm>{_MONTH})(?!,?{_SP}+\d))(?![\w-])
    | (?P<decade>(?:the{_SP}+)?(?:1[6-9]|20)\d0s)
    )(?!\w)
    """,
    re.VERBOSE,
)

#: A line that holds nothing but a timestamp: a page's date-line, not text.
_DATELINE_RE = re.compile(
    rf"""^[ \t]*
    (?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?[ \t]+)?
    (?:{_DAY}[ \t]+{_MONTH}[ \t]+{_YEAR}|{_MONTH}[ \t]+{_DAY},?[ \t]+{_YEAR}|{_YEAR}-\d\d-\d\d)
    (?:[ \t]*[-–|,@T]?[ \t]*\d{{1,2}}:\d\d(?::\d\d)?[ \t]*(?:[AaPp]\.?[Mm]\.?)?
       [ \t]*(?:[A-Z]{{2,4}}|Z|[+-]\d\d:?\d\d)?)?
    [ \t]*$""",
    re.VERBOSE | re.MULTILINE,
)


def dateline_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line that is only a timestamp; no engine tags inside them."""
    return [m.span() for m in _DATELINE_RE.finditer(text)]


def _month(word: str) -> int:
    return _MONTHS[word.rstrip(".")]


def _day(word: str) -> int:
    return int(word.rstrip("stndrh"))


def _iso(y: int, m: int, d: int) -> str:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return ""


def _nearest_year(m: int, d: int, ref: date) -> str:
    """The (month, day) closest to the reference date: "Dec. 26" read on Jan 2 is last year."""
    best = ""
    best_gap = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        try:
            cand = date(y, m, d)
        except ValueError:
            continue
        gap = abs((cand - ref).days)
        if best_gap is None or gap < best_gap:
            best, best_gap = cand.isoformat(), gap
    return best


def _relative(direction: str, unit: str, ref: date) -> str:
    direction = direction.lower()
    if unit in _WEEKDAYS:
        wd = _WEEKDAYS[unit]
        if direction in ("last", "past"):
            return (ref - timedelta(days=(ref.weekday() - wd) % 7 or 7)).isoformat()
        if direction == "next":
            return (ref + timedelta(days=(wd - ref.weekday()) % 7 or 7)).isoformat()
        return (ref + timedelta(days=wd - ref.weekday())).isoformat()  # this week's
    if unit == "year":
        step = {"last": -1, "past": -1, "next": 1}.get(direction, 0)
        return str(ref.year + step)
    if unit == "month":
        step = {"last": -1, "past": -1, "next": 1}.get(direction, 0)
        idx = ref.year * 12 + ref.month - 1 + step
        return f"{idx // 12:04d}-{idx % 12 + 1:02d}"
    if unit.rstrip(".") in _MONTHS:
        m = _month(unit)
        if direction in ("last", "past"):
            return f"{ref.year - (m >= ref.month):04d}-{m:02d}"
        if direction == "next":
            return f"{ref.year + (m <= ref.month):04d}-{m:02d}"
        return f"{ref.year:04d}-{m:02d}"
    return ""  # weeks and weekends have no ISO date


def _resolve(m: re.Match[str], ref: date | None) -> tuple[str, int, int]:
    """(canonical, start, end) for one match; start/end may narrow the match."""
    g = m.group
    start, end = m.span()
    if g("iso"):
        return _iso(int(g("iy")), int(g("im")), int(g("id"))), start, end
    if g("dmy") or g("mdy"):
        day, month, year = (g("d1"), g("m1"), g("y1")) if g("dmy") else (g("d2"), g("m2"), g("y2"))
        if year:
            return _iso(int(year), _month(month), _day(day)), start, end
        if ref:
            return _nearest_year(_month(month), _day(day), ref), start, end
        return "", start, end
    if g("my"):
        return f"{int(g('y3')):04d}-{_month(g('m3')):02d}", start, end
    if g("rel"):
        return (_relative(g("rdir"), g("runit"), ref) if ref else ""), start, end
    if g("day"):
        if not ref:
            return "", start, end
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[g("day").lower()]
        return (ref + timedelta(days=shift)).isoformat(), start, end
    if g("wd"):
        if not ref:
            return "", start, end
        back = (ref.weekday() - _WEEKDAYS[g("wd")]) % 7
        return (ref - timedelta(days=back)).isoformat(), start, end
    if g("prep"):
        if g("py"):
            return g("py"), m.start("py"), m.end("py")
        return "", m.start("pm"), m.end("pm")
    return "", start, end  # decades


def in_ranges(pos: int, ranges: list[tuple[int, int]]) -> bool:
    """Is ``pos`` inside one of the sorted, disjoint ``ranges``? (binary search)"""
    i = bisect.bisect_right(ranges, (pos, sys.maxsize)) - 1
    return i >= 0 and ranges[i][0] <= pos < ranges[i][1]


def find_dates(text: str, published: datetime | None = None) -> list[Span]:
    """DATE spans in ``text``, sorted by start, skipping date-line metadata.

    A weekday means the most recent such day on or before ``published``
    ("Sunday" in an article published on Sunday 26 December 2021 is that day).
    """
    ref = published.date() if published else None
    skip = dateline_ranges(text)
    spans: list[Span] = []
    for m in _DATE_RE.finditer(text):
        if skip and in_ranges(m.start(), skip):
            continue
        canonical, start, end = _resolve(m, ref)
        if m.group("iso") and not canonical:
            continue  # "2021-13-45" is a code, not a date
        spans.append(Span(start, end, "DATE", text[start:end], canonical))
    return spans
