"""Cross-article identity of entities: one key for every spelling of a name.

Why: the store groups mentions from many articles ("U.N." here, "United
Nations" there, "the UN" elsewhere) under one entity, and engines disagree on
GPE versus LOC for the same place. The key folds case, accents, punctuation,
a leading "the" and a possessive, and maps a small table of well-known
aliases to one name.
"""

from __future__ import annotations

import re
import unicodedata

#: Folded alias -> (label, folded canonical name). Labels here win, so "US"
#: tagged ORG by one engine still meets "United States" tagged GPE.
ALIASES: dict[str, tuple[str, str]] = {
    "un": ("ORG", "united nations"),
    "united nations organization": ("ORG", "united nations"),
    "us": ("GPE", "united states"),
    "usa": ("GPE", "united states"),
    "united states of america": ("GPE", "united states"),
    "united states": ("GPE", "united states"),
    "uk": ("GPE", "united kingdom"),
    "britain": ("GPE", "united kingdom"),
    "great britain": ("GPE", "united kingdom"),
    "united kingdom": ("GPE", "united kingdom"),
    "united kingdom of great britain and northern ireland": ("GPE", "united kingdom"),
    "eu": ("ORG", "european union"),
    "european union": ("ORG", "european union"),
    "uae": ("GPE", "united arab emirates"),
    "russian federation": ("GPE", "russia"),
    "arab republic of egypt": ("GPE", "egypt"),
    "nato": ("ORG", "nato"),
    "north atlantic treaty organization": ("ORG", "nato"),
}

#: Labels that share one identity space (a place is a place, GPE or LOC).
_LABEL_GROUP = {"LOC": "GPE"}

_POSSESSIVE = re.compile(r"['’]s?$")
_NON_WORD = re.compile(r"[\W_]+")


def fold_name(name: str) -> str:
    """Case-, accent- and punctuation-folded name: "the U.N.'s" -> "un".

    The one folding rule of the project: the store files entities under it
    (:func:`newsreader.store.names.normalize_name` is this function), so a
    name ranked here and a name looked up there always meet. Besides case
    and accents it drops a possessive and a leading "the", turns punctuation
    into spaces, and joins runs of initials ("U. S." and "U.S." both give
    "us", "J. R. R. Tolkien" gives "jrr tolkien"). A name made only of
    punctuation keeps its trimmed, case-folded self, so a key is never empty.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()
    folded = _NON_WORD.sub(" ", _POSSESSIVE.sub("", plain).replace(".", ""))
    words = _join_initials(folded.split())
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words) or " ".join(plain.split())


def _join_initials(words: list[str]) -> list[str]:
    """``["j", "r", "r", "tolkien"]`` -> ``["jrr", "tolkien"]``."""
    joined: list[str] = []
    run = ""
    for word in words:
        if len(word) == 1:
            run += word
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(word)
    if run:
        joined.append(run)
    return joined


def fold_identity(label: str, name: str) -> tuple[str, str]:
    """(label, folded name) naming one entity across articles.

    A known alias brings its own label ("US" tagged ORG is still the
    country), and LOC files under GPE. The store keys its ``entities`` rows
    on exactly this pair.
    """
    folded = fold_name(name)
    alias = ALIASES.get(folded)
    if alias:
        return alias
    return _LABEL_GROUP.get(label, label), folded


def fold_key(label: str, name: str) -> str:
    """Identity key such as ``"GPE:united states"`` for a mention of ``name``."""
    return ":".join(fold_identity(label, name))
