"""Label the public-domain VOA sentences with spaCy teachers (training time only).

Why: the licence-clean gold sets are small and mostly tweets; the VOA text is
1M tokens of real news but has no labels we may use.  An MIT-licensed spaCy
English pipeline labels it here ("distillation"); the shipped model never
depends on spaCy.  Tokens are kept exactly as in the file (Doc(words=...)),
so labels align with the tokenisation the student sees.

Usage (in the separate training venv, see training/README.md):
    python training/label_voa.py MODEL_DIR OUT.jsonl.gz
Output: one JSON object per sentence: {"i": index, "ents": [[start_tok, end_tok, label], ...]}
with spaCy's own labels (mapping to ours happens in training/corpora.py).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
VOA = SHARED / "eval/ner/train/voa-text/sentences.txt.gz"


def main(model_dir: str, out_path: str) -> None:
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.load(model_dir, exclude=["parser", "lemmatizer", "tagger",
                                         "attribute_ruler", "senter"])
    with gzip.open(VOA, "rt", encoding="utf-8") as fh:
        sents = [line.rstrip("\n").split(" ") for line in fh]
    docs = (Doc(nlp.vocab, words=w) for w in sents)
    with gzip.open(out_path, "wt", encoding="utf-8") as out:
        for i, doc in enumerate(nlp.pipe(docs, batch_size=512)):
            ents = [[e.start, e.end, e.label_] for e in doc.ents]
            out.write(json.dumps({"i": i, "ents": ents}) + "\n")
            if i % 5000 == 0:
                print(i, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
