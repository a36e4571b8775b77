"""The shipped gazetteers, loaded once per process on first use.

Why lazy: importing the entities package (for the UI, the store, the CLI)
must stay cheap; only an engine that is actually asked to extract pays for
reading the lists (a few tens of milliseconds). The files are built by
``scripts/build_gazetteers.py``; their sources and licences are in
``data/ATTRIBUTION.md``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from newsreader.entities import cues

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Name lists keyed by their exact (capitalised) spelling."""

    first_names: frozenset[str]
    #: the most frequent surnames
    surnames: frozenset[str]
    #: place name -> (label, canonical name or "")
    places: dict[str, tuple[str, str]]
    #: upper-case place name -> its normal spelling ("CAIRO" -> "Cairo")
    places_upper: dict[str, str]
    #: demonym ("Russian", "Russians") -> country ("Russia")
    demonyms: dict[str, str]
    #: lower-case words usually written in lower case
    common: frozenset[str]
    #: longest place name, in words
    max_place_words: int


def _lines(name: str) -> list[str]:
    return (DATA_DIR / name).read_text(encoding="utf-8").splitlines()


@functools.cache
def load() -> Gazetteer:
    """Read the data files (once) and merge in the hand-written place lists."""
    places: dict[str, tuple[str, str]] = {}
    for line in _lines("places.tsv"):
        name, label, canonical = line.split("\t")
        places[name] = (label, canonical)
    demonyms: dict[str, str] = {}
    for line in _lines("countries.odbl.tsv"):
        kind, name, country = line.split("\t")
        if kind == "demonym":
            demonyms[name] = country
        else:
            places.setdefault(name, ("GPE", "" if name == country else country))
    for name, label in cues.REGIONS.items():
        places.setdefault(name, (label, ""))
    for name in cues.PROVINCES:
        places.setdefault(name, ("GPE", ""))
    for name, label in cues.KNOWN_NAMES.items():
        if label in ("GPE", "LOC"):
            places.setdefault(name, (label, ""))
        else:  # a known organisation is never also read as a place
            places.pop(name, None)
    return Gazetteer(
        first_names=frozenset(_lines("first-names.txt")),
        surnames=frozenset(_lines("surnames.txt")),
        places=places,
        places_upper={name.upper(): name for name in places},
        demonyms=demonyms,
        common=frozenset(_lines("common-words.txt")),
        max_place_words=max(name.count(" ") + 1 for name in places),
    )
