"""Ask the spaCy teacher what it thinks single capitalised words are.

Why: the labelled data cannot contain every company or town a reader will
meet ("executives of Siemens": Siemens never occurs in the training text).
The teacher's word vectors know many more names.  Each capitalised word of
the teacher's vocabulary is put into two neutral sentences and the teacher's
label is recorded; the model gets it as a gazetteer feature (one of several
clues, weighted by training).  Only the word -> label table ships.

Usage: python training/teacher_lexicon.py MODEL_DIR OUT.json.gz
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter

WORD = re.compile(r"^(?:[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?|[A-Z]{2,6})$")
TEMPLATES = (("{} said on Monday that talks would continue .", 0),
             ("The statement came from {} on Tuesday .", 4))
KEEP = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}


def main(model_dir: str, out: str) -> None:
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.load(model_dir, exclude=["parser", "lemmatizer", "tagger",
                                         "attribute_ruler", "senter"])
    cands: set[str] = set()
    for key in nlp.vocab.vectors.key2row:
        try:
            s = nlp.vocab.strings[key]
        except KeyError:
            continue
        if WORD.match(s) and len(s) <= 20:
            cands.add(s)
    words = sorted(cands)
    print(len(words), "candidates", file=sys.stderr, flush=True)
    table: dict[str, list[str]] = {}
    for t, (template, pos) in enumerate(TEMPLATES):
        base = template.split(" ")
        docs = (Doc(nlp.vocab, words=[*base[:pos], w, *base[pos + 1:]]) for w in words)
        for w, doc in zip(words, nlp.pipe(docs, batch_size=1000), strict=True):
            lab = "O"
            for e in doc.ents:
                if e.start == pos and e.end == pos + 1:
                    lab = e.label_
            lab = "LOC" if lab == "FAC" else lab
            table.setdefault(w.lower(), ["O", "O"])
            if lab in KEEP and table[w.lower()][t] == "O":
                table[w.lower()][t] = lab
        print("template", t, "done", file=sys.stderr, flush=True)
    table = {w: v for w, v in table.items() if v != ["O", "O"]}
    print(Counter(tuple(v) for v in table.values()).most_common(12), file=sys.stderr)
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        json.dump(table, fh)
    print(len(table), "words labelled", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
