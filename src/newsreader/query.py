"""The query language shared by search (``/``), filters and saved queries.

One small language, so what a user learns in the search box works the same
in a saved query in the feeds pane::

    merkel "energy policy" -opinion feed:bbc tag:news is:unread
    entity:"Georgiy Y. Borisenko" type:PERSON after:2021-12-01 before:2022

* words and ``"quoted phrases"`` are full-text terms (title, text and feed
  name); every term must match. ``word*`` matches words starting with
  ``word``; ``title:word`` (or ``title:"a phrase"``) looks in titles only.
* ``-`` in front of any term or filter excludes what it matches.
* ``feed:NAME``: the feed's name contains NAME (case-insensitive for ASCII),
  or NAME is the feed's URL; a renamed subscription answers to its new name.
* ``tag:T``: the article's subscription carries tag T (exactly, ignoring
  ASCII case).
* ``is:unread``, ``is:read``, ``is:bookmarked``.
* ``entity:NAME``: the article mentions NAME (or, when no entity is called
  exactly that, an entity NAME is a whole word of: ``entity:Kane``), folded by the store's own
  rule (:func:`~newsreader.store.names.entity_identity`: "U.S." finds
  "United States"). ``type:PERSON`` narrows every ``entity:`` of the query
  to that label; on its own it means "mentions some PERSON". Friendly
  names work too: ``type:person``, ``type:place``.
* ``after:DATE`` includes DATE, ``before:DATE`` excludes it, so
  ``after:2021-12-01 before:2022-01-01`` is December. DATE is
  ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, ``today``, ``yesterday`` or an
  age like ``12h``, ``7d``, ``2w``. Calendar dates are days in the local
  time zone (the one the list shows times in). Undated articles match no
  date filter.

:func:`parse_query` never raises anything but :class:`QueryError`, whose
message is one line fit to show inline and whose ``position`` points at the
offending character. :meth:`Query.to_sql` compiles to a WHERE fragment with
bound parameters and an FTS5 MATCH string built only from quoted tokens, so
no user text is ever SQL or FTS5 syntax. This module knows the article
schema but opens no database; :mod:`newsreader.store.search` runs the SQL.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple

from newsreader.entities import LABELS
from newsreader.sanitize import clean_key
from newsreader.sanitize import clean_line as _display
from newsreader.store.names import entity_identity, normalize_name

#: The FTS5 table :mod:`newsreader.store.search` creates over articles.
FTS_TABLE = "articles_fts"

#: Longer queries are refused: nobody types them, and each term costs a lookup.
MAX_QUERY_LENGTH = 1000

#: Filters the language knows, in the order they are listed to the user.
FILTERS: tuple[str, ...] = (
    "feed", "tag", "is", "entity", "type", "after", "before", "title",
)

_IS_VALUES = {"unread": "unread", "read": "read", "bookmarked": "bookmarked",
              "bookmark": "bookmarked"}

#: ``type:`` values: the entity labels, plus the sidebar's friendlier words.
_TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "person": ("PERSON",), "people": ("PERSON",), "per": ("PERSON",),
    "org": ("ORG",), "organisation": ("ORG",), "organization": ("ORG",),
    "gpe": ("GPE",), "loc": ("LOC",), "location": ("LOC",),
    "place": ("GPE", "LOC"), "places": ("GPE", "LOC"),
    "norp": ("NORP",), "group": ("NORP",), "groups": ("NORP",),
    "date": ("DATE",), "dates": ("DATE",),
}

_FILTER_START = re.compile(r"([A-Za-z]+):")
_WORD = re.compile(r"[^\W_]+")  # roughly what FTS5's unicode61 tokenizer calls a word
_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?\Z")
_AGE = re.compile(r"(\d{1,6})([hdw])\Z")
_AGE_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_DATE_HELP = "needs a date like 2021-12-01 (or 2021-12, 2021, today, 7d)"


class QueryError(ValueError):
    """A query that cannot be understood; ``message`` is one line for the user.

    ``position`` (0-based) is where the problem starts in the query text and
    ``end`` where it stops, so the UI can underline it.
    """

    def __init__(self, message: str, position: int, end: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.end = position + 1 if end is None else max(end, position + 1)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Term:
    """A full-text term: a word or a phrase, maybe a prefix, maybe excluded."""

    text: str
    position: int
    phrase: bool = False
    prefix: bool = False
    negated: bool = False
    #: ``"title"`` for ``title:``; None searches every indexed column.
    column: str | None = None


@dataclass(frozen=True, slots=True)
class DateBound:
    """The date an ``after:``/``before:`` names, resolved only when compiled.

    Kept unresolved so a saved ``after:7d`` means "the last week" every time
    it runs, not the week it was saved in.
    """

    day: date | None = None
    #: ``today`` is 0, ``yesterday`` 1: the start of that local day.
    days_back: int | None = None
    #: ``7d``: exactly this long before now.
    age: timedelta | None = None

    def resolve(self, now: datetime, tz: tzinfo | None) -> datetime:
        """The instant the bound stands for (timezone-aware)."""
        if self.age is not None:
            return now - self.age
        if self.day is not None:
            day = self.day
        else:
            day = (now.astimezone(tz) if tz else now.astimezone()).date()
            day -= timedelta(days=self.days_back or 0)
        midnight = datetime(day.year, day.month, day.day)
        # A naive datetime's astimezone() reads it as local time, DST included.
        return midnight.replace(tzinfo=tz) if tz else midnight.astimezone()


@dataclass(frozen=True, slots=True)
class Filter:
    """A ``name:value`` filter. ``value`` is cleaned (``is:`` lower-cased)."""

    name: str
    value: str
    position: int
    negated: bool = False
    #: ``type:``: the entity labels it stands for.
    labels: tuple[str, ...] = ()
    #: ``after:``/``before:``: the bound.
    bound: DateBound | None = None


class CompiledQuery(NamedTuple):
    """SQL for a query: ``WHERE {where}`` with ``params``, plus the FTS5 MATCH (or None).

    ``where`` refers to the ``articles`` table by that name (not an alias)
    and is ``"1"`` when nothing filters. ``match`` is None when the query has
    no positive full-text terms (exclusions alone are compiled into
    ``where``): then the caller lists newest first instead of by rank.
    """

    where: str
    params: tuple[Any, ...]
    match: str | None


class Probe(NamedTuple):
    """``count_sql`` (with ``params`` and a cap as its last parameter) counts, up to the
    cap, the articles the filter at ``index`` selects."""

    index: int
    count_sql: str
    params: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. Build it with :func:`parse_query`."""

    text: str
    terms: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing to search or filter: every article, newest first."""
        return not self.terms and not self.filters

    @property
    def has_rank(self) -> bool:
        """Whether results are ranked by relevance (there is a positive term)."""
        return any(not term.negated for term in self.terms)

    def to_sql(
        self,
        *,
        fts: bool = True,
        tz: tzinfo | None = None,
        now: datetime | None = None,
        drive: int | None = None,
    ) -> CompiledQuery:
        """Compile against the ``articles`` table (see :class:`CompiledQuery`).

        ``fts=False`` compiles terms to LIKE, for a SQLite without FTS5.
        ``tz`` is the zone calendar dates are read in (None: local) and
        ``now`` the moment ages count back from (None: the clock).
        ``drive`` is the index (in :attr:`filters`) of a set filter that is
        small enough to drive the query; see :meth:`probes`.
        """
        return _compile(self, fts=fts, tz=tz, now=now or datetime.now(UTC), drive=drive)

    def phrases(self) -> list[str]:
        """FTS5 expressions of the query's wanted phrases of two or more words.

        bm25 counts the articles each phrase occurs in by matching it across
        the whole index, which is slow for phrases of very common words; the
        caller checks these before ranking.
        """
        return [
            _fts_term(term)
            for term in self.terms
            if term.phrase and not term.negated and len(_WORD.findall(term.text)) >= 2
        ]

    def probes(self) -> list[Probe]:
        """One :class:`Probe` per positive set filter (feed:, tag:, entity:, is:bookmarked).

        Listing newest first, a small set is best read through its index and
        sorted, a large one by walking the date index and checking each row;
        the right choice depends on the data, so the caller counts.
        """
        return _probes(self)


# --------------------------------------------------------------------------- parsing


def parse_query(text: str, *, typing: bool = False) -> Query:
    """Parse ``text``; raise :class:`QueryError` (and nothing else) if it is wrong.

    With ``typing`` (search as you type) a last bare word that is still being
    typed, i.e. not followed by a space, matches as a prefix, so results
    appear before the word is finished. One-letter words are left whole
    (every word starts with some letter, and such a prefix is slow), and so
    are exclusions (``-th`` on the way to ``-the`` would hide nearly all).
    """
    if not isinstance(text, str):
        raise QueryError("the query must be text", 0)
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is too long (at most {MAX_QUERY_LENGTH} characters)",
            MAX_QUERY_LENGTH, len(text),
        )
    parser = _Parser(text)
    terms, filters = parser.parse()
    last = parser.open_word
    if typing and last is not None and not last.negated and len(last.text) >= 2:
        terms[-1] = Term(last.text, last.position, prefix=True, column=last.column)
    return Query(text, tuple(terms), tuple(filters))


def _is_space(char: str) -> bool:
    """Whitespace, and C0/C1 controls (never part of a word: they separate)."""
    code = ord(char)
    return char.isspace() or code < 0x20 or 0x7F <= code <= 0x9F


def _quote_for_message(text: str) -> str:
    return _display(text, max_len=40)


class _Parser:
    """A single left-to-right scan; positions are indices into the original text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.terms: list[Term] = []
        self.filters: list[Filter] = []
        #: The last term, if it is a bare word running to the end of the text
        #: (the word still being typed, for ``parse_query(typing=True)``).
        self.open_word: Term | None = None

    def parse(self) -> tuple[list[Term], list[Filter]]:
        text = self.text
        while True:
            while self.i < len(text) and _is_space(text[self.i]):
                self.i += 1
            if self.i >= len(text):
                break
            self._token()
        return self.terms, self.filters

    def _token(self) -> None:
        text = self.text
        start = self.i
        negated = False
        if text[self.i] == "-":
            negated = True
            self.i += 1
            if self.i >= len(text) or _is_space(text[self.i]):
                return  # a lone "-" excludes nothing
        if text[self.i] == '"':
            phrase, quote_at = self._quoted()
            prefix = self._star()
            self._add_term(phrase, quote_at, phrase=True, prefix=prefix, negated=negated)
            return
        match = _FILTER_START.match(text, self.i)
        if match:
            name = match.group(1).lower()
            if name in FILTERS:
                self.i = match.end()
                self._filter(name, start, negated=negated)
                return
            if not text.startswith("//", match.end()):  # a URL is just words
                raise self._unknown_filter(match.group(1), self.i, match.end())
        word_at = self.i
        word = self._bare()
        self._word(word, word_at, negated=negated)

    def _quoted(self) -> tuple[str, int]:
        """The text between a pair of double quotes (``self.i`` is on the first)."""
        open_at = self.i
        close = self.text.find('"', open_at + 1)
        if close < 0:
            raise QueryError(
                "unclosed quote: add a closing \" to end the phrase", open_at, len(self.text)
            )
        self.i = close + 1
        return self.text[open_at + 1 : close], open_at

    def _star(self) -> bool:
        if self.i < len(self.text) and self.text[self.i] == "*":
            while self.i < len(self.text) and self.text[self.i] == "*":
                self.i += 1
            return True
        return False

    def _bare(self) -> str:
        """A run of characters up to whitespace or a double quote."""
        start = self.i
        text = self.text
        while self.i < len(text) and not _is_space(text[self.i]) and text[self.i] != '"':
            self.i += 1
        return text[start : self.i]

    def _word(self, word: str, position: int, *, negated: bool, column: str | None = None) -> None:
        stripped = word.rstrip("*")
        prefix = bool(stripped) and stripped != word
        count = len(self.terms)
        self._add_term(stripped or word, position, prefix=prefix, negated=negated, column=column)
        if not prefix and len(self.terms) > count and self.i == len(self.text):
            self.open_word = self.terms[-1]

    def _add_term(
        self, text: str, position: int, *, phrase: bool = False, prefix: bool = False,
        negated: bool = False, column: str | None = None,
    ) -> None:
        # Only letters and digits make FTS5 tokens; "-", "*" or "..." alone
        # would be an empty phrase, which matches nothing: leave them out.
        if any(char.isalnum() for char in text):
            self.terms.append(Term(text, position, phrase, prefix, negated, column))

    def _value(self) -> tuple[str, int, bool]:
        """A filter's value: quoted or bare. Returns (value, position, was quoted)."""
        if self.i < len(self.text) and self.text[self.i] == '"':
            value, at = self._quoted()
            return value, at, True
        at = self.i
        return self._bare(), at, False

    def _filter(self, name: str, start: int, *, negated: bool) -> None:
        value, at, quoted = self._value()
        where = (start, self.i)
        if name == "title":
            if not value.strip():
                raise QueryError("title: needs a word or a \"phrase\", like title:election",
                                 *where)
            if quoted:
                prefix = self._star()
                self._add_term(value, at, phrase=True, prefix=prefix, negated=negated,
                               column="title")
            else:
                self._word(value, at, negated=negated, column="title")
            return
        cleaned = clean_key(value).strip()
        if not cleaned:
            raise QueryError(_needs_value(name), *where)
        if name == "is":
            state = _IS_VALUES.get(cleaned.lower())
            if state is None:
                hint = _suggest(cleaned.lower(), ("unread", "read", "bookmarked"), "is:")
                raise QueryError(f"is: takes unread, read or bookmarked{hint}", *where)
            self.filters.append(Filter("is", state, start, negated))
        elif name == "type":
            labels = _labels(cleaned)
            if labels is None:
                hint = _suggest(cleaned.lower(), [*_TYPE_ALIASES, *(x.lower() for x in LABELS)],
                                "type:")
                raise QueryError(f"type: takes {', '.join(LABELS)}{hint}", *where)
            self.filters.append(Filter("type", cleaned, start, negated, labels=labels))
        elif name in ("after", "before"):
            bound = _date_bound(cleaned)
            if bound is None:
                raise QueryError(f"{name}: {_DATE_HELP}", *where)
            self.filters.append(Filter(name, cleaned, start, negated, bound=bound))
        else:  # feed, tag, entity
            self.filters.append(Filter(name, cleaned, start, negated))

    def _unknown_filter(self, name: str, start: int, end: int) -> QueryError:
        shown = _quote_for_message(name)
        close = difflib.get_close_matches(name.lower(), FILTERS, n=1, cutoff=0.6)
        if close:
            message = f"unknown filter '{shown}:' — did you mean {close[0]}:?"
        else:
            listed = " ".join(f"{known}:" for known in FILTERS)
            message = (
                f"unknown filter '{shown}:' (filters are {listed}; "
                "put it in quotes to search for the text)"
            )
        return QueryError(message, start, end)


def _needs_value(name: str) -> str:
    examples = {
        "feed": "a name, like feed:bbc",
        "tag": "a tag, like tag:news",
        "is": "unread, read or bookmarked",
        "entity": "a name, like entity:\"Angela Merkel\"",
        "type": "an entity type, like type:PERSON",
        "after": "a date, like after:2021-12-01",
        "before": "a date, like before:2021-12-01",
    }
    return f"{name}: needs {examples[name]}"


def _suggest(value: str, choices: Any, prefix: str) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" — did you mean {prefix}{close[0]}?" if close else ""


def _labels(value: str) -> tuple[str, ...] | None:
    upper = value.upper()
    if upper in LABELS:
        return (upper,)
    return _TYPE_ALIASES.get(value.lower())


def _date_bound(value: str) -> DateBound | None:
    lowered = value.lower()
    if lowered == "today":
        return DateBound(days_back=0)
    if lowered == "yesterday":
        return DateBound(days_back=1)
    age = _AGE.match(lowered)
    if age:
        amount = int(age.group(1))
        try:
            delta = timedelta(**{_AGE_UNITS[age.group(2)]: amount})
        except OverflowError:
            return None
        if delta > timedelta(days=365 * 200):
            return None
        return DateBound(age=delta)
    found = _DATE.match(value)
    if not found:
        return None
    year, month, day = (int(part) if part else 1 for part in found.groups())
    try:
        return DateBound(day=date(year, month, day))
    except ValueError:
        return None


# --------------------------------------------------------------------------- compiling


def fts_string(text: str) -> str:
    """``text`` as one FTS5 string: in double quotes, inner quotes doubled.

    Inside a string FTS5 treats nothing as syntax (``AND``, ``NEAR``, ``*``,
    ``:``, ``-``, parentheses); the tokenizer splits it into words, so a
    string of several words is a phrase.
    """
    return '"' + text.replace('"', '""') + '"'


def _fts_term(term: Term) -> str:
    expression = fts_string(term.text) + ("*" if term.prefix else "")
    return f"title : {expression}" if term.column == "title" else expression


def _like(value: str) -> str:
    """A LIKE pattern for "contains ``value``" (used with ``ESCAPE '\\'``)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _subscription_sources(cond: str) -> str:
    """Sources of the subscriptions matching ``cond`` (on ``subscriptions AS s``).

    A feed's articles are stored under its source; a folder's under each
    file's path inside it ('0' follows '/', so the range is "starts with
    folder/"). CROSS JOIN keeps the (few) subscriptions as the outer loop:
    left to itself SQLite walked every article and probed subscriptions.
    """
    return (
        f"SELECT s.source FROM subscriptions AS s WHERE {cond}"
        " UNION SELECT a.source FROM subscriptions AS s CROSS JOIN articles AS a"
        " ON a.source >= s.source || '/' AND a.source < s.source || '0'"
        f" WHERE s.kind = 'folder' AND {cond}"
    )


def _feed_set(value: str) -> tuple[str, list[Any]]:
    """Sources whose subscription is NAME (URL, or title containing it) or whose articles
    carry a feed name containing it (sources read without a subscription have only that).
    The name is looked up once per distinct source, not once per article."""
    cond = "(s.url = ? OR s.source = ? OR coalesce(s.user_title, s.title, '') LIKE ? ESCAPE '\\')"
    pattern = _like(value)
    sql = (
        _subscription_sources(cond)
        + " UNION SELECT d.source FROM (SELECT DISTINCT source FROM articles) AS d"
        " WHERE d.source = ? OR (SELECT x.source_name FROM articles AS x"
        " WHERE x.source = d.source LIMIT 1) LIKE ? ESCAPE '\\'"
    )
    return sql, [value, value, pattern, value, value, pattern, value, pattern]


def _tag_set(value: str) -> tuple[str, list[Any]]:
    # json_each() fails on malformed JSON; a damaged tags cell must not break search.
    cond = (
        "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(s.tags) THEN s.tags ELSE '[]' END)"
        " AS t WHERE t.value = ? COLLATE NOCASE)"
    )
    return _subscription_sources(cond), [value, value]


def _entity_set(name: str, labels: tuple[str, ...]) -> tuple[str, list[Any]]:
    """Keys of articles mentioning ``name`` (any label, or one of ``labels``).

    Names and labels are folded by the store's own rule (:func:`entity_identity`),
    so ``entity:US type:ORG`` finds the country the store filed under GPE.
    A name no entity is filed under exactly matches the entities it is a
    whole word of: ``entity:Kane`` finds "Harry Kane" (people are filed under
    their full name), while ``entity:Russia`` still means Russia alone and not
    "Russia Today" too, because an exact entity exists.
    """
    norm = normalize_name(name)
    params: list[Any] = []
    if not labels:
        condition = "e.norm = ?"
        params.append(norm)
    else:
        pairs = list(dict.fromkeys(entity_identity(label, name) for label in labels))
        condition = " OR ".join(["(e.label = ? AND e.norm = ?)"] * len(pairs))
        for pair in pairs:
            params.extend(pair)
        stored = list(dict.fromkeys(label for label, _norm in pairs))
        norm = pairs[0][1]
    fallback = (
        "(NOT EXISTS (SELECT 1 FROM entities AS x WHERE x.norm = ?)"
        " AND instr(' ' || e.norm || ' ', ?) > 0"
    )
    params.extend([norm, f" {norm} "])
    if labels:
        fallback += f" AND e.label IN ({', '.join('?' * len(stored))})"
        params.extend(stored)
    fallback += ")"
    return (
        "SELECT m.article_key FROM entities AS e JOIN mentions AS m ON m.entity_id = e.id"
        f" WHERE ({condition}) OR {fallback}",
        params,
    )


def _label_sql(labels: tuple[str, ...]) -> tuple[str, list[Any]]:
    """Articles mentioning any entity of ``labels`` (``type:`` without ``entity:``).

    A per-row EXISTS: a label matches most articles, and building its key
    set (every mention of every PERSON) took 500 ms at 100k articles. LOC
    is looked up as GPE, where the store files places.
    """
    stored = list(dict.fromkeys(entity_identity(label, "")[0] for label in labels))
    return (
        "EXISTS (SELECT 1 FROM mentions AS m JOIN entities AS e ON e.id = m.entity_id"
        f" WHERE m.article_key = articles.key AND e.label IN ({', '.join('?' * len(stored))}))",
        stored,
    )


def _set_filter(f: Filter, entity_labels: tuple[str, ...]) -> tuple[str, str, list[Any]] | None:
    """``(column, set_sql, params)`` for a filter that is "column IN a set", else None."""
    if f.name == "is" and f.value == "bookmarked":
        return "articles.key", "SELECT article_key FROM bookmarks", []
    if f.name == "feed":
        return ("articles.source", *_feed_set(f.value))
    if f.name == "tag":
        return ("articles.source", *_tag_set(f.value))
    if f.name == "entity":
        return ("articles.key", *_entity_set(f.value, entity_labels))
    return None


def _entity_labels(query: Query) -> tuple[str, ...]:
    return tuple(dict.fromkeys(
        label for f in query.filters if f.name == "type" and not f.negated for label in f.labels
    ))


def _probes(query: Query) -> list[Probe]:
    labels = _entity_labels(query)
    found = []
    for index, f in enumerate(query.filters):
        selected = None if f.negated else _set_filter(f, labels)
        if selected is None:
            continue
        column, set_sql, params = selected
        if column == "articles.key":
            sql = f"SELECT count(*) FROM (SELECT 1 FROM ({set_sql}) LIMIT ?)"
        else:
            sql = (
                "SELECT count(*) FROM (SELECT 1 FROM articles"
                f" WHERE articles.source IN ({set_sql}) LIMIT ?)"
            )
        found.append(Probe(index, sql, tuple(params)))
    return found


def _db_instant(bound: DateBound, now: datetime, tz: tzinfo | None) -> str:
    """The bound as stored-time text; a date SQLite's range cannot hold sorts to an end."""
    try:
        return bound.resolve(now, tz).astimezone(UTC).isoformat(timespec="microseconds")
    except (OverflowError, ValueError):
        early = bound.day is None or bound.day.year < 5000
        return "0" if early else "9"  # below / above every stored "YYYY-..." value


def _like_term(term: Term) -> tuple[str, list[Any]]:
    columns = ("title",) if term.column == "title" else ("title", "text", "source_name")
    pattern = _like(term.text)
    sql = " OR ".join(f"articles.{column} LIKE ? ESCAPE '\\'" for column in columns)
    return f"({sql})", [pattern] * len(columns)


def _compile(
    query: Query, *, fts: bool, tz: tzinfo | None, now: datetime, drive: int | None
) -> CompiledQuery:
    clauses: list[str] = []
    params: list[Any] = []

    def add(sql: str, values: list[Any], negated: bool) -> None:
        clauses.append(f"NOT ({sql})" if negated else sql)
        params.extend(values)

    match: str | None = None
    positive = [term for term in query.terms if not term.negated]
    negative = [term for term in query.terms if term.negated]
    if fts:
        if positive:
            match = " AND ".join(_fts_term(term) for term in positive)
            if negative:
                excluded = " OR ".join(_fts_term(term) for term in negative)
                match = f"({match}) NOT ({excluded})"
        elif negative:
            # FTS5's NOT needs something on its left: exclude by key instead.
            excluded = " OR ".join(_fts_term(term) for term in negative)
            add(f"articles.key IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)",
                [excluded], True)
    else:
        for term in query.terms:
            sql, values = _like_term(term)
            add(sql, values, term.negated)

    entity_labels = _entity_labels(query)
    has_entity = any(f.name == "entity" for f in query.filters)
    for index, f in enumerate(query.filters):
        selected = _set_filter(f, entity_labels)
        if selected is not None:
            # The unary + stops SQLite from driving the query from the set and
            # sorting its rows by date (145 ms for 14k rows at 100k articles):
            # it scans the date index and stops at the LIMIT. The one set the
            # caller found small (see Query.probes) is left to drive.
            column, set_sql, values = selected
            plus = "" if index == drive and not f.negated else "+"
            add(f"{plus}{column} IN ({set_sql})", values, f.negated)
        elif f.name == "is":
            add("articles.read = ?", [int(f.value == "read")], f.negated)
        elif f.name == "type":
            if f.negated or not has_entity:
                add(*_label_sql(f.labels), f.negated)
        elif f.name in ("after", "before"):
            assert f.bound is not None
            instant = _db_instant(f.bound, now, tz)
            operator = ">=" if f.name == "after" else "<"
            add(f"articles.published {operator} ?", [instant], f.negated)
    return CompiledQuery(" AND ".join(clauses) or "1", tuple(params), match)
