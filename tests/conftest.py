"""Fixtures shared by the whole suite: paths, an isolated database, a fake entity engine.

Kept small on purpose: anything specific to one area lives in that area's
test module.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import pytest

from newsreader.entities import Span

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture(autouse=True)
def _never_touch_user_data(tmp_path_factory: pytest.TempPathFactory,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read or write the developer's real database."""
    monkeypatch.setenv("NEWSREADER_DB", str(tmp_path_factory.mktemp("home") / "default.db"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file path (not created yet)."""
    return tmp_path / "newsreader.db"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def sample_feeds() -> Path:
    """The repo's first-launch samples (the app's default SOURCE)."""
    return REPO / "sample_feeds"


class FakeExtractor:
    """A deterministic entity engine: a fixed gazetteer, matched whole-word.

    UI tests check that highlights and the sidebar follow what an engine
    returns, not how good the engine is, so they use this instead of the model.
    """

    name = "fake"
    version = "1"

    ENTRIES: ClassVar[dict[str, tuple[str, str]]] = {
        "Angela Merkel": ("PERSON", "Angela Merkel"),
        "Merkel": ("PERSON", "Angela Merkel"),
        "Anna Schmidt": ("PERSON", ""),
        "Siemens": ("ORG", ""),
        "Deutsche Bahn": ("ORG", ""),
        "Berlin": ("GPE", ""),
        "Munich": ("GPE", ""),
        "Germany": ("GPE", ""),
        "German": ("NORP", ""),
        "Monday": ("DATE", ""),
        "Sunday": ("DATE", ""),
        "Tuesday": ("DATE", ""),
    }
    _PATTERN = re.compile(
        r"\b(" + "|".join(sorted(map(re.escape, ENTRIES), key=len, reverse=True)) + r")\b"
    )

    def __init__(self) -> None:
        self.calls = 0

    def extract(self, text: str, *, published: datetime | None = None) -> list[Span]:
        self.calls += 1
        spans = []
        for match in self._PATTERN.finditer(text):
            label, canonical = self.ENTRIES[match.group(0)]
            spans.append(Span(match.start(), match.end(), label, match.group(0), canonical))
        return spans


@pytest.fixture
def fake_extractor() -> FakeExtractor:
    return FakeExtractor()
