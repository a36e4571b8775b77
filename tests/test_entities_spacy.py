"""The optional spaCy backend: a clear message without spaCy, our labels with it."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from newsreader import cli
from newsreader.entities import registry
from newsreader.entities.spacy_engine import INSTALL_HINT, SpacyExtractor


def test_without_spacy_the_cli_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy -> ImportError
    monkeypatch.setattr(registry, "_cache", {})
    code = cli.main(["entities", "--ner", "spacy", "-", "--json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == f"newsreader: {INSTALL_HINT}"


class _Ent(SimpleNamespace):
    pass


class _FakeNlp:
    """Stands in for a spaCy pipeline: returns fixed entities for any text."""

    def __init__(self, ents: list[tuple[int, int, str]]) -> None:
        self.meta = {"name": "core_web_fake", "version": "1.0"}
        self._ents = ents

    def __call__(self, text: str) -> SimpleNamespace:
        ents = [
            _Ent(start_char=s, end_char=e, label_=lab, text=text[s:e]) for s, e, lab in self._ents
        ]
        return SimpleNamespace(ents=ents)


def test_labels_are_mapped_and_tidied_like_our_engines() -> None:
    text = "Russia's envoy met the Kremlin staff and a CARDINAL number of Egyptians."
    nlp = _FakeNlp([(0, 8, "GPE"), (23, 30, "FAC"), (44, 52, "CARDINAL"), (62, 71, "NORP")])
    spans = SpacyExtractor(nlp).extract(text)
    got = [(s.text, s.label) for s in spans]
    assert ("Russia", "GPE") in got  # the possessive is not part of the name
    assert ("Kremlin", "LOC") in got  # FAC maps to LOC
    assert ("Egyptians", "NORP") in got
    assert all(s.label != "CARDINAL" for s in spans)
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_real_spacy_when_installed() -> None:
    pytest.importorskip("spacy")
    from newsreader.entities.spacy_engine import SpacyUnavailable

    try:
        engine = SpacyExtractor()
    except SpacyUnavailable:
        pytest.skip("spaCy is installed but no English pipeline is")
    spans = engine.extract("Angela Merkel visited Paris on Monday.")
    assert ("Angela Merkel", "PERSON") in [(s.text, s.label) for s in spans]
