"""Make untrusted strings safe to show in a terminal and to store.

Everything a source produces (titles, authors, feed names, article text,
links) comes from strangers. A terminal interprets escape sequences, so a
title containing ``ESC ] 52`` can write to the clipboard and ``ESC [ 2J``
can wipe the screen; bidi overrides make ``invoice_<RLO>gpj.exe`` read as
``invoice_exe.jpg``; zero-width characters make two look-alike names
differ. This module removes all of those at ingest, once, so no later layer
has to remember to.

Rich markup such as ``[bold]`` is deliberately left alone: the UI builds
``Text`` objects and never parses markup from data, so the brackets stay
literal text.

The functions are pure, total (they never raise for any ``str``) and
idempotent: cleaning cleaned text changes nothing.

Zero-width joiners (ZWNJ U+200C, ZWJ U+200D) are kept in article text: they
are part of how Persian and Indic words are spelled and how emoji sequences
are built, and a terminal does nothing with them. One-line values (titles,
names, authors) lose them like every other invisible character, because
that is where two look-alike strings could be told apart by an invisible
difference. The character classes are defined once here; the UI's last-line
helpers (:mod:`newsreader.ui.text`) build their tables from
:data:`TERMINAL_UNSAFE` and :data:`INVISIBLE`.

:func:`clean_line` and :func:`clean_text` are for what is shown: they also
tidy whitespace and cut over-long lines. The store, the last line of defence
for data that outlives any one source, uses :func:`clean_key` (ids, sources,
links: one line, never trimmed or cut, because a changed id is another
article and a changed path opens nothing) and :func:`strip_unsafe` (text:
layout untouched, so entity offsets computed on it stay valid). All four
remove escape sequences with the same patterns.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "INVISIBLE",
    "JOINERS",
    "MAX_LINE",
    "TERMINAL_UNSAFE",
    "clean_key",
    "clean_line",
    "clean_text",
    "esc_refs_to_esc",
    "is_plain_web_url",
    "safe_link",
    "strip_unsafe",
]

#: Longest single-line value kept (titles, authors, names); longer gets an ellipsis.
MAX_LINE = 500

#: Longest link kept; longer ones are junk or an attack, not a real article URL.
MAX_LINK = 4096

_ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
# Lower-case http(s) URL of printable ASCII with no credentials: already safe.
_HOST_CHARS = re.compile(r"[A-Za-z0-9.-]+")
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?\Z")

# Escape sequences arrive either as real control characters or, in XML/HTML,
# as character references (``&#x1b;``) that some later decoding step could turn
# into real ones; treat a reference to ESC as ESC so the whole sequence, not
# just its introducer, is removed.
_ESC_REFS = re.compile(r"&#(?:[xX]0*1[bB]|0*27);?")

# String-type sequences (OSC, DCS, SOS, PM, APC): the payload runs to BEL or
# ST; an unterminated one is cut at the line end so the payload (a clipboard
# blob, a file:// hyperlink target) never shows as text.
_STRING_SEQ = r"(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
# CSI: parameters, intermediates, final byte (which may be missing at the end
# after ESC [). The 8-bit CSI takes what follows only when a final byte ends it:
# U+009B is far more often a mis-decoded cp1252 "›" than a sequence, and the
# text after it is then real text.
_CSI_SEQ = r"(?:\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~])"
# Any other ESC sequence: ESC, intermediates, one final byte (ESC c, ESC ( B ...).
_OTHER_ESC = r"\x1b[ -/]*[0-~]?"
_ESCAPE_SEQUENCES = re.compile(f"{_STRING_SEQ}|{_CSI_SEQ}|{_OTHER_ESC}")

# The character classes, as regex ranges (one source of truth, see above).
# C0 controls except TAB/LF (CR is normalised before removal runs), DEL, C1.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidi embeddings/overrides/isolates: they reorder what follows.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# Bidi marks (Arabic letter mark, LRM, RLM): invisible, and they move neutrals.
_BIDI_MARKS = "\u061c\u200e\u200f"
# Zero-width space, word joiner, invisible operators, BOM, interlinear
# annotation marks: invisible, and part of no word.
_ZERO_WIDTH = "\u200b\u2060-\u2064\ufeff\ufff9-\ufffb"
# Zero-width non-joiner and joiner: invisible, but part of words and emoji.
_JOINERS = "\u200c\u200d"
# Lone surrogates: they cannot even be encoded for the terminal.
_SURROGATE_RANGE = "\ud800-\udfff"


def _codepoints(ranges: str) -> frozenset[int]:
    """The code points of a regex class body such as ``"\\x00-\\x08\\u200b"``."""
    points: set[int] = set()
    index = 0
    while index < len(ranges):
        if index + 2 < len(ranges) and ranges[index + 1] == "-":
            points.update(range(ord(ranges[index]), ord(ranges[index + 2]) + 1))
            index += 3
        else:
            points.add(ord(ranges[index]))
            index += 1
    return frozenset(points)


#: What a terminal acts on or what reorders text: never shown, whoever wrote it.
TERMINAL_UNSAFE = _codepoints(_CONTROLS + _BIDI_CONTROLS + _BIDI_MARKS)
#: Invisible characters that belong to no word (zero-width space, BOM, ...).
INVISIBLE = _codepoints(_ZERO_WIDTH)
#: ZWNJ and ZWJ: kept in article text, removed from one-line values.
JOINERS = _codepoints(_JOINERS)

# Removed from one-line values (and links): every class above.
_REMOVED = _CONTROLS + _BIDI_MARKS + _BIDI_CONTROLS + _ZERO_WIDTH + _JOINERS + _SURROGATE_RANGE
_REMOVED_RE = re.compile(f"[{_REMOVED}]")
# Removed from article text: the same but the joiners.
_TEXT_REMOVED = _CONTROLS + _BIDI_MARKS + _BIDI_CONTROLS + _ZERO_WIDTH + _SURROGATE_RANGE
_TEXT_REMOVED_RE = re.compile(f"[{_TEXT_REMOVED}]")
# Cheap pre-check: most strings are clean and skip every substitution.
_SUSPECT = re.compile(f"[{_REMOVED}\r\u2028\u2029]|&#")
_TEXT_SUSPECT_OR_REF = re.compile(f"[{_TEXT_REMOVED}{_JOINERS}\r\u2028\u2029]|&#")
# A run of joiners that joins nothing: not between two non-ASCII, non-space
# characters (Persian letters, Indic viramas and letters, emoji). Between
# ASCII letters or at a word's edge a joiner does nothing visible, so there
# it is only a way to make two equal-looking words differ: it goes.
_STRAY_JOINERS = re.compile(
    f"(?<![^\\x00-\\x7f\\s])[{_JOINERS}]+|[{_JOINERS}]+(?![^\\x00-\\x7f\\s])"
)

_LINE_SEPARATORS = re.compile("\r\n?|[\u2028\u2029\x85]")

# The store's narrower set (see clean_key): what a terminal acts on or what
# reorders text, but not the zero-width joiners and marks that real file names
# and words contain (Persian ZWNJ, emoji ZWJ sequences).
_UNSAFE = _CONTROLS + _BIDI_CONTROLS
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_KEY_SUSPECT = re.compile(f"[{_UNSAFE}\n\t\u2028\u2029{_SURROGATE_RANGE}]")
_TEXT_SUSPECT = re.compile(f"[{_TEXT_REMOVED}{_JOINERS}\r\u2028\u2029]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_KEY_BREAKS = re.compile("[\n\t]")
_TRAILING = " \t\u00a0"
_BLANK_RUNS = re.compile(r"\n{3,}")
_WHITESPACE = re.compile(r"\s+")


def esc_refs_to_esc(s: str) -> str:
    """Turn ``&#x1b;``/``&#27;`` into a real ESC, for text about to be parsed.

    ``html.unescape`` maps such references to nothing, which would leave the
    rest of the sequence (``[2J``) behind as visible junk; as a real ESC the
    sanitiser removes the whole sequence.
    """
    return _ESC_REFS.sub("\x1b", s) if "&#" in s else s


def _strip_controls(s: str, removed: re.Pattern[str] = _REMOVED_RE) -> str:
    """Remove escape sequences first (whole), then any stray character ``removed`` matches."""
    s = esc_refs_to_esc(s)
    s = _ESCAPE_SEQUENCES.sub("", s)
    return removed.sub("", s)


def _strip_stray_joiners(s: str) -> str:
    """Drop ZWNJ/ZWJ runs that join nothing; keep those inside words and emoji."""
    return _STRAY_JOINERS.sub("", s) if "\u200c" in s or "\u200d" in s else s


def clean_line(s: str | None, max_len: int = MAX_LINE) -> str:
    """Return ``s`` as one safe line: for titles, authors and names.

    Newlines and tabs become spaces and whitespace runs collapse, because a
    title is shown on one row; an over-long value is cut with an ellipsis so a
    10,000-character title cannot swamp the article list.
    """
    if not s:
        return ""
    if not isinstance(s, str):
        s = str(s)
    # Nothing to remove or fold when the shortcut holds: every character the
    # full path acts on but the plain space is non-printable (pinned by a
    # test), so only the trim can change anything. Most titles take it.
    plain = s.isprintable() and "  " not in s and "&#" not in s
    s = s.strip(" ") if plain else _clean_line_slow(s)
    if len(s) > max_len:
        s = s[: max_len - 1].rstrip() + "…"
    return s


def _clean_line_slow(s: str) -> str:
    """:func:`clean_line` before the length cap, for any input."""
    if _SUSPECT.search(s):
        s = _strip_controls(_LINE_SEPARATORS.sub("\n", s))
    return _WHITESPACE.sub(" ", s).strip()


def clean_text(s: str | None) -> str:
    """Return ``s`` as safe multi-line article text.

    Keeps newlines and tabs (they carry paragraph structure), normalises
    CRLF/CR to LF, removes trailing spaces on each line and collapses runs of
    blank lines to one, so paragraphs are always separated by exactly one
    blank line whatever the source did.
    """
    if not s:
        return ""
    if not isinstance(s, str):
        s = str(s)
    if (
        "&#" not in s
        and "\n\n\n" not in s
        and " \n" not in s
        and not s.endswith(" ")
        and s.replace("\n", "").isprintable()
    ):
        # Every character the steps below remove or fold is non-printable
        # (tab, no-break space, controls, bidi and zero-width marks, line
        # separators, surrogates; pinned by a test), and with no space before
        # a newline and no blank-line run they change nothing; only the final
        # trim is left. One C-level scan instead of a regex and a split.
        return s.strip("\n").rstrip() if s.strip() else ""
    return _clean_text_slow(s)


def _clean_text_slow(s: str) -> str:
    """:func:`clean_text` for any input: the reference its shortcut must equal."""
    if _TEXT_SUSPECT_OR_REF.search(s):
        s = _strip_controls(_LINE_SEPARATORS.sub("\n", s), _TEXT_REMOVED_RE)
        s = _strip_stray_joiners(s)
    # Per-line rstrip, not a ``[ \t]+$`` regex: that backtracks quadratically
    # on long runs of spaces that are not at a line end.
    s = "\n".join(line.rstrip(_TRAILING) for line in s.split("\n"))
    s = _BLANK_RUNS.sub("\n\n", s)
    return s.strip("\n").rstrip() if s.strip() else ""


def clean_key(s: str | None) -> str:
    """Return ``s`` as one line that is safe to store and show, otherwise unchanged.

    For identities: article ids, sources (paths and URLs), links, tags,
    engine names. Escape sequences and control and bidi characters go, tab,
    newline and line separators become spaces, lone surrogates (undecodable
    file names) become U+FFFD because SQLite stores only valid UTF-8. Nothing
    is trimmed, folded or cut, and zero-width characters stay: an id that
    changes is a different article, and a path that changes opens nothing.
    """
    if not s:
        return ""
    if not isinstance(s, str):
        s = str(s)
    # Every character the steps below act on is non-printable (pinned by a
    # test): one C-level scan answers for the usual id, link or path, where
    # the regex costs ~5x more (~70,000 values per 10,000 articles stored).
    if s.isprintable() or not _KEY_SUSPECT.search(s):
        return s
    s = _SURROGATES.sub("\ufffd", s)
    s = _ESCAPE_SEQUENCES.sub("", _LINE_SEPARATORS.sub("\n", s))
    return _UNSAFE_RE.sub("", _KEY_BREAKS.sub(" ", s))


def strip_unsafe(s: str | None) -> str:
    """Return multi-line ``s`` with what :func:`clean_text` removes removed, and no more.

    For text the store keeps: line separators become ``\n``, escape
    sequences and the characters :func:`clean_text` drops are removed (lone
    surrogates become U+FFFD, as in :func:`clean_key`), and the layout is
    left alone (no trimming, no folding of blank lines), so text that is
    already clean is kept exactly and entity offsets into it stay valid.
    """
    if not s:
        return ""
    if not isinstance(s, str):
        s = str(s)
    if not _TEXT_SUSPECT.search(s):
        return s
    s = _SURROGATES.sub("\ufffd", _LINE_SEPARATORS.sub("\n", s))
    return _strip_stray_joiners(_TEXT_REMOVED_RE.sub("", _ESCAPE_SEQUENCES.sub("", s)))


def is_plain_web_url(url: str) -> bool:
    """An absolute http(s) URL of plain ASCII with a plain host: :func:`safe_link` keeps it as is.

    (Its host has no brackets, so ``urlsplit`` cannot fail on it either.)
    """
    return len(url) <= MAX_LINK and _PLAIN_WEB_URL.match(url) is not None


def safe_link(url: str | None) -> str | None:
    """Return ``url`` if it is safe to show and open, else ``None``.

    Only ``http``, ``https`` and ``mailto`` pass. Browsers ignore tabs and
    newlines inside a URL (``java\\tscript:`` is ``javascript:``), so every
    whitespace/control character is removed *before* the scheme is checked.
    Credentials (``https://bank.com@evil.example/``) are dropped and
    non-ASCII host names are shown as punycode, because both only ever serve
    to disguise the real host.
    """
    if not url or not isinstance(url, str):
        return None
    if len(url) > MAX_LINK * 2:
        return None
    if len(url) <= MAX_LINK and _PLAIN_WEB_URL.match(url):  # the common case: no parsing
        return url
    if _SUSPECT.search(url):
        url = _strip_controls(url)
    url = _WHITESPACE.sub("", url)
    if not url or len(url) > MAX_LINK:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 literal
        return None
    scheme = parts.scheme.lower()
    if scheme not in _ALLOWED_SCHEMES:
        return None
    if scheme == "mailto":
        return url if parts.path else None
    if not parts.hostname:
        return None
    netloc = parts.netloc.rpartition("@")[2]
    if not netloc.isascii():
        # Show the real host: "www.аpple.com" (Cyrillic а) becomes punycode.
        try:
            host = parts.hostname.encode("idna").decode("ascii")
            port = parts.port
        except (UnicodeError, ValueError):
            return None
        if not _HOST_CHARS.fullmatch(host):
            return None
        netloc = f"{host}:{port}" if port else host
    try:
        return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))
    except ValueError:
        return None
