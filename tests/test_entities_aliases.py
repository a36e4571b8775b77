"""Shared post-processing: trimming, overlaps, alias joining, identity keys, salience."""

from __future__ import annotations

import pytest

from newsreader.entities import Span
from newsreader.entities.aliases import fold_key, rank_entities, resolve_spans, trim


def span(text: str, sub: str, label: str, nth: int = 0, canonical: str = "") -> Span:
    """The ``nth`` occurrence of ``sub`` in ``text`` as a span."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Span(start, start + len(sub), label, sub, canonical)


# --------------------------------------------------------------------- trim
@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("Russia's", "GPE", "Russia"),
        ("Russia’s", "GPE", "Russia"),
        ("Reuters'", "ORG", "Reuters"),
        ("the United Nations", "ORG", "United Nations"),
        ("The Hague Tribunal", "ORG", "Hague Tribunal"),
        ("  Egypt, ", "GPE", "Egypt"),
        ("\"Cairo\"", "GPE", "Cairo"),
        ("the 1990s", "DATE", "the 1990s"),
        ("The", "ORG", "The"),
    ],
)
def test_trim(text: str, label: str, expected: str) -> None:
    start, end = trim(text, 0, len(text), label)
    assert text[start:end] == expected


def test_resolve_trims_and_sorts() -> None:
    text = "Russia's envoy met the United Nations."
    spans = [span(text, "the United Nations", "ORG"), span(text, "Russia's", "GPE")]
    out = resolve_spans(spans, text)
    assert [(s.text, s.label) for s in out] == [("Russia", "GPE"), ("United Nations", "ORG")]
    assert all(text[s.start : s.end] == s.text for s in out)


def test_overlaps_keep_the_longest_then_a_name_over_a_date() -> None:
    text = "Theresa May met New York Times staff."
    spans = [
        span(text, "May", "DATE"),
        span(text, "Theresa May", "PERSON"),
        span(text, "New York", "GPE"),
        span(text, "New York Times", "ORG"),
    ]
    out = resolve_spans(spans, text)
    assert [(s.text, s.label) for s in out] == [
        ("Theresa May", "PERSON"),
        ("New York Times", "ORG"),
    ]
    same = resolve_spans([span(text, "May", "DATE"), span(text, "May", "PERSON")], text)
    assert [s.label for s in same] == ["PERSON"]


# ------------------------------------------------------------------ aliases
def test_surname_joins_full_name_with_canonical() -> None:
    text = "Ambassador Georgiy Y. Borisenko spoke. Borisenko noted the ties."
    spans = [span(text, "Georgiy Y. Borisenko", "PERSON"), span(text, "Borisenko", "ORG", 1)]
    out = resolve_spans(spans, text)
    assert [(s.text, s.label, s.canonical) for s in out] == [
        ("Georgiy Y. Borisenko", "PERSON", ""),
        ("Borisenko", "PERSON", "Georgiy Y. Borisenko"),
    ]


def test_unlabelled_candidates_need_a_voucher() -> None:
    text = "Lena Marsh arrived. Marsh spoke. Later Quorrin spoke."
    marsh = text.index("Marsh spoke")
    quorrin = text.index("Quorrin")
    out = resolve_spans(
        [span(text, "Lena Marsh", "PERSON")],
        text,
        candidates=[(marsh, marsh + 5), (quorrin, quorrin + 7)],
    )
    assert [(s.text, s.label, s.canonical) for s in out] == [
        ("Lena Marsh", "PERSON", ""),
        ("Marsh", "PERSON", "Lena Marsh"),
    ]


def test_candidate_with_same_text_as_a_labelled_span_takes_its_label() -> None:
    text = "Zentrix Labs grew. Analysts like Zentrix Labs."
    second = text.index("Zentrix", 5)
    out = resolve_spans([span(text, "Zentrix Labs", "ORG")], text, [(second, second + 12)])
    assert [(s.text, s.label) for s in out] == [("Zentrix Labs", "ORG"), ("Zentrix Labs", "ORG")]


def test_ambiguous_surname_is_not_joined() -> None:
    text = "Bill Clinton and Hillary Clinton came. Clinton spoke."
    spans = [
        span(text, "Bill Clinton", "PERSON"),
        span(text, "Hillary Clinton", "PERSON"),
        span(text, "Clinton", "PERSON", 2),
    ]
    out = resolve_spans(spans, text)
    assert out[-1].text == "Clinton"
    assert out[-1].canonical == ""


def test_all_caps_joins_normal_spelling() -> None:
    text = "CAIRO - Talks in Cairo went on."
    out = resolve_spans([span(text, "CAIRO", "GPE"), span(text, "Cairo", "GPE")], text)
    assert [(s.text, s.canonical) for s in out] == [("CAIRO", "Cairo"), ("Cairo", "")]


def test_dates_and_norp_are_never_joined() -> None:
    text = "Sunday Okafor came on Sunday with a Russian and Ivan Russian."
    spans = [
        span(text, "Sunday Okafor", "PERSON"),
        span(text, "Sunday", "DATE", 1, "2021-12-26"),
        span(text, "Russian", "NORP"),
    ]
    out = resolve_spans(spans, text)
    assert [(s.text, s.label, s.canonical) for s in out] == [
        ("Sunday Okafor", "PERSON", ""),
        ("Sunday", "DATE", "2021-12-26"),
        ("Russian", "NORP", ""),
    ]


# ----------------------------------------------------------------- fold_key
@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("ORG", "U.N."), ("ORG", "United Nations")),
        (("ORG", "UN"), ("ORG", "the United Nations")),
        (("GPE", "U.S."), ("GPE", "United States")),
        (("ORG", "US"), ("GPE", "USA")),
        (("GPE", "United States of America"), ("LOC", "united states")),
        (("GPE", "UK"), ("GPE", "Britain")),
        (("GPE", "U.K."), ("GPE", "Great Britain")),
        (("GPE", "United Kingdom"), ("GPE", "Britain's")),
        (("GPE", "Zürich"), ("LOC", "ZURICH")),
        (("PERSON", "Georgiy Y. Borisenko"), ("PERSON", "georgiy y borisenko")),
        (("ORG", "AT&T"), ("ORG", "at t")),
    ],
)
def test_fold_key_same_entity(a: tuple[str, str], b: tuple[str, str]) -> None:
    assert fold_key(*a) == fold_key(*b)


def test_fold_key_shape_and_different_entities() -> None:
    assert fold_key("GPE", "U.S.") == "GPE:united states"
    assert fold_key("PERSON", "Jordan") != fold_key("GPE", "Jordan")
    assert fold_key("GPE", "Egypt") != fold_key("GPE", "Egypt Air")


# ----------------------------------------------------------------- salience
def test_rank_entities_title_then_lead_then_count() -> None:
    text = (
        "Kenya and Brazil signed a deal.\n\n"
        "Peru was mentioned. Peru again. Peru thrice. Brazil too.\n\nChile once."
    )
    spans = [
        span(text, "Kenya", "GPE"),
        span(text, "Brazil", "GPE"),
        span(text, "Peru", "GPE"),
        span(text, "Peru", "GPE", 1),
        span(text, "Peru", "GPE", 2),
        span(text, "Brazil", "GPE", 1),
        span(text, "Chile", "GPE"),
    ]
    ranked = rank_entities(spans, text, title="Brazil deal")
    assert [e.name for e in ranked] == ["Brazil", "Kenya", "Peru", "Chile"]
    brazil = ranked[0]
    assert (brazil.count, brazil.in_title, brazil.in_lead) == (2, True, True)
    assert brazil.key == "GPE:brazil"
    assert ranked[2].count == 3 and not ranked[2].in_lead


def test_rank_entities_groups_aliases_and_prefers_full_names() -> None:
    text = "CAIRO - Georgiy Y. Borisenko met U.N. staff. Borisenko praised the United Nations."
    spans = [
        span(text, "CAIRO", "GPE", canonical="Cairo"),
        span(text, "Georgiy Y. Borisenko", "PERSON"),
        span(text, "U.N.", "ORG"),
        span(text, "Borisenko", "PERSON", 1, canonical="Georgiy Y. Borisenko"),
        span(text, "United Nations", "ORG"),
    ]
    ranked = rank_entities(spans, text)
    names = {e.key: (e.name, e.count) for e in ranked}
    assert names["PERSON:georgiy y borisenko"] == ("Georgiy Y. Borisenko", 2)
    assert names["ORG:united nations"] == ("United Nations", 2)
    assert names["GPE:cairo"] == ("Cairo", 1)


def test_rank_entities_empty() -> None:
    assert rank_entities([], "", "") == []
