"""How entity names are folded so different spellings of one name meet.

"U.S." and "US", "The Guardian" and "Guardian", "new  york" and "New York"
are the same entity for grouping and for :meth:`Store.articles_mentioning`.
The folding is deliberately small and predictable (no edit distance, no
alias tables): it is part of the database's identity for an entity, so
changing it later needs a migration that recomputes ``entities.norm``.
"""

from __future__ import annotations

import unicodedata

_DASHES_AND_SLASHES = frozenset("-‐‑‒–—―/\\_")


def normalize_name(name: str) -> str:
    """Fold case, punctuation, whitespace and a leading "the ".

    * Unicode NFKC, then case folding (``"STRASSE"`` and ``"straße"`` meet);
    * dashes, slashes and underscores become spaces (``"Smith-Jones"`` ->
      ``"smith jones"``); other punctuation and symbols disappear
      (``"U.S."`` -> ``"us"``, ``"McDonald's"`` -> ``"mcdonalds"``);
    * runs of whitespace become one space, ends are trimmed;
    * runs of one-letter words (initials) are joined, so ``"U. S."`` meets
      ``"U.S."`` and ``"J. R. R. Tolkien"`` meets ``"J.R.R. Tolkien"``;
    * a leading ``"the "`` is dropped when something is left after it.

    A name made only of punctuation folds to its trimmed, case-folded self,
    so it still has a non-empty key.
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    kept: list[str] = []
    for char in folded:
        if char in _DASHES_AND_SLASHES or char.isspace():
            kept.append(" ")
        elif unicodedata.category(char)[0] in "PSC":
            continue
        else:
            kept.append(char)
    result = " ".join(_join_initials("".join(kept).split()))
    if result.startswith("the ") and len(result) > 4:
        result = result[4:]
    return result or " ".join(folded.split())


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
