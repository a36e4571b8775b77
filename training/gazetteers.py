"""Build the word lists that the model uses as features.

Why they are baked into the model file rather than read from the rule
engine's data at run time: a feature means what it meant at training time, so
the lists must not change under a trained model.  Sources (all licence-clean,
see training/README.md): US Census 1990 and SSA baby names (public domain),
GeoNames (CC BY 4.0), and the hand-written cue words of
``newsreader.entities.cues`` (written for this project).  The ODbL demonym list
is deliberately *not* used, so the model file carries no share-alike terms.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from newsreader.entities import cues

SHARED = Path(__file__).resolve().parents[2] / "shared"
GAZ = SHARED / "eval/ner/train/gazetteers"

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _census(name: str, top: int) -> list[str]:
    out = []
    with open(GAZ / "census-1990-names" / name, encoding="ascii") as fh:
        for n, line in enumerate(fh):
            if n >= top:
                break
            out.append(line.split()[0].lower())
    return out


def _ssa(min_count: int) -> set[str]:
    out: set[str] = set()
    for p in sorted((GAZ / "ssa-baby-names").glob("yob*.txt")):
        for line in p.read_text(encoding="ascii").splitlines():
            name, _sex, count = line.split(",")
            if int(count) >= min_count:
                out.add(name.lower())
    return out


def _places() -> tuple[set[str], set[str], set[str]]:
    """(countries, other places, multi-word place phrases), lower-cased."""
    geo = GAZ / "geonames"
    countries: set[str] = set()
    places: set[str] = set()
    for c in json.loads((geo / "countries.json").read_text(encoding="utf-8")).values():
        countries.add(c["name"].lower())
        if c.get("capital"):
            places.add(c["capital"].lower())
    for s in json.loads((geo / "us_states.json").read_text(encoding="utf-8")).values():
        places.add(s["name"].lower())
    for c in json.loads((geo / "continents.json").read_text(encoding="utf-8")).values():
        places.add(c.get("name", c.get("asciiName", "")).lower())
    with gzip.open(geo / "cities15000.json.gz", "rt", encoding="utf-8") as fh:
        cities = json.load(fh)
    for c in cities.values():
        if c.get("population", 0) >= 50_000:
            places.add(c["name"].lower())
    for name in list(cues.REGIONS) + list(cues.PROVINCES):
        places.add(name.lower())
    places.discard("")
    single_c = {p for p in countries if " " not in p}
    single_p = {p for p in places if " " not in p}
    phrases = {p for p in countries | places if " " in p}
    return single_c, single_p, phrases


def build(lexicon: Path | None = None) -> tuple[dict[str, list[str]], list[str]]:
    """Category -> sorted words, and the sorted multi-word place phrases.

    ``lexicon`` is the teacher's word -> [label in template 0, label in
    template 1] table from ``teacher_lexicon.py``; it becomes categories
    ``t0PERSON``, ``t1ORG``, ...
    """
    first = set(_census("dist.male.first", 10_000)) | set(_census("dist.female.first", 10_000))
    first |= _ssa(100)
    surnames = _census("dist.all.last", 30_000)
    countries, places, phrases = _places()
    lists = {
        "first": first,
        "sur": set(surnames),
        "sur5k": set(surnames[:5000]),
        "country": countries,
        "place": places,
        "orgsuf": {w.lower().rstrip(".") for w in cues.ORG_SUFFIXES},
        "title": {w.lower() for w in cues.TITLES} | set(cues.TITLES_LOWER),
        "month": set(MONTHS),
        "day": set(DAYS),
    }
    if lexicon is not None:
        with gzip.open(lexicon, "rt", encoding="utf-8") as fh:
            table: dict[str, list[str]] = json.load(fh)
        for word, labels in table.items():
            for t, lab in enumerate(labels):
                if lab != "O":
                    lists.setdefault(f"t{t}{lab}", set()).add(word)
    return {k: sorted(v) for k, v in lists.items()}, sorted(phrases)


if __name__ == "__main__":
    lists, phrases = build()
    for k, v in lists.items():
        print(k, len(v))
    print("phrases", len(phrases))
