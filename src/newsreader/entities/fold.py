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
_NON_WORD = re.compile(r"[^\w]+")


def fold_name(name: str) -> str:
    """Case-, accent- and punctuation-folded name: "the U.N.'s" -> "un"."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch)).casefold().strip()
    name = _POSSESSIVE.sub("", name).replace(".", "")
    name = _NON_WORD.sub(" ", name).strip()
    if name.startswith("the "):
        name = name[4:]
    return name


def fold_key(label: str, name: str) -> str:
    """Identity key such as ``"GPE:united states"`` for a mention of ``name``."""
    folded = fold_name(name)
    alias = ALIASES.get(folded)
    if alias:
        return f"{alias[0]}:{alias[1]}"
    return f"{_LABEL_GROUP.get(label, label)}:{folded}"
