"""Order an article's entities by how much the article is about them.

Why these weights: a name in the headline is what the story is about; a
name in the first paragraph (the news lead) is nearly as telling; after
that, repetition is the best cheap signal. Score = mentions + 3 if in the
first paragraph + 5 if in the title; ties keep first-mention order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsreader.entities import Span
from newsreader.entities.fold import ALIASES, fold_key, fold_name

TITLE_WEIGHT = 5
LEAD_WEIGHT = 3

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")



def _alias_forms() -> dict[str, tuple[str, ...]]:
    forms: dict[str, tuple[str, ...]] = {}
    for alias, (_label, canonical) in ALIASES.items():
        forms[canonical] = (*forms.get(canonical, (canonical,)), alias)
    return forms


#: Folded canonical name -> every folded name known to stand for it, so a
#: headline saying "UK" counts for the United Kingdom the text spells out.
_FORMS = _alias_forms()


@dataclass(slots=True)
class RankedEntity:
    """One entity of an article with its mentions, most salient first."""

    key: str
    label: str
    name: str
    count: int = 0
    in_title: bool = False
    in_lead: bool = False
    first: int = 0
    spans: list[Span] = field(default_factory=list)

    @property
    def score(self) -> int:
        return self.count + LEAD_WEIGHT * self.in_lead + TITLE_WEIGHT * self.in_title


def _lead_end(text: str) -> int:
    """End of the first paragraph that has any text in it."""
    for m in _BLANK_LINE.finditer(text):
        if text[: m.start()].strip():
            return m.start()
    return len(text)


def rank_entities(spans: Iterable[Span], text: str, title: str = "") -> list[RankedEntity]:
    """Group ``spans`` (mentions in ``text``) by entity and order them by salience."""
    lead_end = _lead_end(text)
    folded_title = f" {fold_name(title)} " if title else ""
    groups: dict[str, RankedEntity] = {}
    for span in sorted(spans, key=lambda s: s.start):
        name = span.canonical or span.text
        if span.label == "DATE":
            name = span.text  # the ISO value is not a display name
        key = fold_key(span.label, span.canonical or span.text)
        ent = groups.get(key)
        if ent is None:
            ent = groups[key] = RankedEntity(key, span.label, name, first=span.start)
        elif len(name) > len(ent.name) and not name.isupper():
            ent.name = name
        ent.count += 1
        ent.spans.append(span)
        ent.in_lead = ent.in_lead or span.start < lead_end
        if folded_title and not ent.in_title:
            for form in (span.text, span.canonical):
                folded = fold_name(form) if form else ""
                if folded and f" {folded} " in folded_title:
                    ent.in_title = True
    if folded_title:
        for ent in groups.values():
            if not ent.in_title:
                norm = ent.key.partition(":")[2]
                forms = _FORMS.get(norm, (norm,))
                ent.in_title = any(form and f" {form} " in folded_title for form in forms)
    return sorted(groups.values(), key=lambda e: (-e.score, e.first))
