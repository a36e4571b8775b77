"""Entity engines by name, loaded lazily and cached per process.

Why a registry: the UI, the store and the CLI ask for "the default engine"
without knowing which engines exist or what they cost to load. Engines are
named here as ``"module:attribute"`` strings, so importing this module loads
no engine code and no data; the first :func:`get_extractor` call for a name
imports its module and builds it once.

To add an engine, add a line to :data:`ENGINES` (or call :func:`register`)
with a zero-argument callable that returns an :class:`Extractor`; to change
what "default" means, edit :data:`ALIASES`.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from newsreader.entities import Extractor, Span

#: Engine name -> "module:factory" (a class or function taking no argument).
ENGINES: dict[str, str] = {
    "rules": "newsreader.entities.rules:RulesExtractor",
    # The shipped CRF (training/README.md): 0.825 F1 on CoNLL dev against 0.745 for rules.
    "model": "newsreader.entities.model:get_extractor",
    # Optional: only when spaCy and an English pipeline are installed.
    "spacy": "newsreader.entities.spacy_engine:SpacyExtractor",
}

#: Names that stand for another engine.
ALIASES: dict[str, str] = {
    "default": "model",
}

_cache: dict[str, Extractor] = {}
_lock = threading.Lock()


def register(name: str, factory: str) -> None:
    """Make engine ``name`` available, built by ``factory`` ("module:callable")."""
    ENGINES[name] = factory
    _cache.pop(name, None)


def available_engines() -> list[str]:
    """Engine names :func:`get_extractor` accepts, aliases included."""
    return sorted({*ENGINES, *ALIASES})


def _resolve(name: str) -> str:
    real = ALIASES.get(name, name)
    if real not in ENGINES:
        known = ", ".join(available_engines())
        raise ValueError(f"unknown entity engine {name!r} (available: {known})")
    return real


def _build(spec: str) -> Extractor:
    module_name, _, attr = spec.partition(":")
    factory: Callable[[], Extractor] = getattr(importlib.import_module(module_name), attr)
    return factory()


def get_extractor(name: str = "default") -> Extractor:
    """The engine called ``name``, built on first use and then reused.

    Raises ``ValueError`` with a one-line message for an unknown name.
    Thread-safe: UI workers may ask for it concurrently.
    """
    real = _resolve(name)
    engine = _cache.get(real)
    if engine is None:
        with _lock:
            engine = _cache.get(real)
            if engine is None:
                engine = _cache[real] = _build(ENGINES[real])
    return engine


def extract_many(
    texts: Iterable[str],
    name: str = "default",
    *,
    published: datetime | None = None,
) -> list[list[Span]]:
    """Run one engine over several texts (one list of spans per text)."""
    engine = get_extractor(name)
    return [engine.extract(text, published=published) for text in texts]


_SCORED = frozenset({"PERSON", "ORG", "GPE", "LOC"})


def score_extract(text: str) -> list[tuple[int, int, str]]:
    """Adapter for ``shared/eval/ner/score.py --extractor``: PER/ORG/GPE/LOC only."""
    spans = get_extractor("default").extract(text)
    return [(s.start, s.end, s.label) for s in spans if s.label in _SCORED]


def score_extract_rules(text: str) -> list[tuple[int, int, str]]:
    """Like :func:`score_extract` but always the rule engine (for comparisons)."""
    spans = get_extractor("rules").extract(text)
    return [(s.start, s.end, s.label) for s in spans if s.label in _SCORED]
