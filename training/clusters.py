"""Word clusters from the teacher's word vectors (training time only).

Why: a word never seen in the labelled data still gets a useful feature if it
shares a cluster with words that were ("Somerset" ~ "Yorkshire").  The vectors
of ``en_core_web_md`` (MIT, see README.md) are grouped with k-means (fixed
seed); only the word -> cluster id table for the training vocabulary,
gazetteer words and capitalised vector words ships inside the model file.

Usage: python training/clusters.py MODEL_DIR OUT.json.gz [K]
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

SEED = 20240611
WORDLIKE = re.compile(r"^[A-Za-z][A-Za-z'.&-]{1,24}$")


def kmeans(x: np.ndarray, k: int, iters: int = 25) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    cent = x[rng.choice(len(x), k, replace=False)]
    for _ in range(iters):
        assign = np.argmax(x @ cent.T, axis=1)  # cosine: rows are unit length
        for j in range(k):
            m = x[assign == j]
            if len(m):
                c = m.mean(axis=0)
                cent[j] = c / (np.linalg.norm(c) + 1e-9)
    return np.argmax(x @ cent.T, axis=1)


def training_vocab() -> set[str]:
    import corpora
    import gazetteers

    lists, phrases = gazetteers.build()
    vocab: set[str] = set()
    for words in lists.values():
        vocab.update(words)
    for p in phrases:
        vocab.update(p.split())
    places = corpora.PlaceSplitter(set(), set(), set())
    for docs in (corpora.gum_docs(places), corpora.btc_docs(places), corpora.wnut_docs(places)):
        for w, _t, _s in docs:
            vocab.update(x.lower() for x in w)
    with gzip.open(corpora.TRAIN / "voa-text/sentences.txt.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            vocab.update(x.lower() for x in line.split())
    return vocab


def main(model_dir: str, out: str, k: int = 256) -> None:
    import spacy

    nlp = spacy.load(model_dir, exclude=["parser", "ner", "tagger", "lemmatizer",
                                         "attribute_ruler", "senter", "tok2vec"])
    vec = nlp.vocab.vectors
    data = np.asarray(vec.data, dtype=np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True) + 1e-9
    assign = kmeans(data, k)
    vocab = training_vocab()
    table: dict[str, int] = {}
    for key, row in vec.key2row.items():
        try:
            s = nlp.vocab.strings[key]
        except KeyError:
            continue
        if not WORDLIKE.match(s):
            continue
        low = s.lower()
        keep = low in vocab or (s[0].isupper() and s[1:].islower() and len(s) >= 3)
        if not keep:
            continue
        # Prefer the lower-case key's cluster, else the first seen form.
        if low not in table or s == low:
            table[low] = int(assign[row])
    words = sorted(table)
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        json.dump({"k": k, "words": "\n".join(words),
                   "ids": "".join(chr(48 + table[w] % 64) + chr(48 + table[w] // 64)
                                  for w in words)}, fh)
    print(f"{len(words)} words, k={k}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 256)
