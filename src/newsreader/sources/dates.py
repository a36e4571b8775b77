"""Dates from untrusted sources: parse what is there, never invent one.

Every date a source gives passes :func:`plausible`: feeds in the wild carry
year 0001 and 9999, epoch numbers and negative years, and such values either
overflow later arithmetic or sort nonsense to the top. An implausible date is
reported as unknown (``None``), exactly like a missing one.
"""

from __future__ import annotations

import email.utils
import re
import time
from datetime import UTC, date, datetime, timedelta

_EARLIEST_YEAR = 1970
_FUTURE_SLACK = timedelta(days=2 * 365)
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_LONG_DATE = re.compile(
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s+)?([A-Z][a-z]+)\s+(\d{1,2}),\s+(\d{4})\Z"
)


def plausible(dt: datetime | None) -> datetime | None:
    """``dt`` in UTC if it lies between 1970 and two years from now, else ``None``.

    A naive value is taken to be UTC: it is the least surprising reading and
    the only one that needs no guess about the machine the source came from.
    """
    if dt is None:
        return None
    try:
        dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if dt.year < _EARLIEST_YEAR:
        return None
    if dt > datetime.now(UTC) + _FUTURE_SLACK:
        return None
    return dt


def from_struct_time(value: time.struct_time | tuple[int, ...] | None) -> datetime | None:
    """feedparser's ``*_parsed`` values (UTC struct_time) to an aware datetime."""
    if not value:
        return None
    try:
        return plausible(datetime(*value[:6], tzinfo=UTC))
    except (TypeError, ValueError, OverflowError):
        return None


def parse_date(value: object) -> datetime | None:
    """Best-effort parse of a date from JSON/HTML metadata; ``None`` if unsure.

    Accepts ISO 8601 (with ``Z``, offsets, or date only -> midnight UTC),
    RFC 822 (``Sun, 26 Dec 2021 06:05:00 GMT``) and Unix timestamps (seconds
    or milliseconds) given as numbers.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_timestamp(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    if _DATE_ONLY.match(text):
        try:
            return plausible(datetime.combine(date.fromisoformat(text), datetime.min.time()))
        except ValueError:
            return None
    try:
        return plausible(datetime.fromisoformat(text.replace("z", "Z")))
    except ValueError:
        pass
    try:
        return plausible(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    if text.isdigit():
        return _from_timestamp(float(text))
    return None


def _from_timestamp(seconds: float) -> datetime | None:
    if seconds != seconds:  # NaN
        return None
    if seconds > 1e11:  # milliseconds, as JavaScript writes them
        seconds /= 1000
    try:
        return plausible(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, OSError, ValueError):
        return None


def parse_long_date(line: str) -> datetime | None:
    """A date line as Wikinews and many sites write it: ``Monday, July 28, 2014``.

    English month names only; the day becomes midnight UTC (there is no time).
    """
    match = _LONG_DATE.match(line.strip())
    if not match:
        return None
    month, day, year = match.groups()
    if month.lower() not in _MONTH_NAMES:
        return None
    try:
        return plausible(datetime(int(year), _MONTH_NAMES.index(month.lower()) + 1, int(day)))
    except ValueError:
        return None
