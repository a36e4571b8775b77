"""How entity names are folded so different spellings of one name meet.

"U.S." and "US", "The Guardian" and "Guardian", "new  york" and "New York",
"U.N." and "United Nations" are the same entity for grouping and for
:meth:`Store.articles_mentioning`.

There is one folding rule in the project, and it lives with the entity
engines (:mod:`newsreader.entities.fold`): salience ranking, alias joining
and the store must agree on what "the same entity" is, and two rules drift
apart. This module only names it for the store. The rule is part of the
database's identity for an entity, so changing it needs a migration that
re-folds the stored rows (:func:`newsreader.store.refold.refold_entities`).
"""

from __future__ import annotations

from newsreader.entities.fold import fold_identity

__all__ = ["entity_identity", "normalize_name"]


def normalize_name(name: str) -> str:
    """The ``norm`` the store files a name under, whatever its label.

    :func:`~newsreader.entities.fold.fold_name` (case, accents, punctuation,
    a possessive and a leading "the" folded away, runs of initials joined),
    then a known alias replaced by its canonical name: ``"U. S."``,
    ``"U.S."`` and ``"United States"`` all give ``"united states"``. The
    norm never depends on the label (only which row it is may), so callers
    that filter by label separately can use it alone. Never empty for a
    non-blank name.
    """
    return fold_identity("", name)[1]


def entity_identity(label: str, name: str) -> tuple[str, str]:
    """The ``(label, norm)`` an ``entities`` row is keyed on.

    Known aliases win over the label an engine gave ("US" tagged ORG is the
    country, GPE) and LOC files under GPE, exactly as
    :func:`~newsreader.entities.fold.fold_key` decides.
    """
    return fold_identity(label, name)
