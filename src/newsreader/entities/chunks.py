"""Find capitalised word sequences ("chunks") with their character offsets.

Why one regular expression over the whole text: most words in news are lower
case and can never start a name, so letting the regex engine skip them (in C)
instead of tokenising every word in Python is what makes the rule engine fast.
Only the chunks found here are looked at word by word.

A chunk is a run of capitalised words on one line, joined by single spaces,
hyphens or short lower-case connectors ("Ministry of Foreign Affairs",
"Ludwig van Beethoven"). Initials ("Y."), dotted acronyms ("U.N.") and title
abbreviations ("Mr.") keep their full stop. Possessive "'s" is never part
of a word, so "Russia's" yields "Russia".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsreader.entities import cues

#: (start, end, text) of one word inside the analysed text.
Tok = tuple[int, int, str]

_UPPER = "".join(ch for ch in map(chr, range(0x41, 0x2000)) if ch.isupper())
_U = f"[{_UPPER}]"
_L = r"[^\W_]"
_SEP = r"[ \t\u00a0]+"
_ABBR = (
    r"(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Cpl|Adm|Cmdr|Rev|Fr|St|Mt|Ft"
    r"|Jr|Sr|Inc|Corp|Ltd|Co|Bros|Messrs)"
)
_CONN = "(?:" + "|".join(sorted(map(re.escape, cues.CONNECTORS), key=len, reverse=True)) + ")"

#: One name word. Order matters: dotted forms must win over the bare letter.
_WORD = rf"""(?:
    {_ABBR}\.(?=\s|$)                             # Mr. Inc.
  | {_U}\.(?:{_U}\.)+                             # U.S. U.N.
  | {_U}\.(?={_SEP}{_U})                          # initial: "Y." Borisenko
  | (?:(?:al|el|ad|as|ash|bin|ibn|abu|van|von|de|di|da|du|le|la|d'|l'|O')[-’']?)?
    {_U}{_L}*(?:(?:['’](?!s\b)|[-&/])(?=[^\W_]){_L}+)*   # Egypt, O'Brien, Cairo-based
)"""

_CHUNK_RE = re.compile(
    rf"(?<![\w@#.'’-]){_WORD}(?:(?:{_SEP}(?:{_CONN}{_SEP}){{0,2}}|-){_WORD})*", re.VERBOSE
)
_TOKEN_RE = re.compile(rf"{_WORD}|(?<!\S){_CONN}(?!\S)", re.VERBOSE)
_WORD_BEFORE_RE = re.compile(r"([\w'’.-]+)[\s\"“”‘'(,]*$")
_WORD_AFTER_RE = re.compile(r"^[\s,]*([\w'’-]+)")

#: Characters that end a sentence (or a heading) before the next word.
_SENTENCE_END = frozenset(".!?:;\n•*|")
#: Characters skipped when looking back for a sentence end.
_OPENERS = frozenset(" \t\u00a0\"“‘'([«-–—")
_QUOTES = frozenset("\"“‘«")


def iter_chunks(text: str) -> Iterator[list[Tok]]:
    """Each capitalised sequence in ``text`` as a list of its tokens."""
    for m in _CHUNK_RE.finditer(text):
        base = m.start()
        yield [(base + t.start(), base + t.end(), t.group()) for t in _TOKEN_RE.finditer(m.group())]


def sentence_initial(text: str, pos: int) -> bool:
    """True when the word at ``pos`` begins a sentence, line or quotation.

    Capitalisation there says nothing about being a name.
    """
    i = pos - 1
    while i >= 0 and text[i] in _OPENERS:
        if text[i] in "-–—" and i > 0 and text[i - 1] not in " \t":
            return False  # a hyphen inside a word, not a dash
        if text[i] in _QUOTES:
            return True  # a quotation starts a sentence of its own
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def word_before(text: str, pos: int) -> str:
    """The word just before ``pos`` (through quotes and commas), or ''."""
    m = _WORD_BEFORE_RE.search(text, max(0, pos - 40), pos)
    return m.group(1) if m else ""


def word_after(text: str, pos: int) -> str:
    """The word just after ``pos`` (through spaces and a comma), or ''."""
    m = _WORD_AFTER_RE.match(text[pos : pos + 40])
    return m.group(1) if m else ""


def line_is_shouting(text: str, pos: int) -> bool:
    """True when the line around ``pos`` is (nearly) all capitals, like a headline.

    In such a line an upper-case word is not an acronym. Only 200 characters
    each side are looked at, so a huge one-line text stays linear.
    """
    lo = max(0, pos - 200)
    start = text.rfind("\n", lo, pos) + 1 or lo
    end = text.find("\n", pos, pos + 200)
    line = text[start : end if end >= 0 else pos + 200]
    upper = sum(1 for ch in line if ch.isupper())
    lower = sum(1 for ch in line if ch.islower())
    return upper >= 6 and lower < upper
