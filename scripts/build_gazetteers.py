#!/usr/bin/env python3
"""Build the compact gazetteer files shipped in ``src/newsreader/entities/data/``.

Why a script: the shipped lists are small extracts of much larger public data
sets, and anyone must be able to re-create them byte for byte from the same
inputs (``shared/eval/ner/train``) and see exactly what was kept. Output is
sorted and deterministic; run it again and ``git diff`` shows no change.

Outputs (one entry a line, UTF-8, ``\\t`` between columns):

* ``first-names.txt``   US Census 1990 first names + SSA baby names (public domain)
* ``surnames.txt``      US Census 1990 surnames, most frequent first (public domain)
* ``places.tsv``        name, label, canonical: GeoNames countries, capitals,
                        US states, continents, cities (CC BY 4.0)
* ``countries.odbl.tsv`` kind, name, country: mledoze/countries names and
                        English demonyms (ODbL 1.0, kept in its own file)
* ``common-words.txt``  words written in lower case more often than
                        capitalised mid-sentence in the public-domain VOA text

No CoNLL data is read here.

Usage::

    python scripts/build_gazetteers.py [--shared PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "src" / "newsreader" / "entities" / "data"

#: Cities at or above this population are kept (capitals are always kept):
#: smaller towns add more false positives (towns named like words or people)
#: than they find in general news.
CITY_MIN_POPULATION = 100_000
#: Alternate (mostly older or English) spellings are kept only for big cities,
#: where they are well known ("Bombay", "Peking").
CITY_ALT_MIN_POPULATION = 1_000_000
#: Cities smaller than this whose name is a common word or a frequent given
#: name or surname ("Reading", "Elizabeth", "Hamilton") are left out: alone,
#: such a word is far more often not the city.
CITY_AMBIGUOUS_MIN_POPULATION = 500_000
#: How many of the most frequent census names count as "frequent" above.
FREQUENT_NAME_RANK = 1_000
#: SSA names given to at least this many babies in one of the sampled years.
SSA_MIN_COUNT = 50
#: How many census surnames to keep (rank order). The tail is mostly rare
#: names that are as likely to be common words or places.
SURNAME_TOP_N = 20_000
#: A word is "common" when seen in lower case at least this often and at
#: least as often as capitalised mid-sentence, or when seen in lower case and
#: never capitalised mid-sentence (a name is never written in lower case).
COMMON_MIN_LOWER = 2

_NAMEISH = re.compile(r"^[A-Z][A-Za-z.'-]*(?: [A-Za-z][A-Za-z.'-]*)*$")


def _title(word: str) -> str:
    """``SMITH`` -> ``Smith``, ``MCDONALD`` -> ``Mcdonald`` (census spelling is caps)."""
    return word[:1].upper() + word[1:].lower()


def first_names(shared: Path) -> list[str]:
    gaz = shared / "eval/ner/train/gazetteers"
    names: set[str] = set()
    for fname in ("dist.male.first", "dist.female.first"):
        for line in (gaz / "census-1990-names" / fname).read_text().splitlines():
            if line.strip():
                names.add(_title(line.split()[0]))
    for path in sorted((gaz / "ssa-baby-names").glob("yob*.txt")):
        for line in path.read_text().splitlines():
            name, _sex, count = line.split(",")
            if int(count) >= SSA_MIN_COUNT:
                names.add(name)
    return sorted(names)


def surnames(shared: Path) -> list[str]:
    path = shared / "eval/ner/train/gazetteers/census-1990-names/dist.all.last"
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    rows.sort(key=lambda r: int(r[3]))
    return [_title(r[0]) for r in rows[:SURNAME_TOP_N]]


def _clean_place(name: str) -> str:
    name = " ".join(name.split())
    return name[4:] if name.startswith("The ") else name


def _frequent_names(shared: Path) -> set[str]:
    census = shared / "eval/ner/train/gazetteers/census-1990-names"
    out: set[str] = set()
    for fname in ("dist.male.first", "dist.female.first", "dist.all.last"):
        for line in (census / fname).read_text().splitlines():
            parts = line.split()
            if parts and int(parts[3]) <= FREQUENT_NAME_RANK:
                out.add(_title(parts[0]))
    return out


def places(shared: Path, common: set[str]) -> list[tuple[str, str, str]]:
    """(name, label, canonical) rows; canonical empty when it is the name itself."""
    geo = shared / "eval/ner/train/gazetteers/geonames"
    frequent = _frequent_names(shared)
    rows: dict[str, tuple[str, str]] = {}

    def add(name: str, label: str, canonical: str = "") -> None:
        name = _clean_place(name)
        if len(name) < 3 or not _NAMEISH.match(name):
            return
        canonical = "" if canonical == name else canonical
        # First writer wins: countries before states before cities.
        rows.setdefault(name, (label, canonical))

    countries = json.loads((geo / "countries.json").read_text())
    for c in countries.values():
        add(c["name"], "GPE")
    for c in json.loads((geo / "continents.json").read_text()).values():
        add(c["toponymName"], "LOC")
    for s in json.loads((geo / "us_states.json").read_text()).values():
        add(s["name"], "GPE")
    capitals = {_clean_place(c["capital"]) for c in countries.values() if c.get("capital")}
    with gzip.open(geo / "cities15000.json.gz", "rt", encoding="utf-8") as fh:
        cities = json.load(fh)
    ordered = sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"]))
    for c in ordered:
        name = _clean_place(c["name"])
        ambiguous = name.lower() in common or name in frequent
        if ambiguous and c["population"] < CITY_AMBIGUOUS_MIN_POPULATION:
            continue
        if c["population"] >= CITY_MIN_POPULATION or name in capitals:
            add(name, "GPE")
        if c["population"] >= CITY_ALT_MIN_POPULATION:
            for alt in c.get("alternatenames", ()):
                if alt.isascii() and " " not in alt and alt[:1].isupper() and alt[1:].islower():
                    add(alt, "GPE", name)
    return sorted((n, lab, can) for n, (lab, can) in rows.items())


def _plural(demonym: str) -> str | None:
    """English plural of a demonym used as a noun ("Russians"), if it has one."""
    if demonym == "Czech":
        return "Czechs"
    if demonym.endswith(("ese", "ish", "ss", "ch", "sh", "x", "z", "s")):
        return None
    return demonym + "s"


def countries_odbl(shared: Path) -> list[tuple[str, str, str]]:
    """(kind, name, country) rows from mledoze/countries: kind is name or demonym."""
    path = shared / "eval/ner/train/gazetteers/countries-demonyms/countries.csv"
    out: set[tuple[str, str, str]] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            country = row["name.common"]
            names = {country, row["name.official"]}
            # Dotted abbreviations ("U.S." for the Virgin Islands!) are left
            # to the hand-written alias table.
            names.update(a.strip() for a in row["altSpellings"].split(",") if "." not in a)
            for name in names:
                name = _clean_place(name)
                # Skip ISO codes ("EG") and non-English spellings.
                if len(name) > 3 and name.isascii() and _NAMEISH.match(name):
                    out.add(("name", name, country))
            for key in ("demonyms.eng.m", "demonyms.eng.f"):
                dem = row[key].strip()
                if not dem or not dem.isascii() or not _NAMEISH.match(dem):
                    continue
                out.add(("demonym", dem, country))
                plural = _plural(dem)
                if plural:
                    out.add(("demonym", plural, country))
    # A demonym listed as another spelling ("British" for the British Virgin
    # Islands) is a people, not a place; a country's own name stays a place.
    demonyms = {name for kind, name, _ in out if kind == "demonym"}
    return sorted(
        row for row in out if row[0] == "demonym" or row[1] not in demonyms or row[1] == row[2]
    )


def common_words(shared: Path) -> list[str]:
    """Words usually written in lower case, learned from unlabelled VOA news text.

    A capitalised word that is normally lower case ("Certainly", "Leave") is
    not a name when nothing else says so. Counting only mid-sentence
    capitals keeps sentence-initial capitalisation from hiding that.
    """
    path = shared / "eval/ner/train/voa-text/sentences.txt.gz"
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            toks = line.split()
            for i, tok in enumerate(toks):
                if not tok.isalpha():
                    continue
                if tok.islower():
                    lower[tok] += 1
                elif i > 0 and tok[0].isupper() and toks[i - 1] not in {'"', "``", "'", ":"}:
                    capital[tok.lower()] += 1
    return sorted(
        w
        for w, n in lower.items()
        if (n >= COMMON_MIN_LOWER and n >= capital[w]) or capital[w] == 0
    )


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    print(f"{path.name}: {len(lines)} entries, {path.stat().st_size} bytes")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if not (args.shared / "eval/ner/train/gazetteers").is_dir():
        print(f"error: no gazetteers under {args.shared}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    _write(args.out / "first-names.txt", first_names(args.shared))
    _write(args.out / "surnames.txt", surnames(args.shared))
    common = common_words(args.shared)
    _write(args.out / "common-words.txt", common)
    rows = places(args.shared, set(common))
    _write(args.out / "places.tsv", ["\t".join(r) for r in rows])
    _write(args.out / "countries.odbl.tsv", ["\t".join(r) for r in countries_odbl(args.shared)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
