"""Read the licence-clean training sets into one shape: documents of sentences.

A document is ``(words, tags, sents)``: flat token list, BIO tags over our
labels (PERSON ORG GPE LOC NORP) and sentence bounds as (start, end) token
indices.  Documents matter because the model has document-level casing
features.  CoNLL-2003 is never read here (it is evaluation-only).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

from newsreader.entities import cues

SHARED = Path(__file__).resolve().parents[2] / "shared"
TRAIN = SHARED / "eval/ner/train"

Doc = tuple[list[str], list[str], list[tuple[int, int]]]

SPACY_MAP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC",
             "FAC": "LOC", "NORP": "NORP"}
LEADING_DROP = {"the", "The", "THE"}


class PlaceSplitter:
    """Gold sets say only 'place': call it GPE when a gazetteer knows it."""

    def __init__(self, countries: set[str], places: set[str], phrases: set[str]) -> None:
        self.known = countries | places | phrases

    def label(self, words: list[str]) -> str:
        return "GPE" if " ".join(words).lower() in self.known else "LOC"


def _bio(n: int, ents: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n
    for s, e, lab in ents:
        if any(t != "O" for t in tags[s:e]):
            continue
        tags[s] = "B-" + lab
        for i in range(s + 1, e):
            tags[i] = "I-" + lab
    return tags


def _clean_span(words: list[str], s: int, e: int) -> tuple[int, int]:
    """Drop a leading 'the' and a trailing possessive: news NER conventions."""
    while s < e and words[s] in LEADING_DROP:
        s += 1
    while e > s and words[e - 1] in ("'s", "'", "’s"):
        e -= 1
    return s, e


# ------------------------------------------------------------------ VOA silver
def voa_docs(labels_path: Path, sents_per_doc: int = 12) -> list[Doc]:
    """VOA sentences with teacher labels, in runs of consecutive sentences.

    The file keeps the original sentence order, so consecutive sentences are
    mostly from one story: good enough for the document-casing features.
    """
    with gzip.open(TRAIN / "voa-text/sentences.txt.gz", "rt", encoding="utf-8") as fh:
        sents = [line.rstrip("\n").split(" ") for line in fh]
    labels: dict[int, list] = {}
    with gzip.open(labels_path, "rt", encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            labels[obj["i"]] = obj["ents"]
    docs: list[Doc] = []
    for d0 in range(0, len(sents), sents_per_doc):
        words: list[str] = []
        tags: list[str] = []
        bounds: list[tuple[int, int]] = []
        for i in range(d0, min(d0 + sents_per_doc, len(sents))):
            w = sents[i]
            ents = []
            for s, e, lab in labels.get(i, []):
                if lab in SPACY_MAP:
                    s, e = _clean_span(w, s, e)
                    if s < e:
                        ents.append((s, e, SPACY_MAP[lab]))
            bounds.append((len(words), len(words) + len(w)))
            words.extend(w)
            tags.extend(_bio(len(w), ents))
        docs.append((words, tags, bounds))
    return docs


# ------------------------------------------------------------ tab-separated IOB
def _read_iob(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if words:
                    yield words, tags
                words, tags = [], []
                continue
            parts = line.split("\t") if "\t" in line else line.split()
            words.append(parts[0])
            tags.append(parts[-1])
    if words:
        yield words, tags


def _iob_docs(paths: list[Path], mapping: dict[str, str], places: PlaceSplitter) -> list[Doc]:
    docs: list[Doc] = []
    for p in paths:
        for words, raw in _read_iob(p):
            ents: list[tuple[int, int, str]] = []
            cur: list | None = None
            for i, t in enumerate([*raw, "O"]):
                typ = t[2:] if len(t) > 2 and t[1] == "-" else None
                if cur is not None and (t.startswith("B-") or typ != cur[2] or t == "O"):
                    ents.append((cur[0], i, cur[2]))
                    cur = None
                if typ is not None and cur is None:
                    cur = [i, i + 1, typ]
            out = []
            for s, e, typ in ents:
                lab = mapping.get(typ)
                if lab is None:
                    continue
                s, e = _clean_span(words, s, e)
                if s >= e:
                    continue
                if lab == "PLACE":
                    lab = places.label(words[s:e])
                out.append((s, e, lab))
            docs.append((words, _bio(len(words), out), [(0, len(words))]))
    return docs


def btc_docs(places: PlaceSplitter) -> list[Doc]:
    paths = sorted((TRAIN / "btc").glob("*.conll"))
    return _iob_docs(paths, {"PER": "PERSON", "ORG": "ORG", "LOC": "PLACE"}, places)


def wnut_docs(places: PlaceSplitter) -> list[Doc]:
    d = TRAIN / "wnut17"
    paths = [d / "wnut17train.conll", d / "emerging.dev.conll", d / "emerging.test.annotated"]
    mapping = {"person": "PERSON", "location": "PLACE", "corporation": "ORG", "group": "ORG"}
    return _iob_docs(paths, mapping, places)


# -------------------------------------------------------------------------- GUM
TITLES = {w.rstrip(".") for w in cues.TITLES}
GUM_GENRES = ("academic", "bio", "interview", "news", "voyage")
GUM_TYPES = {"person": "PERSON", "organization": "ORG", "place": "PLACE"}
BRIDGES = {"of", "de", "&", "and", "for", "van", "von", "del", "la", "du", "der", "da", "-"}


def _entity_marks(value: str) -> Iterator[tuple[str, str, str]]:
    """('open'|'close'|'single', id, type) from a GUM ``Entity=`` value."""
    i = 0
    n = len(value)
    while i < n:
        ch = value[i]
        if ch == "(":
            j = i + 1
            while j < n and value[j] not in "()":
                j += 1
            fields = value[i + 1:j].split("-")
            eid, etype = fields[0], fields[1] if len(fields) > 1 else ""
            if j < n and value[j] == ")":
                yield "single", eid, etype
                i = j + 1
            else:
                yield "open", eid, etype
                i = j
        elif ch.isdigit():
            m = re.match(r"\d+", value[i:])
            assert m is not None
            eid = m.group(0)
            i += len(eid)
            if i < n and value[i] == ")":
                yield "close", eid, ""
                i += 1
        else:
            i += 1


def gum_docs(places: PlaceSplitter) -> list[Doc]:
    docs: list[Doc] = []
    for p in sorted((TRAIN / "gum/dep").glob("GUM_*.conllu")):
        if p.name.split("_")[1] not in GUM_GENRES:
            continue
        docs.append(_gum_doc(p, places))
    return docs


def _gum_doc(path: Path, places: PlaceSplitter) -> Doc:
    words: list[str] = []
    upos: list[str] = []
    xpos: list[str] = []
    heads: list[int] = []  # global index of the syntactic head, -1 for root
    bounds: list[tuple[int, int]] = []
    mentions: list[tuple[int, int, str]] = []
    open_: dict[str, list[tuple[int, str]]] = {}
    sent_start = 0
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if len(words) > sent_start:
                bounds.append((sent_start, len(words)))
            sent_start = len(words)
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        idx = len(words)
        words.append(cols[1])
        upos.append(cols[3])
        xpos.append(cols[4])
        h = int(cols[6])
        heads.append(sent_start + h - 1 if h > 0 else -1)
        for item in cols[9].split("|"):
            if not item.startswith("Entity="):
                continue
            for kind, eid, etype in _entity_marks(item[7:]):
                if kind == "single":
                    mentions.append((idx, idx + 1, etype))
                elif kind == "open":
                    open_.setdefault(eid, []).append((idx, etype))
                elif open_.get(eid):
                    s, etype0 = open_[eid].pop()
                    mentions.append((s, idx + 1, etype0))
    spans: list[tuple[int, int, str]] = []
    for s, e, etype in mentions:
        lab = GUM_TYPES.get(etype)
        if lab is None:
            continue
        head = next((i for i in range(s, e) if not s <= heads[i] < e), None)
        if head is None or upos[head] != "PROPN":
            continue
        a = head
        while a - 1 >= s and (upos[a - 1] == "PROPN"
                              or (upos[a - 1] in ("ADJ", "NOUN") and words[a - 1][:1].isupper())):
            a -= 1
        if lab == "PERSON":
            while a < head and words[a].rstrip(".") in TITLES:
                a += 1
        b = head + 1
        while b < e:
            if upos[b] == "PROPN":
                b += 1
            elif words[b] in BRIDGES and b + 1 < e and upos[b + 1] == "PROPN":
                b += 2
            else:
                break
        a, b = _clean_span(words, a, b)
        if a >= b:
            continue
        if lab == "PLACE":
            lab = places.label(words[a:b])
        elif lab == "PERSON" and b - a == 1 and xpos[a] == "NNPS":
            lab = "NORP"  # "Muslims", "Americans": groups, not people
        spans.append((a, b, lab))
    spans.sort(key=lambda x: (x[0] - x[1], x[0]))  # longest first: keep outermost
    return words, _bio(len(words), spans), bounds
