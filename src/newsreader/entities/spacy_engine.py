"""Optional backend: spaCy, when it and an English pipeline are installed.

``--ner spacy`` (or ``[entities] engine = "spacy"`` in the config) uses it.
spaCy is never a dependency of newsreader: this module imports it only when
the engine is asked for, and a missing spaCy or pipeline becomes one line
saying what to install. Its labels map onto ours and its spans go through
the same tidy-up as the shipped engines (possessives, a leading "the",
alias joining), with DATE from our own date rules so relative dates resolve
against the article's date the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newsreader.entities import Span

#: spaCy (OntoNotes) label -> ours; everything else is dropped.
LABEL_MAP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "LOC",
             "NORP": "NORP"}

#: Pipelines tried in order: the most accurate one installed wins.
PIPELINES = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm")

INSTALL_HINT = (
    "the spacy engine needs spaCy and an English pipeline: "
    "pip install spacy && python -m spacy download en_core_web_sm"
)


class SpacyUnavailable(ImportError):
    """spaCy or an English pipeline is missing; the message says what to install."""


def load_pipeline() -> Any:
    """The first installed English pipeline, with only the NER parts enabled."""
    try:
        import spacy
    except ImportError:
        raise SpacyUnavailable(INSTALL_HINT) from None
    for name in PIPELINES:
        try:
            return spacy.load(name, exclude=["parser", "lemmatizer", "attribute_ruler"])
        except OSError:  # not installed
            continue
    raise SpacyUnavailable(INSTALL_HINT)


class SpacyExtractor:
    """spaCy's entities in our labels, tidied like the shipped engines."""

    name = "spacy"

    def __init__(self, nlp: Any | None = None) -> None:
        self._nlp = nlp if nlp is not None else load_pipeline()
        meta = getattr(self._nlp, "meta", {}) or {}
        self.version = f"{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"

    def extract(self, text: str, *, published: datetime | None = None) -> list[Span]:
        from newsreader.entities.aliases import resolve_spans
        from newsreader.entities.dates import dateline_ranges, find_dates

        skip = dateline_ranges(text)
        spans = [
            Span(ent.start_char, ent.end_char, LABEL_MAP[ent.label_], ent.text)
            for ent in self._nlp(text).ents
            if ent.label_ in LABEL_MAP
            and not any(a <= ent.start_char < b for a, b in skip)
        ]
        spans.extend(find_dates(text, published))
        return resolve_spans(spans, text)
