"""Tests for the statistical NER engine (newsreader.entities.model).

The sentences here are written for these tests; none comes from CoNLL.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsreader.entities import LABELS, Extractor, Span
from newsreader.entities import model as ner

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="module")
def engine() -> ner.ModelExtractor:
    return ner.get_extractor()


def found(spans: list[Span]) -> set[tuple[str, str]]:
    return {(s.text, s.label) for s in spans}


def test_is_an_extractor_with_name_and_version(engine: ner.ModelExtractor) -> None:
    assert isinstance(engine, Extractor)
    assert engine.name == "model"
    assert engine.version


def test_model_file_is_small() -> None:
    assert ner.MODEL_PATH.stat().st_size < 15_000_000


def test_offsets_are_exact_and_sorted(engine: ner.ModelExtractor) -> None:
    text = "  Angela Merkel met executives of Siemens in Berlin on Monday.\n\nThen she left."
    spans = engine.extract(text)
    assert spans == sorted(spans, key=lambda s: s.start)
    for s in spans:
        assert text[s.start:s.end] == s.text
        assert s.label in LABELS
        assert s.text == s.text.strip()


def test_finds_people_organisations_and_places(engine: ner.ModelExtractor) -> None:
    got = found(engine.extract("Angela Merkel met executives of Siemens AG in Berlin on Monday."))
    assert ("Angela Merkel", "PERSON") in got
    assert ("Siemens AG", "ORG") in got
    assert ("Berlin", "GPE") in got
    assert ("Monday", "DATE") in got


@pytest.mark.xfail(reason="known gap: 'Siemens' never occurs in the licence-clean training "
                   "text and has no cue word; the model leaves it unlabelled", strict=False)
def test_unseen_company_without_cue(engine: ner.ModelExtractor) -> None:
    got = found(engine.extract("Angela Merkel met executives of Siemens in Berlin on Monday."))
    assert ("Siemens", "ORG") in got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prime Minister Narendra Modi arrived in Tokyo on Tuesday for talks.",
         [("Narendra Modi", "PERSON"), ("Tokyo", "GPE")]),
        ("Shares of Toyota Motor Corp. fell after the Bank of Japan raised rates.",
         [("Bank of Japan", "ORG")]),
        ("The World Health Organization said the outbreak in Kenya was under control.",
         [("World Health Organization", "ORG"), ("Kenya", "GPE")]),
        ("French President Emmanuel Macron spoke with reporters in Paris.",
         [("Emmanuel Macron", "PERSON"), ("Paris", "GPE"), ("French", "NORP")]),
    ],
)
def test_hand_written_news_sentences(engine: ner.ModelExtractor, text: str,
                                     expected: list[tuple[str, str]]) -> None:
    got = found(engine.extract(text))
    for item in expected:
        assert item in got, (item, got)


def test_possessive_is_not_part_of_the_name(engine: ner.ModelExtractor) -> None:
    text = "Russia's ambassador spoke to Egypt's foreign minister."
    got = found(engine.extract(text))
    assert ("Russia", "GPE") in got
    assert ("Egypt", "GPE") in got


def test_seed_article(engine: ner.ModelExtractor) -> None:
    text = (FIXTURES / "seed/egypt-russia-2021.txt").read_text(encoding="utf-8")
    spans = engine.extract(text)
    got = found(spans)
    assert ("Georgiy Y. Borisenko", "PERSON") in got
    for place in ("Egypt", "Russia", "Cairo", "Moscow"):
        assert (place, "GPE") in got, place
    assert ("United Nations", "ORG") in got
    for s in spans:
        assert text[s.start:s.end] == s.text


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n ", "!!!", "\x1b[31mred\x1b[0m", "a" * 5000, "İstanbul ﬁ ß ǅ", "\u202eevil",
     "[bold]Rich[/bold] markup", "x\u0000y", "12:30 1,000.5 3-2"],
)
def test_hostile_text_never_raises(engine: ner.ModelExtractor, text: str) -> None:
    for s in engine.extract(text):
        assert text[s.start:s.end] == s.text


def test_tokenizer_spans_cover_words_and_split_possessives() -> None:
    text = "U.S. envoy Georgiy Y. Borisenko's visit, 26 December 2021."
    toks = [text[s:e] for s, e in ner.tokenize(text)]
    assert toks[:6] == ["U.S.", "envoy", "Georgiy", "Y.", "Borisenko", "'s"]
    assert "2021" in toks


def test_all_caps_headline(engine: ner.ModelExtractor) -> None:
    text = "GERMANY AND FRANCE AGREE ON BUDGET PLAN\nBERLIN\nGermany and France agreed on Monday."
    got = {(s.text.lower(), s.label) for s in engine.extract(text)}
    assert ("germany", "GPE") in got


@pytest.mark.corpus
def test_dev_set_smoke() -> None:
    """A few CoNLL dev sentences score reasonably (only reads, never trains)."""
    dev = SHARED / "eval/ner/conll2003-dev.txt"
    if not dev.is_file():
        pytest.skip("shared data not present")
    words: list[str] = []
    with dev.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("-DOCSTART-"):
                words.append(line.split()[0])
            if len(words) > 2000:
                break
    text = " ".join(words)
    spans = ner.get_extractor().extract(text)
    assert len(spans) > 50
    assert all(re.fullmatch(r"\S(.*\S)?", s.text) for s in spans)


def test_results_lines_name_clubs_as_organisations(engine: ner.ModelExtractor) -> None:
    text = ("Results of English league matches on Saturday:\n"
            "Wigan 4 Chester 2\nYork 1 Brentford 3\n"
            "Chester remain top of the table.")
    got = found(engine.extract(text))
    for club in ("Wigan", "Chester", "Brentford"):
        assert (club, "ORG") in got, club


def test_titles_are_not_part_of_a_persons_name(engine: ner.ModelExtractor) -> None:
    got = found(engine.extract("Bishop Desmond Tutu spoke in Cape Town on Sunday."))
    assert ("Desmond Tutu", "PERSON") in got


def test_surname_alone_is_the_same_person(engine: ner.ModelExtractor) -> None:
    text = ("Georgiy Y. Borisenko met officials in Cairo.\n"
            "Borisenko said the talks went well.")
    spans = [s for s in engine.extract(text) if s.text == "Borisenko"]
    assert spans and spans[0].label == "PERSON"


def test_model_file_round_trip(tmp_path: Path) -> None:
    from array import array

    path = tmp_path / "m.bin.gz"
    ner.write_model_file(path, {"a": 1}, array("h", [1, -2, 32000]))
    blob, raw = ner.read_model_file(path)
    assert blob == {"a": 1}
    w = array("h")
    w.frombytes(raw)
    assert list(w) == [1, -2, 32000]


def test_bad_model_file_is_a_clear_error(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "bad.gz"
    path.write_bytes(gzip.compress(b"not a model"))
    with pytest.raises(ValueError, match="not a newsreader NER model"):
        ner.read_model_file(path)
