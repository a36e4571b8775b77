"""The rule engine: seed acceptance, one hand-written sentence per rule, robustness."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.entities import LABELS, Span
from newsreader.entities.rules import RulesExtractor

SEED = Path(__file__).parent / "fixtures" / "seed" / "egypt-russia-2021.txt"
PUBLISHED = datetime(2021, 12, 26, 6, 5, tzinfo=UTC)
NAMES = ("PERSON", "ORG", "GPE", "LOC")


@pytest.fixture(scope="module")
def engine() -> RulesExtractor:
    return RulesExtractor()


def pairs(spans: list[Span], labels: tuple[str, ...] = LABELS) -> list[tuple[str, str]]:
    return [(s.label, s.text) for s in spans if s.label in labels]


def check_invariants(text: str, spans: list[Span]) -> None:
    """Offsets point at the text, spans are sorted, never overlap, known labels."""
    end = 0
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.start >= end
        assert span.start < span.end
        assert span.label in LABELS
        end = span.end


# --------------------------------------------------------------------- seed
@pytest.fixture(scope="module")
def raw() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def body(raw: str) -> str:
    """Dateline paragraph to the last paragraph: no title, date-lines, caption, boilerplate."""
    return raw[raw.index("CAIRO - ") : raw.index("Leave a Comment")]


def test_seed_fixture_is_the_shared_seed_byte_for_byte(raw: str) -> None:
    shared = Path(__file__).resolve().parents[2] / "shared/corpus/articles/seed" / SEED.name
    if not shared.exists():
        pytest.skip("shared corpus not available")
    assert SEED.read_bytes() == shared.read_bytes()


def test_seed_body_finds_every_name_mention(engine: RulesExtractor, body: str) -> None:
    spans = engine.extract(body, published=PUBLISHED)
    check_invariants(body, spans)
    # Every PERSON/ORG/GPE/LOC mention of the body, in order.
    assert pairs(spans, NAMES) == [
        ("GPE", "CAIRO"),
        ("GPE", "Russia"),
        ("GPE", "Egypt"),
        ("GPE", "Russia"),
        ("GPE", "Cairo"),
        ("PERSON", "Georgiy Y. Borisenko"),
        ("PERSON", "Borisenko"),
        ("GPE", "Egypt"),
        ("GPE", "Russia"),
        ("GPE", "Russia"),
        ("GPE", "Egypt"),
        ("GPE", "Cairo"),
        ("GPE", "Moscow"),
        ("ORG", "United Nations"),
        ("GPE", "Russia"),
        ("GPE", "Egypt"),
        ("ORG", "United Nations"),
        ("GPE", "Russia"),
        ("GPE", "Egypt"),
    ]


@pytest.mark.parametrize("which", ["raw", "body"])
def test_seed_expected_entities(engine: RulesExtractor, which: str, request) -> None:
    text = request.getfixturevalue(which)
    spans = engine.extract(text, published=PUBLISHED)
    check_invariants(text, spans)
    found = set(pairs(spans))
    for expected in [
        ("PERSON", "Georgiy Y. Borisenko"),
        ("PERSON", "Borisenko"),
        ("GPE", "Egypt"),
        ("GPE", "Russia"),
        ("GPE", "Cairo"),
        ("GPE", "Moscow"),
        ("GPE", "CAIRO"),
        ("ORG", "United Nations"),
        ("NORP", "Russian"),
        ("NORP", "Egyptian"),
        ("DATE", "26 December 2021"),
        ("DATE", "Sunday"),
    ]:
        assert expected in found, expected
    by_text = {s.text: s for s in spans}
    assert by_text["Borisenko"].canonical == "Georgiy Y. Borisenko"
    assert by_text["CAIRO"].canonical == "Cairo"
    assert by_text["26 December 2021"].canonical == "2021-12-26"
    assert by_text["Sunday"].canonical == "2021-12-26"
    assert by_text["next year"].canonical == "2022"
    # Never a person, never the caption or the boilerplate.
    texts = {s.text for s in spans}
    for wrong in ("The Russian ambassador", "Russian ambassador", "Leave a Comment", "Be Social",
                  "Leave", "Comment", "Be", "Social", "Certainly", "Internet"):
        assert wrong not in texts
    assert all(s.label != "PERSON" or "Borisenko" in s.text for s in spans)


def test_seed_raw_file_date_lines_are_not_tagged(engine: RulesExtractor, raw: str) -> None:
    spans = engine.extract(raw, published=PUBLISHED)
    first_body = raw.index("CAIRO")
    assert [s for s in spans if s.start < first_body and s.label == "DATE"] == []
    assert not any(s.text in ("Sun", "Dec", "GMT") for s in spans)


# ------------------------------------------------------ one sentence per rule
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A title before the name makes a person; the title is not in the span.
        ("The delegation was received by Ambassador Marta Quell in the capital.",
         [("PERSON", "Marta Quell")]),
        ("Mr. Otieno agreed, and Otieno left early.", [("PERSON", "Otieno"), ("PERSON", "Otieno")]),
        # Title with an office: "Secretary of State", then the name.
        ("The talks were led by Secretary of State Lorna Fitzwilliam today.",
         [("PERSON", "Lorna Fitzwilliam"), ("DATE", "today")]),
        # Demonym + title + name.
        ("Kenyan President Amara Dunne arrived.", [("NORP", "Kenyan"), ("PERSON", "Amara Dunne")]),
        # Initials inside a name.
        ("Maria T. Velasquez chaired the meeting.", [("PERSON", "Maria T. Velasquez")]),
        # A known first name before a capitalised word.
        ("On the stage, Daniel Okonkwo opened the show.", [("PERSON", "Daniel Okonkwo")]),
        # Organisation suffix, and "of" inside an organisation name.
        ("Officials at the Halvard Mining Corporation declined to comment.",
         [("ORG", "Halvard Mining Corporation")]),
        ("A statement from the Ministry of Foreign Affairs was read aloud.",
         [("ORG", "Ministry of Foreign Affairs")]),
        ("Shares of Northwind Traders Inc. rose sharply.", [("ORG", "Northwind Traders Inc.")]),
        # Acronyms mid-sentence are organisations; known ones get their label.
        ("The report by UNICEF was late, the U.N. said.",
         [("ORG", "UNICEF"), ("ORG", "U.N.")]),
        # "and" between two places splits them.
        ("Talks between Kenya and Brazil resumed.", [("GPE", "Kenya"), ("GPE", "Brazil")]),
        # Country and city gazetteers; a leading "the" is not part of the name.
        ("Flights from Nairobi to Lisbon via the Netherlands were cancelled.",
         [("GPE", "Nairobi"), ("GPE", "Lisbon"), ("GPE", "Netherlands")]),
        ("The United Nations said so.", [("ORG", "United Nations")]),
        # "in X" makes an unknown word a place; "X-based" too (suffix not in span).
        ("The festival was held in Tarvenmoor again.", [("GPE", "Tarvenmoor")]),
        ("She works for a Lisbon-based charity.", [("GPE", "Lisbon")]),
        # Possessives are not part of the name (straight and curly).
        ("Kenya's president spoke to Brazil’s envoy.", [("GPE", "Kenya"), ("GPE", "Brazil")]),
        # Demonyms, plural demonyms and hyphenated pairs.
        ("Americans and Egyptians crossed the Kenya-Uganda border.",
         [("NORP", "Americans"), ("NORP", "Egyptians"), ("GPE", "Kenya"), ("GPE", "Uganda")]),
        ("The Russian ambassador stressed the point.", [("NORP", "Russian")]),
        # Regions, place suffixes.
        ("Shipping in the Red Sea and the Middle East slowed.",
         [("LOC", "Red Sea"), ("LOC", "Middle East")]),
        # All-capitals datelines and headlines: places only, no acronyms.
        ("NAIROBI - Officials met.", [("GPE", "NAIROBI")]),
        ("FLOODS HIT NAIROBI AS RAINS CONTINUE", [("GPE", "NAIROBI")]),
        # Compass words make a bigger place or people; peoples' nouns are NORP.
        ("Rain fell in North Tyneside, said a South Asian group.",
         [("GPE", "North Tyneside"), ("NORP", "South Asian")]),
        ("Spaniard Lucia Ferrandiz won.", [("NORP", "Spaniard"), ("PERSON", "Lucia Ferrandiz")]),
        # Events and prizes are none of our labels; a lower-case hyphen tail ends a name.
        ("She won the Harlow Cup and a Kenya-inspired prize.", [("GPE", "Kenya")]),
        # An office alone is not a person.
        ("It came up at Prime Minister's Questions.", []),
        # A quotation starts a sentence: its first word is an ordinary word.
        ('He said "Unfortunately nothing changed" later.', []),
        # Sentence-initial common words and boilerplate are nothing.
        ("Certainly nobody expected it. Leave a Comment", []),
        ("Leave a Comment\n\nBe Social", []),
        ("Reading the report took hours. However, nothing changed.", []),
    ],
)
def test_rule(engine: RulesExtractor, text: str, expected: list[tuple[str, str]]) -> None:
    spans = engine.extract(text)
    check_invariants(text, spans)
    assert pairs(spans) == expected


def test_all_caps_place_gets_its_normal_spelling(engine: RulesExtractor) -> None:
    (span,) = engine.extract("NAIROBI - Officials met.")
    assert span.canonical == "Nairobi"


def test_known_acronym_canonical(engine: RulesExtractor) -> None:
    spans = engine.extract("Troops left the U.S. base.")
    assert [(s.text, s.canonical) for s in spans] == [("U.S.", "United States")]


def test_sentence_end_after_acronym_is_split(engine: RulesExtractor) -> None:
    spans = engine.extract("He moved to the U.S. Then he left.")
    assert pairs(spans) == [("GPE", "U.S.")]


def test_name_and_version(engine: RulesExtractor) -> None:
    assert engine.name == "rules"
    assert engine.version


# ---------------------------------------------------------------- robustness
@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "'s",
        "The",
        "A. B. C. D.",
        "U.S.",
        "Mr.",
        "-based",
        "Cairo-",
        "\x1b[31mCAIRO\x1b[0m \u202eEgypt\u202c",
        "[bold]Egypt[/bold] [link=file:///etc/passwd]Cairo[/link]",
        "X" * 10_000,
        "Egypt " * 5_000,
        "Egypt, " * 20_000,  # 20k spans: overlap removal must not be quadratic
        "Sun, 26 Dec 2021 - 06:05 GMT\nEgypt met Russia.\n" * 2_000,
        "Ab-" * 2_000 + "Cd",
        "O'" * 3_000,
        "\ufeffRussia\x00Egypt\u00a0Cairo",
    ],
)
def test_hostile_text_never_raises(engine: RulesExtractor, text: str) -> None:
    spans = engine.extract(text, published=PUBLISHED)
    check_invariants(text, spans)


_PIECES = [*"AaBbCcEeGgJjKkMmRrSsTtUuYy .,'’-&\n\t\u00a0:;\"", "Egypt", "Cairo", "of", "the",
           "Mr.", "U.S.", "Sunday", "26 December 2021", "'s", "-based", "NAIROBI", "Y."]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_invariants_hold_for_any_text(text: str) -> None:
    engine = RulesExtractor()
    check_invariants(text, engine.extract(text, published=PUBLISHED))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_invariants_hold_for_any_unicode(text: str) -> None:
    check_invariants(text, RulesExtractor().extract(text))


# ------------------------------------------------------------------ the data
@pytest.mark.corpus
def test_shipped_gazetteers_are_reproducible(tmp_path: Path) -> None:
    """scripts/build_gazetteers.py rebuilds the shipped lists byte for byte."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[1]
    shared = repo.parent / "shared"
    if not (shared / "eval/ner/train/gazetteers").is_dir():
        pytest.skip("shared gazetteers not available")
    subprocess.run(
        [sys.executable, str(repo / "scripts/build_gazetteers.py"), "--shared", str(shared),
         "--out", str(tmp_path)],
        check=True, capture_output=True, timeout=300,
    )
    data = repo / "src/newsreader/entities/data"
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built
    for name in built:
        assert (tmp_path / name).read_bytes() == (data / name).read_bytes(), name
