"""A small statistical NER engine: a linear-chain CRF run in pure Python.

Why this design:

* The weights are learnt offline (``training/``) from licence-clean data only
  and shipped as one gzip file (``data/model.bin.gz``, a few MB), so the
  product needs no machine-learning dependency at run time.
* Every feature is either a property of one word *type* seen at a fixed offset
  (-2..+2) or a small per-token feature.  Per-type feature sums are cached, so
  a word costs a few list additions plus a constrained Viterbi step: that is
  what makes pure Python fast enough (tens of thousands of words per second).
* The same feature code (:func:`sentence_features`) is imported by the
  training scripts, so training and inference cannot drift apart.

Public API: :class:`ModelExtractor` (an ``Extractor``), :func:`get_extractor`
(shared lazily-loaded instance), :func:`score_extract` (for
``shared/eval/ner/score.py``), :func:`tokenize`.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import sys
import threading
from array import array
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from newsreader.entities import Span
from newsreader.entities.cues import TITLE_MODIFIERS, TITLES

MODEL_PATH = Path(__file__).resolve().parent / "data" / "model.bin.gz"
#: Candidate-tag pruning width, as a multiple of the spread of transition weights.
TAU_TRANS = 0.5
#: Word types whose score vectors are cached (cleared when full).
CACHE_WORDS = 30_000

# --------------------------------------------------------------- tokenising
# Order matters: abbreviations and initials before plain words, so "U.S." and
# the "Y." of "Georgiy Y. Borisenko" stay one token, as in news treebanks.
_TITLE_ABBR = (
    "Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Rev|Prof|Inc|Corp|Ltd|Co|"
    "Bros|Mt|Ft|Messrs|Maj|Adm|Cmdr|Pres|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|vs|No|Ave|Blvd"
)
TOKEN_RE = re.compile(
    r"(?:[^\W\d_]\.){2,}"
    rf"|(?:{_TITLE_ABBR})\.(?!\w)"
    r"|[A-Z]\.(?=\s?[A-Z])"
    r"|\d+(?:[.,:/-]\d+)*"
    r"|\w+(?:[-'’&]\w+)*"
    r"|\S"
)
_CLITIC_RE = re.compile(r"['’][sS]$")
_SENT_END = frozenset({".", "!", "?"})


def tokenize(text: str) -> list[tuple[int, int]]:
    """Character spans of the tokens of ``text`` (possessive 's split off)."""
    out: list[tuple[int, int]] = []
    append = out.append
    for m in TOKEN_RE.finditer(text):
        s, e = m.span()
        if e - s > 2 and text[e - 1] in "sS" and _CLITIC_RE.search(text, e - 2, e):
            append((s, e - 2))
            append((e - 2, e))
        else:
            append((s, e))
    return out


def sentence_bounds(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split token indices into sentences: at newlines and after . ! ?"""
    bounds: list[tuple[int, int]] = []
    start = 0
    n = len(spans)
    for i in range(n):
        end_here = False
        if i + 1 < n:
            if "\n" in text[spans[i][1]:spans[i + 1][0]]:
                end_here = True
            elif text[spans[i][0]:spans[i][1]] in _SENT_END:
                nxt = text[spans[i + 1][0]]
                end_here = nxt.isupper() or nxt in "\"'“‘("
        else:
            end_here = True
        if end_here:
            bounds.append((start, i + 1))
            start = i + 1
    return bounds


# ----------------------------------------------------------------- features
def _shape(word: str, maxrun: int) -> str:
    out: list[str] = []
    last = ""
    run = 0
    for ch in word[:40]:
        if ch.isupper():
            c = "X"
        elif ch.islower():
            c = "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if c == last:
            run += 1
            if run >= maxrun:
                continue
        else:
            last, run = c, 0
        out.append(c)
    return "".join(out)


MAGIC = b"NRNER1\n"


def read_model_file(path: Path) -> tuple[dict, bytes]:
    """(JSON part, little-endian int16 weights) of a model file.

    Layout inside the gzip stream: MAGIC, 8-byte little-endian length of the
    JSON part, the JSON part, then the raw weights (no base64: smaller and
    faster to load).
    """
    with gzip.open(path, "rb") as fh:
        data = fh.read()
    if not data.startswith(MAGIC):
        raise ValueError(f"{path.name}: not a newsreader NER model file")
    k = len(MAGIC)
    n = int.from_bytes(data[k:k + 8], "little")
    return json.loads(data[k + 8:k + 8 + n]), data[k + 8 + n:]


def write_model_file(path: Path, blob: dict, weights: array) -> None:
    """Write a model file (used by training/train.py)."""
    head = json.dumps(blob, separators=(",", ":")).encode("utf-8")
    w = array("h", weights)
    if sys.byteorder != "little":
        w.byteswap()
    data = MAGIC + len(head).to_bytes(8, "little") + head + w.tobytes()
    with open(path, "wb") as fh:
        fh.write(gzip.compress(data, compresslevel=9, mtime=0))


class Gazetteer:
    """Word lists used as features: one bit per category for single words,
    and lower-cased multi-word place names matched longest-first."""

    def __init__(self, cats: list[str], flags: dict[str, int], phrases: str) -> None:
        self.cats = cats
        self.flags = flags
        self.phrases = frozenset(p for p in phrases.split("\n") if p)
        first: dict[str, int] = {}
        for p in self.phrases:
            parts = p.split(" ")
            first[parts[0]] = max(first.get(parts[0], 0), len(parts))
        self.first = first

    @classmethod
    def from_lists(cls, lists: dict[str, list[str]], phrases: list[str]) -> Gazetteer:
        """Build from category -> words (training time)."""
        cats = sorted(lists)
        flags: dict[str, int] = {}
        for bit, cat in enumerate(cats):
            for w in lists[cat]:
                if w:
                    flags[w] = flags.get(w, 0) | 1 << bit
        return cls(cats, flags, "\n".join(phrases))

    def to_blob(self) -> dict[str, object]:
        """JSON-ready form: words in one string, their flags as base64 int32."""
        words = sorted(self.flags)
        arr = array("i", (self.flags[w] for w in words))
        if sys.byteorder != "little":
            arr.byteswap()
        return {"cats": self.cats, "words": "\n".join(words),
                "flags": base64.b64encode(arr.tobytes()).decode("ascii"),
                "phrases": "\n".join(sorted(self.phrases))}

    @classmethod
    def from_blob(cls, blob: dict) -> Gazetteer:
        """Inverse of :meth:`to_blob`: one dict(zip(...)), no per-word Python loop."""
        arr = array("i")
        arr.frombytes(base64.b64decode(blob["flags"]))
        if sys.byteorder != "little":
            arr.byteswap()
        words = blob["words"].split("\n") if blob["words"] else []
        return cls(blob["cats"], dict(zip(words, arr, strict=True)), blob["phrases"])

    def word_cats(self, lower: str) -> list[str]:
        f = self.flags.get(lower, 0)
        if not f:
            return []
        return [c for i, c in enumerate(self.cats) if f >> i & 1]

    def phrase_tags(self, words: Sequence[str]) -> list[str]:
        """'B'/'I' for tokens inside a known multi-word place, '' elsewhere."""
        n = len(words)
        out = [""] * n
        i = 0
        first = self.first
        while i < n:
            w = words[i]
            m = first.get(w.lower()) if w[:1].isupper() else None
            if m:
                for k in range(min(m, n - i), 1, -1):
                    if " ".join(x.lower() for x in words[i:i + k]) in self.phrases:
                        out[i] = "B"
                        for j in range(i + 1, i + k):
                            out[j] = "I"
                        i += k - 1
                        break
            i += 1
        return out


class FeatureMaker:
    """Turns words into feature strings.  Shared by training and inference."""

    OFFSETS = (-2, -1, 1, 2)

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    def gaz_feats(self, word: str) -> list[str]:
        cats = self.gaz.word_cats(word.lower())
        if not cats:
            return []
        case = "C" if word[:1].isupper() else "l"
        return [f"g{case}={c}" for c in cats]

    def own(self, word: str) -> list[str]:
        """Features of a word at the position being labelled."""
        return self.both(word)[0]

    def near(self, word: str) -> list[str]:
        """Features of a neighbouring word (prefixed with its offset later)."""
        return self.both(word)[1]

    def both(self, word: str) -> tuple[list[str], list[str]]:
        """(own, near) features, sharing the work of computing them."""
        low = word.lower()
        ss = "ss=" + _shape(word, 1)
        gaz = self.gaz_feats(word)
        own = [
            "bias",
            "w=" + low,
            "s=" + _shape(word, 2),
            ss,
            "p1=" + low[:1],
            "p2=" + low[:2],
            "p3=" + low[:3],
            "x2=" + low[-2:],
            "x3=" + low[-3:],
            "x4=" + low[-4:],
        ]
        if len(word) > 1 and word.isupper():
            own.append("W=" + word)  # "US" vs "us", "WHO" vs "who"
        own.extend(gaz)
        return own, ["w=" + low, ss, *gaz]

    @staticmethod
    def token_feats(words: Sequence[str], sents: Sequence[tuple[int, int]],
                    place: Sequence[str], lower_seen: set[str],
                    title_mid: set[str]) -> list[list[str]]:
        """Per-token features that depend on context beyond the word type."""
        out: list[list[str]] = []
        for s, e in sents:
            caps = _all_caps(words[s:e])
            for i in range(s, e):
                w = words[i]
                low = w.lower()
                f: list[str] = []
                cap = w[:1].isupper()
                if i == s:
                    f.append("bos|" + _shape(w, 1))
                if caps:
                    f.append("caps")
                    if cap:
                        f.append("capsw=" + low)
                if cap:
                    if low in lower_seen:
                        f.append("dlow")
                    if (i == s or caps or w.isupper()) and low in title_mid:
                        f.append("dtitle")
                prev = words[i - 1].lower() if i > s else "_B_"
                nxt = words[i + 1].lower() if i + 1 < e else "_E_"
                f.append("b-=" + prev + "|" + low)
                f.append("b+=" + low + "|" + nxt)
                p = place[i]
                if p:
                    f.append("gp=" + p)
                out.append(f)
        return out


def _all_caps(words: Sequence[str]) -> bool:
    letters = [w for w in words if any(c.isalpha() for c in w)]
    if len(letters) < 3:
        return False
    return all(not any(c.islower() for c in w) for w in letters)


def doc_context(
    words: Sequence[str], sents: Sequence[tuple[int, int]]
) -> tuple[set[str], set[str]]:
    """Casing evidence across the document.

    ``lower_seen``: words that occur in lower case (so a capitalised copy is
    probably just sentence-initial).  ``title_mid``: lower-cased forms of words
    seen capitalised mid-sentence in a normally-cased sentence (so an ALL-CAPS
    headline word, or a sentence-initial one, is probably a name).
    """
    lower_seen: set[str] = set()
    title_mid: set[str] = set()
    for s, e in sents:
        caps = _all_caps(words[s:e])
        for i in range(s, e):
            w = words[i]
            c = w[:1]
            if c.islower():
                lower_seen.add(w)
            elif c.isupper() and i > s and not caps and not w.isupper():
                title_mid.add(w.lower())
    return lower_seen, title_mid


def sentence_features(fm: FeatureMaker, words: Sequence[str],
                      sents: Sequence[tuple[int, int]]) -> list[list[str]]:
    """All feature strings per token (the slow, explicit form used for training)."""
    lower_seen, title_mid = doc_context(words, sents)
    place = fm.gaz.phrase_tags(words)
    tokf = fm.token_feats(words, sents, place, lower_seen, title_mid)
    out: list[list[str]] = []
    for s, e in sents:
        for i in range(s, e):
            f = fm.own(words[i])
            for k in fm.OFFSETS:
                j = i + k
                nb = fm.near(words[j]) if s <= j < e else ["w=_B_" if j < s else "w=_E_"]
                f.extend(f"{k}{x}" for x in nb)
            f.extend(tokf[i])
            out.append(f)
    return out


# ---------------------------------------------------------------- inference
class _Model:
    """Weights in integer form, looked up lazily and cached per word type."""

    def __init__(self, path: Path) -> None:
        blob, raw_weights = read_model_file(path)
        self.meta = blob["meta"]
        self.tags: list[str] = blob["tags"]
        self.n = len(self.tags)
        names = blob["features"].split("\n")
        self.index = dict(zip(names, range(len(names)), strict=True))
        w = array("h")
        w.frombytes(raw_weights)
        if sys.byteorder != "little":
            w.byteswap()
        self.w = w
        self.trans: list[list[int]] = blob["trans"]
        self.start: list[int] = blob["start"]
        self.gaz = Gazetteer.from_blob(blob["gaz"])
        self.fm = FeatureMaker(self.gaz)
        self.cache: dict[str, tuple[array, ...]] = {}
        self.lock = threading.Lock()
        n = self.n
        # Transition columns (weights into each tag) and the pruning margin;
        # see _decode.  Decoding is unconstrained like crfsuite's own, so the
        # learnt weights alone keep I-X after B-X/I-X.
        self.o = self.tags.index("O")
        self.cols = [[self.trans[p][j] for p in range(n)] for j in range(n)]
        if self.o != 0:
            raise ValueError("model file: the first tag must be O")
        flat = [x for r in self.trans for x in r]
        self.tau = int(TAU_TRANS * (max(flat) - min(flat)))
        zero = [0] * n
        self.zero = zero
        self.pad_left = {k: self._sum([f"{k}w=_B_"]) for k in (-2, -1)}
        self.pad_right = {k: self._sum([f"{k}w=_E_"]) for k in (1, 2)}

    def _sum(self, feats: Iterable[str]) -> list[int]:
        """Sum of the weight rows of the known features (columns summed at once)."""
        n = self.n
        w = self.w
        idx = self.index
        rows = [w[r * n:(r + 1) * n] for r in map(idx.get, feats) if r is not None]
        if not rows:
            return [0] * n
        if len(rows) == 1:
            return list(rows[0])
        return [sum(col) for col in zip(*rows, strict=True)]

    def type_vectors(self, word: str) -> tuple[array, ...]:
        """(own, as -2, as -1, as +1, as +2) score vectors for a word type."""
        v = self.cache.get(word)
        if v is None:
            own, near = self.fm.both(word)
            v = (
                array("l", self._sum(own)),
                array("l", self._sum(["-2" + x for x in near])),
                array("l", self._sum(["-1" + x for x in near])),
                array("l", self._sum(["1" + x for x in near])),
                array("l", self._sum(["2" + x for x in near])),
            )
            # Compact arrays, bounded count: about 1 KB a word type, so the
            # cache stays under ~30 MB however much text goes through.
            if len(self.cache) >= CACHE_WORDS:
                self.cache.clear()
            self.cache[word] = v
        return v

    def tag(self, words: list[str], sents: list[tuple[int, int]]) -> list[int]:
        """Best tag index per token (exact Viterbi per sentence)."""
        lower_seen, title_mid = doc_context(words, sents)
        place = self.gaz.phrase_tags(words)
        tokf = self.fm.token_feats(words, sents, place, lower_seen, title_mid)
        tv = [self.type_vectors(x) for x in words]
        idx = self.index
        w = self.w
        n = self.n
        out: list[int] = []
        for s, e in sents:
            em: list[list[int]] = []
            for i in range(s, e):
                a = tv[i][0]
                b = tv[i - 2][1] if i - 2 >= s else self.pad_left[-2]
                c = tv[i - 1][2] if i - 1 >= s else self.pad_left[-1]
                d = tv[i + 1][3] if i + 1 < e else self.pad_right[1]
                g = tv[i + 2][4] if i + 2 < e else self.pad_right[2]
                rows = [a, b, c, d, g]
                for r in map(idx.get, tokf[i]):
                    if r is not None:
                        rows.append(w[r * n:(r + 1) * n])
                em.append([sum(col) for col in zip(*rows, strict=True)])
            out.extend(self._decode(em))
        return out

    def _decode(self, em: list[list[int]]) -> list[int]:
        """Viterbi over each token's plausible tags only.

        A tag whose own score trails the token's best by more than ``tau``
        almost never wins once transitions are added (tau is set above the
        spread of the transition weights, see ``__init__``), so most tokens
        keep a single candidate and the search is nearly linear.
        """
        tau = self.tau
        start = self.start
        cols = self.cols
        prev_c: list[int] = []
        score: list[int] = []
        back: list[list[int]] = []
        cands: list[list[int]] = []
        for i, row in enumerate(em):
            thr = max(row) - tau
            cur = [j for j, v in enumerate(row) if v >= thr]
            cands.append(cur)
            if i == 0:
                score = [row[j] + start[j] for j in cur]
                back.append([])
            else:
                new: list[int] = []
                bp: list[int] = []
                if len(prev_c) == 1:
                    sc0, p0 = score[0], prev_c[0]
                    for j in cur:
                        new.append(sc0 + cols[j][p0] + row[j])
                        bp.append(0)
                else:
                    for j in cur:
                        col = cols[j]
                        cand = [sc + col[p] for sc, p in zip(score, prev_c, strict=True)]
                        best = max(cand)
                        new.append(best + row[j])
                        bp.append(cand.index(best))
                score = new
                back.append(bp)
            prev_c = cur
        k = score.index(max(score))
        path = [0] * len(em)
        for i in range(len(em) - 1, -1, -1):
            path[i] = cands[i][k]
            if i:
                k = back[i][k]
        return path


_MODEL: _Model | None = None
_LOAD_LOCK = threading.Lock()


def _model() -> _Model:
    global _MODEL
    if _MODEL is None:
        with _LOAD_LOCK:
            if _MODEL is None:
                _MODEL = _Model(MODEL_PATH)
    return _MODEL


Analysis = tuple[list[str], list[tuple[int, int]], list[tuple[int, int]],
                 list[tuple[int, int, str]]]


def _analyse(text: str) -> Analysis:
    """Words, their character spans, sentences and the CRF's entities as token ranges."""
    if not text or not text.strip():
        return [], [], [], []
    m = _model()
    spans = tokenize(text)
    if not spans:
        return [], [], [], []
    words = [text[s:e] for s, e in spans]
    sents = sentence_bounds(text, spans)
    tags = m.tag(words, sents)
    out: list[tuple[int, int, str]] = []
    start = -1
    label = ""
    names = m.tags
    for i, t in enumerate(tags):
        name = names[t]
        if name[:2] == "I-" and start >= 0 and name[2:] == label:
            continue
        if start >= 0:
            out.append((start, i, label))
            start = -1
        if name != "O":
            start, label = i, name[2:]
    if start >= 0:
        out.append((start, len(tags), label))
    return words, spans, sents, out


def raw_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) from the statistical model alone, before post-processing."""
    _words, offs, _sents, ents = _analyse(text)
    return [(offs[a][0], offs[b - 1][1], lab) for a, b, lab in ents]


_INT_RE = re.compile(r"\d{1,3}$")
_STAT_RE = re.compile(r"\d{1,3}$|\d*\.\d+$|-$")  # table cells: 64, .596, 5.5, -


def _results_teams(words: list[str], sents: list[tuple[int, int]],
                   ents: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Relabel team names in sports results lines as ORG.

    Why: results and standings ("Wigan 4 Chester 2", "Haitai 64 2 43 .596")
    are a regular news format in which a place name stands for a club; a
    +-2 word window cannot tell "Chester 2" from a place.  A line counts as
    results when at least two name+score pairs occur in it, or when it opens
    with a name followed by three or more numbers (a table row).  People
    ("Tiger Woods 70 68") are left alone.
    """
    by_start = {a: (b, lab) for a, b, lab in ents}
    out = list(ents)
    changed: dict[int, tuple[int, int, str]] = {}
    for s, e in sents:
        chunks: list[tuple[int, int, str]] = []  # name chunks followed by a score
        i = s
        first_row = False
        while i < e:
            if i in by_start:
                b, lab = by_start[i]
            elif words[i][:1].isupper() and words[i].isalpha():
                b, lab = i + 1, ""
                while b < e and words[b][:1].isupper() and words[b].isalpha() and b not in by_start:
                    b += 1
            else:
                i += 1
                continue
            j = b
            if j + 2 < e and words[j] == "(" and words[j + 2] == ")":
                j += 3  # "Alba ( Germany ) 75"
            if j < e and _INT_RE.match(words[j]):
                chunks.append((i, b, lab))
                if i == s:
                    cells = 0
                    while j + cells < e and _STAT_RE.match(words[j + cells]):
                        cells += 1
                    first_row = first_row or cells >= 3
            i = b
        if len(chunks) >= 2 or first_row:
            for a, b, lab in chunks:
                if lab in ("", "GPE", "LOC"):
                    changed[a] = (a, b, "ORG")
    if not changed:
        return out
    out = [changed.pop(a, (a, b, lab)) if lab != "PERSON" else (a, b, lab) for a, b, lab in out]
    out.extend(changed.values())
    out.sort()
    return out


_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC"})


#: Office words that only appear inside a title ("Home Secretary", "Shadow
#: Chancellor"); with the cue lists they make a PERSON span's leading title.
_OFFICE_WORDS = frozenset(
    [
        "home", "shadow", "state", "culture", "education", "environment", "transport", "energy",
        "labour", "work", "pensions", "treasury", "security", "foreign", "interior", "first",
        "second", "senior", "junior", "assistant", "associate", "executive", "managing", "general",
    ]
)


def _is_title_word(word: str, gaz: Gazetteer, bit: int) -> bool:
    parts = word.lower().rstrip(".").split("-")
    if bit >= 0 and all(gaz.flags.get(p, 0) >> bit & 1 for p in parts):
        return True
    return word.rstrip(".") in TITLES or word in TITLE_MODIFIERS or word.lower() in _OFFICE_WORDS


def _trim_titles(words: list[str], ents: list[tuple[int, int, str]],
                 gaz: Gazetteer) -> list[tuple[int, int, str]]:
    """Drop leading titles from PERSON spans: "Bishop Desmond Tutu" -> "Desmond Tutu".

    Why: the reader groups people by name; the title is context, not part of
    who it is (the usual news NER convention, and the teacher's). A "person"
    that is nothing but a title ("Minister", "Home Secretary") is no name at
    all, so it is dropped rather than listed among the people.
    """
    bit = gaz.cats.index("title") if "title" in gaz.cats else -1
    out = []
    for a, b, lab in ents:
        if lab == "PERSON":
            while a < b and _is_title_word(words[a], gaz, bit):
                a += 1
            if a == b:
                continue
        out.append((a, b, lab))
    return out


def propagate(words: list[str], ents: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Make one document agree with itself (token ranges in, token ranges out).

    Why: the tagger decides each mention from a +-2 word window, so a name it
    recognised in a clear context ("Georgiy Y. Borisenko said") can be missed
    or mislabelled where the context is poor (a bare "Borisenko" in a table,
    a headline).  News names repeat, so: (1) the same words get their
    majority label; (2) a surname or given name of a multi-word PERSON is that
    person; (3) other unlabelled occurrences of a labelled name become
    mentions too, unless the word also appears in lower case (a common word).
    """
    if not ents:
        return ents
    votes: dict[tuple[str, ...], dict[str, int]] = {}
    for a, b, lab in ents:
        if lab in _NAME_LABELS:
            d = votes.setdefault(tuple(words[a:b]), {})
            d[lab] = d.get(lab, 0) + 1
    persons: dict[tuple[str, ...], tuple[str, ...] | None] = {}
    for a, b, lab in ents:
        if lab != "PERSON" or b - a < 2:
            continue
        full = tuple(words[a:b])
        for part in (words[a], words[b - 1]):
            if len(part) > 2 and part[:1].isupper() and not part.endswith("."):
                key = (part,)
                persons[key] = full if persons.get(key, full) == full else None
    best: dict[tuple[str, ...], str] = {}
    for key, d in votes.items():
        best[key] = max(d, key=lambda k: (d[k], k == "PERSON"))
    for key, full in persons.items():
        if full is None:
            continue
        d = votes.get(key)
        if d is None or d.get("PERSON", 0) or sum(d.values()) <= 2:
            best[key] = "PERSON"
    out = [(a, b, best.get(tuple(words[a:b]), lab) if lab in _NAME_LABELS else lab)
           for a, b, lab in ents]
    covered = bytearray(len(words))
    for a, b, _ in out:
        covered[a:b] = b"\x01" * (b - a)
    lower = {w for w in words if w[:1].islower()}
    firsts: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, lab in best.items():
        k0 = key[0]
        if not k0[:1].isupper() or (len(key) == 1 and k0.lower() in lower):
            continue
        firsts.setdefault(k0, []).append((key, lab))
    for cands in firsts.values():
        cands.sort(key=lambda kl: -len(kl[0]))  # longest name first
    for i, w in enumerate(words):
        cands = firsts.get(w)
        if cands is None or covered[i]:
            continue
        for key, lab in cands:
            n = len(key)
            if tuple(words[i:i + n]) == key and not any(covered[i:i + n]):
                out.append((i, i + n, lab))
                covered[i:i + n] = b"\x01" * n
                break
    out.sort()
    return out


def _postprocess() -> tuple[object, object]:
    """The shared tidy-up and DATE rules of the rule engine, when present."""
    try:
        from newsreader.entities.aliases import resolve_spans
        from newsreader.entities.dates import find_dates
    except ImportError:  # pragma: no cover - the rule engine is part of the package
        return None, None
    return resolve_spans, find_dates


class ModelExtractor:
    """The statistical engine as an ``Extractor``: PERSON/ORG/GPE/LOC/NORP from
    the CRF, made consistent across the text, plus DATE from the shared date
    rules, tidied by the shared alias step (possessives, "the", surnames)."""

    name = "model"

    #: Bumped when the steps after the CRF change, so stored mentions are redone.
    POSTPROCESS_VERSION = "2"

    def __init__(self) -> None:
        self.version = f"{_model().meta.get('version', '0')}+{self.POSTPROCESS_VERSION}"
        self._resolve, self._dates = _postprocess()

    def extract(self, text: str, *, published: datetime | None = None) -> list[Span]:
        """Entity spans with exact offsets into ``text``, sorted by start."""
        words, offs, sents, ents = _analyse(text)
        spans: list[Span] = []
        ents = _trim_titles(words, _results_teams(words, sents, ents), _model().gaz)
        for a, b, lab in propagate(words, ents):
            s, e = offs[a][0], offs[b - 1][1]
            spans.append(Span(s, e, lab, text[s:e]))
        if self._dates is not None:
            spans.extend(self._dates(text, published))  # type: ignore[operator]
        if self._resolve is not None:
            spans = self._resolve(spans, text)  # type: ignore[operator]
        else:
            spans.sort(key=lambda sp: sp.start)
        return spans


_EXTRACTOR: ModelExtractor | None = None


def get_extractor() -> ModelExtractor:
    """A shared instance (the model is loaded once per process)."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        _EXTRACTOR = ModelExtractor()
    return _EXTRACTOR


def score_extract(text: str) -> list[tuple[int, int, str]]:
    """Entry point for ``shared/eval/ner/score.py --extractor`` (names only)."""
    return [(sp.start, sp.end, sp.label) for sp in get_extractor().extract(text)
            if sp.label in _NAME_LABELS]


def score_extract_raw(text: str) -> list[tuple[int, int, str]]:
    """The CRF alone, without consistency or shared post-processing (for comparison)."""
    return [x for x in raw_spans(text) if x[2] in _NAME_LABELS]
