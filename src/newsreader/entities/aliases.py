"""Post-processing shared by every engine: tidy spans and join aliases.

Why one shared step: whichever engine found the mentions, the reader wants
the same things on top: "Russia's" shown as Russia, "the United Nations" as
United Nations, no overlapping highlights, and a later "Borisenko" known to
be "Georgiy Y. Borisenko" (same label, ``canonical`` set), so the sidebar
counts one person, not two.

Cross-article identity (:func:`fold_key`) and salience
(:func:`rank_entities`) live in small modules of their own and are
re-exported here.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from newsreader.entities import Span
from newsreader.entities.fold import fold_key, fold_name
from newsreader.entities.salience import RankedEntity, rank_entities

__all__ = ["RankedEntity", "fold_key", "fold_name", "rank_entities", "resolve_spans", "trim"]

#: When two spans overlap and are equally long, the one whose label comes
#: first here is kept (a name beats a date: "Theresa May").
_PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "LOC": 3, "NORP": 4, "DATE": 5}
_TRAILING = ("'s", "’s", "'", "’")
_EDGE_PUNCT = " \t\n\u00a0,;:!?\"“”‘()[]{}"


def trim(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """Offsets without edge spaces/punctuation, a possessive or a leading "the"."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    for suffix in _TRAILING:
        if text.endswith(suffix, start, end) and end - start > len(suffix):
            end -= len(suffix)
            break
    if label != "DATE" and text[start : start + 4] in ("the ", "The ", "THE ") and end - start > 4:
        start += 4
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def _drop_overlaps(spans: list[Span]) -> list[Span]:
    """Keep the longest of overlapping spans (then by label priority, then first).

    Kept spans never overlap, so their starts and ends sort the same way and
    one binary search tells whether a new span collides: O(n log n).
    """
    ranked = sorted(spans, key=lambda s: (-(s.end - s.start), _PRIORITY.get(s.label, 9), s.start))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Span] = []
    for span in ranked:
        i = bisect.bisect_right(starts, span.start)
        if i and ends[i - 1] > span.start:
            continue  # overlaps the kept span that starts before it
        if i < len(starts) and starts[i] < span.end:
            continue  # overlaps the kept span that starts after it
        starts.insert(i, span.start)
        ends.insert(i, span.end)
        kept.insert(i, span)
    return kept


def _full_names(spans: list[Span]) -> dict[str, Span | None]:
    """Last word of each multi-word PERSON -> that span (None when ambiguous)."""
    out: dict[str, Span | None] = {}
    for span in spans:
        if span.label != "PERSON" or " " not in span.text:
            continue
        last = span.text.rsplit(None, 1)[-1]
        known = out.get(last, span)
        if known is None or (
            known.text != span.text
            and not known.text.endswith(span.text)
            and not span.text.endswith(known.text)
        ):
            out[last] = None  # "Bill Clinton" and "Hillary Clinton": no guess
        else:
            out[last] = span if len(span.text) >= len(known.text) else known
    return out


def resolve_spans(
    spans: Iterable[Span],
    text: str,
    candidates: Iterable[tuple[int, int]] = (),
) -> list[Span]:
    """Trim, de-overlap and alias-join one article's spans; sorted by start.

    ``candidates`` are (start, end) stretches an engine saw as name-like but
    could not label; they become mentions only when the article names them
    elsewhere (a bare surname after the full name, the same words labelled
    elsewhere).
    """
    tidy: list[Span] = []
    for span in spans:
        start, end = trim(text, span.start, span.end, span.label)
        if start < end:
            canonical = "" if span.canonical == text[start:end] else span.canonical
            tidy.append(Span(start, end, span.label, text[start:end], canonical))
    for start, end in candidates:
        start, end = trim(text, start, end, "")
        if start < end:
            tidy.append(Span(start, end, "", text[start:end]))
    spans_ = _drop_overlaps(tidy)

    full = _full_names(spans_)
    by_text: dict[str, Span] = {}
    by_upper: dict[str, Span] = {}
    for span in spans_:
        if span.label:
            by_text.setdefault(span.text, span)
            if not span.text.isupper():
                by_upper.setdefault(span.text.upper(), span)

    out: list[Span] = []
    for span in spans_:
        label, canonical = span.label, span.canonical
        if label not in ("DATE", "NORP") and " " not in span.text:
            whole = full.get(span.text)
            if whole is not None:  # "Borisenko" -> "Georgiy Y. Borisenko"
                label, canonical = whole.label, whole.canonical or whole.text
        if not label:
            same = by_text.get(span.text)
            if same is None:
                continue  # an unlabelled candidate nobody vouches for
            label, canonical = same.label, same.canonical
        if not canonical and span.text.isupper() and len(span.text) > 3:
            other = by_upper.get(span.text)
            if other is not None and other.label == label:  # "CAIRO" -> "Cairo"
                canonical = other.canonical or other.text
        if canonical == span.text:
            canonical = ""
        out.append(Span(span.start, span.end, label, span.text, canonical))
    return out
