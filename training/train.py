"""Train the shipped NER model and write src/newsreader/entities/data/model.bin.gz.

Pipeline: licence-clean gold sets (GUM, BTC, WNUT-17) + VOA news text labelled
by a spaCy teacher (training/label_voa.py) -> features from
``newsreader.entities.model`` (the exact code used at run time) -> linear-chain
CRF trained with python-crfsuite (L-BFGS, elastic net) -> weights exported to
int16 and stored with the gazetteer lists in one gzip JSON file.

A held-out split (every 10th GUM document and every 20th VOA pseudo-document)
is scored after training, so tuning never needs CoNLL.  Seed fixed (see SEED).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from array import array
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

import corpora  # noqa: E402
import gazetteers  # noqa: E402

from newsreader.entities.model import (  # noqa: E402
    FeatureMaker,
    Gazetteer,
    sentence_features,
    write_model_file,
)

SEED = 20240611
TAGS = ["O"] + [f"{p}-{lab}" for lab in ("PERSON", "ORG", "GPE", "LOC", "NORP") for p in "BI"]


def upper_some(doc: corpora.Doc, rng: random.Random, p: float) -> corpora.Doc:
    """Upper-case a few sentences so ALL-CAPS headlines are not out of domain."""
    words, tags, sents = doc
    words = list(words)
    for s, e in sents:
        if rng.random() < p:
            words[s:e] = [w.upper() for w in words[s:e]]
    return words, tags, sents


def entity_set(tags: list[str]) -> set[tuple[int, int, str]]:
    out = set()
    cur = None
    for i, t in enumerate([*tags, "O"]):
        if cur is not None and not (t.startswith("I-") and t[2:] == cur[2]):
            out.add((cur[0], i, cur[2]))
            cur = None
        if t.startswith("B-") or (t.startswith("I-") and cur is None):
            cur = (i, i, t[2:])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--voa-labels", type=Path, required=True)
    ap.add_argument("--voa-docs", type=int, default=0, help="limit VOA pseudo-docs (0: all)")
    ap.add_argument("--lexicon", type=Path, help="teacher_lexicon.py output (optional)")
    ap.add_argument("--iters", type=int, default=100)
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--minfreq", type=float, default=1)
    ap.add_argument("--no-tweets", action="store_true")
    ap.add_argument("--upper", type=float, default=0.05)
    ap.add_argument("--all", action="store_true", help="train on the held-out split too")
    ap.add_argument("--work", type=Path, default=Path("/work/ner-work/run"))
    ap.add_argument("--out", type=Path, default=REPO / "src/newsreader/entities/data/model.bin.gz")
    ap.add_argument("--version", default="1")
    args = ap.parse_args()
    import pycrfsuite

    rng = random.Random(SEED)
    t0 = time.time()
    lists, phrases = gazetteers.build(args.lexicon)
    gaz = Gazetteer.from_lists(lists, phrases)
    fm = FeatureMaker(gaz)
    places = corpora.PlaceSplitter(set(lists["country"]), set(lists["place"]), set(phrases))

    gum = corpora.gum_docs(places)
    voa = corpora.voa_docs(args.voa_labels)
    if args.voa_docs:
        voa = voa[:args.voa_docs]
    train: list[corpora.Doc] = []
    held: list[tuple[str, corpora.Doc]] = []
    for i, d in enumerate(gum):
        (held.append(("gum", d)) if i % 10 == 5 and not args.all else train.append(d))
    for i, d in enumerate(voa):
        (held.append(("voa", d)) if i % 20 == 7 and not args.all else train.append(d))
    if not args.no_tweets:
        train += corpora.btc_docs(places) + corpora.wnut_docs(places)
    rng.shuffle(train)
    print(f"{len(train)} train docs, {sum(len(d[0]) for d in train)} tokens; "
          f"{len(held)} held-out docs; {time.time() - t0:.0f}s", flush=True)

    trainer = pycrfsuite.Trainer(verbose=False)
    for d in train:
        words, tags, sents = upper_some(d, rng, args.upper)
        feats = sentence_features(fm, words, sents)
        for s, e in sents:
            trainer.append(feats[s:e], tags[s:e])
    print(f"features built {time.time() - t0:.0f}s", flush=True)
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iters,
                        "feature.minfreq": args.minfreq,
                        "feature.possible_transitions": True})
    args.work.mkdir(parents=True, exist_ok=True)
    crf_path = str(args.work / "model.crfsuite")
    trainer.train(crf_path)
    print(f"trained {time.time() - t0:.0f}s", flush=True)

    tagger = pycrfsuite.Tagger()
    tagger.open(crf_path)
    score_heldout(tagger, fm, held)
    export(tagger, lists, phrases, args)  # gazetteer rebuilt there from the same lists
    print(f"done {time.time() - t0:.0f}s", flush=True)


def score_heldout(tagger, fm: FeatureMaker, held) -> None:
    for name in ("gum", "voa"):
        counts: dict[str, list[int]] = {}
        for src, (words, tags, sents) in held:
            if src != name:
                continue
            feats = sentence_features(fm, words, sents)
            pred: list[str] = []
            for s, e in sents:
                pred += tagger.tag(feats[s:e])
            g, p = entity_set(tags), entity_set(pred)
            for lab in ("PERSON", "ORG", "GPE", "LOC", "NORP"):
                c = counts.setdefault(lab, [0, 0, 0])
                gl = {x for x in g if x[2] == lab}
                pl = {x for x in p if x[2] == lab}
                c[0] += len(gl & pl)
                c[1] += len(pl - gl)
                c[2] += len(gl - pl)
        tot = [sum(c[i] for c in counts.values()) for i in range(3)]
        parts = []
        for lab, (tp, fp, fn) in [*counts.items(), ("all", tot)]:
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            parts.append(f"{lab} {f1:.3f}")
        print(f"held-out {name}: " + ", ".join(parts), flush=True)


def export(tagger, lists, phrases, args) -> None:
    info = tagger.info()
    labels = TAGS
    li = {t: i for i, t in enumerate(labels)}
    n = len(labels)
    maxw = max(abs(w) for w in info.state_features.values())
    maxw = max(maxw, max(abs(w) for w in info.transitions.values()))
    scale = 32000 / maxw
    rows: dict[str, list[int]] = {}
    for (attr, lab), w in info.state_features.items():
        q = round(w * scale)
        if q:
            rows.setdefault(attr, [0] * n)[li[lab]] = q
    names = sorted(rows)
    weights = array("h")
    for a in names:
        weights.extend(rows[a])
    trans = [[0] * n for _ in range(n)]
    for (a, b), w in info.transitions.items():
        trans[li[a]][li[b]] = round(w * scale)
    blob = {
        "meta": {"version": args.version, "scale": scale, "seed": SEED,
                 "c1": args.c1, "c2": args.c2, "iters": args.iters},
        "tags": labels,
        "features": "\n".join(names),
        "trans": trans,
        "start": [0] * n,
        "gaz": Gazetteer.from_lists(lists, phrases).to_blob(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_model_file(args.out, blob, weights)
    print(f"wrote {args.out}: {len(names)} features, {args.out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
