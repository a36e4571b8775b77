"""The engine registry: names, caching, lazy loading, the scorer adapter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.entities import Extractor, registry

SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_rules_and_default_are_available() -> None:
    names = registry.available_engines()
    assert "rules" in names
    assert "default" in names


def test_get_extractor_returns_a_cached_extractor() -> None:
    engine = registry.get_extractor("rules")
    assert isinstance(engine, Extractor)
    assert engine.name == "rules"
    assert registry.get_extractor("rules") is engine


def test_default_is_an_engine_with_a_name_and_version() -> None:
    engine = registry.get_extractor()
    assert engine.name in registry.available_engines()
    assert engine.version


def test_unknown_engine_is_a_one_line_value_error() -> None:
    with pytest.raises(ValueError, match="unknown entity engine 'nope'") as info:
        registry.get_extractor("nope")
    assert "\n" not in str(info.value)
    assert "rules" in str(info.value)


def test_register_a_new_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.ENGINES, "again", "newsreader.entities.rules:RulesExtractor")
    engine = registry.get_extractor("again")
    assert engine.name == "rules"
    assert engine is not registry.get_extractor("rules")
    registry.register("again", "newsreader.entities.rules:RulesExtractor")
    assert registry.get_extractor("again") is not engine  # re-registering rebuilds
    registry._cache.pop("again", None)


def test_extract_many() -> None:
    out = registry.extract_many(["Kenya and Brazil.", "", "Talks in Lisbon."], "rules")
    assert [[s.text for s in spans] for spans in out] == [["Kenya", "Brazil"], [], ["Lisbon"]]


def test_score_extract_returns_only_scored_labels() -> None:
    text = "Russian officials in Cairo met the United Nations on Sunday."
    got = registry.score_extract_rules(text)
    assert [(text[a:b], label) for a, b, label in got] == [
        ("Cairo", "GPE"),
        ("United Nations", "ORG"),
    ]
    scored = {"PERSON", "ORG", "GPE", "LOC"}
    assert all(label in scored for *_, label in registry.score_extract(text))


def _run(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout)


def test_importing_the_registry_loads_no_engine_and_no_data() -> None:
    got = _run(
        "import json, sys, newsreader.entities.registry\n"
        "mods = [m for m in sys.modules if m.startswith(('newsreader', 'textual'))]\n"
        "print(json.dumps(mods))"
    )
    assert "newsreader.entities.rules" not in got
    assert "newsreader.entities.gazetteer" not in got
    assert not any(m.startswith("textual") for m in got)


def test_the_rule_engine_never_imports_textual() -> None:
    got = _run(
        "import json, sys\n"
        "from newsreader.entities.registry import get_extractor\n"
        "get_extractor('rules').extract('Egypt and Russia met in Cairo on Sunday.')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('textual', 'rich')))))"
    )
    assert got == []


@pytest.mark.corpus
def test_scorer_adapter_runs_on_the_shared_scorer(tmp_path: Path) -> None:
    """The adapter plugs into shared/eval/ner/score.py (on a small slice, for speed)."""
    score = SHARED / "eval/ner/score.py"
    data = SHARED / "eval/ner/conll2003-dev.txt"
    if not score.exists() or not data.exists():
        pytest.skip("shared NER evaluation files not available")
    head = data.read_text(encoding="utf-8").split("-DOCSTART-")[:4]
    sample = tmp_path / "sample.txt"
    sample.write_text("-DOCSTART-".join(head), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(score), str(sample), "--extractor",
         "newsreader.entities.registry:score_extract_rules"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    last = out.stdout.strip().splitlines()[-1]
    assert last.startswith("F1 ")
    assert float(last.split()[1]) > 0.3
