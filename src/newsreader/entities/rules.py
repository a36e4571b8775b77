"""The rule engine: gazetteers + cue words + context, no statistics.

Why it exists next to a statistical model: it is instant to load, fast,
predictable, and its mistakes can be explained and fixed by editing a word
list. It is also what the product falls back to when no model is shipped.

Pipeline for one text: DATE spans (:mod:`.dates`), capitalised chunks
(:mod:`.chunks`) labelled by :mod:`.classify`, then the shared
post-processing of :mod:`.aliases` (trim, de-overlap, join aliases).
"""

from __future__ import annotations

from datetime import datetime

from newsreader.entities import Span
from newsreader.entities.aliases import resolve_spans
from newsreader.entities.chunks import iter_chunks
from newsreader.entities.classify import Classifier, Context
from newsreader.entities.dates import dateline_ranges, find_dates, in_ranges
from newsreader.entities.gazetteer import load

#: Bump when the output for the same text changes, so stored mentions
#: made by an older version are recomputed.
VERSION = "1"


class RulesExtractor:
    """PERSON, ORG, GPE, LOC, NORP and DATE by rules (the ``rules`` engine)."""

    name = "rules"
    version = VERSION

    def __init__(self) -> None:
        self._classifier = Classifier(load())

    def extract(self, text: str, *, published: datetime | None = None) -> list[Span]:
        """Entity mentions in ``text`` (offsets into it), sorted by start."""
        if not text:
            return []
        skip = dateline_ranges(text)
        ctx = Context(text)
        spans = find_dates(text, published)
        candidates: list[tuple[int, int]] = []
        classify = self._classifier.chunk
        for toks in iter_chunks(text):
            if skip and in_ranges(toks[0][0], skip):
                continue
            for start, end, label, canonical in classify(ctx, toks):
                if label is None:
                    candidates.append((start, end))
                else:
                    spans.append(Span(start, end, label, text[start:end], canonical))
        return resolve_spans(spans, text, candidates)
